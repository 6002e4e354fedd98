from django.urls import path

from planner.reports import link_views, schedule_views, views

# Under /b/<business_id>/ (planner/urls.py).
business_patterns = [
    path("report/", views.report_page, name="report_page"),
    path("report/pdf/", views.report_pdf, name="report_pdf"),
    path("report/links/", link_views.report_link_list, name="report_link_list"),
    path("report/links/<int:pk>/revoke/", link_views.report_link_revoke, name="report_link_revoke"),
    path("report/schedules/", schedule_views.report_schedule_list, name="report_schedule_list"),
    path(
        "report/schedules/<int:pk>/delete/",
        schedule_views.report_schedule_delete,
        name="report_schedule_delete",
    ),
]

urlpatterns = [
    path("portfolio/", views.portfolio_page, name="portfolio"),
    path("r/<str:token>/", link_views.report_shared, name="report_shared"),
]
