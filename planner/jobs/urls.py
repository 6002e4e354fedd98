from django.urls import path

from planner.jobs import views

business_patterns = [
    path("jobs/", views.job_list, name="job_list"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/progress/", views.job_progress, name="job_progress"),
    path("jobs/<int:pk>/download/", views.job_download, name="job_download"),
]

top_level_patterns = [
    path("jobs/<int:pk>/", views.my_job_detail, name="my_job_detail"),
    path("jobs/<int:pk>/progress/", views.my_job_progress, name="my_job_progress"),
]
