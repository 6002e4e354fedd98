from django.urls import path

from planner.teamwork import views

# Under /b/<business_id>/ (planner/urls.py).
business_patterns = [
    path("tasks/<int:pk>/review/<slug:action>/", views.task_review, name="task_review"),
]
