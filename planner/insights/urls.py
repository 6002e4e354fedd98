from django.urls import path

from planner.insights import views

# Under /b/<business_id>/ (planner/urls.py).
business_patterns = [
    path("goals/", views.goal_list, name="goal_list"),
    path("insights/forecast/", views.insights_forecast, name="insights_forecast"),
    path("goals/new/", views.goal_create, name="goal_create"),
    path("goals/<int:pk>/edit/", views.goal_edit, name="goal_edit"),
    path("goals/<int:pk>/delete/", views.goal_delete, name="goal_delete"),
    path("campaigns/<int:pk>/goal/", views.campaign_goal, name="campaign_goal"),
]
