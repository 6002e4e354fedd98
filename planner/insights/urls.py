from django.urls import path

from planner.insights import views, whatif_views

# Under /b/<business_id>/ (planner/urls.py).
business_patterns = [
    path("goals/", views.goal_list, name="goal_list"),
    path("insights/forecast/", views.insights_forecast, name="insights_forecast"),
    path("insights/best-times/", views.insights_times, name="insights_times"),
    path("insights/best-times/next/", views.best_time, name="best_time"),
    path("goals/new/", views.goal_create, name="goal_create"),
    path("goals/<int:pk>/edit/", views.goal_edit, name="goal_edit"),
    path("goals/<int:pk>/delete/", views.goal_delete, name="goal_delete"),
    path("campaigns/<int:pk>/goal/", views.campaign_goal, name="campaign_goal"),
    path("insights/what-if/", whatif_views.insights_whatif, name="insights_whatif"),
    path("scenarios/", whatif_views.scenario_list, name="scenario_list"),
    path("scenarios/new/", whatif_views.scenario_create, name="scenario_create"),
    path("scenarios/<int:pk>/", whatif_views.scenario_detail, name="scenario_detail"),
    path("scenarios/<int:pk>/apply/", whatif_views.scenario_apply, name="scenario_apply"),
    path("scenarios/<int:pk>/delete/", whatif_views.scenario_delete, name="scenario_delete"),
]
