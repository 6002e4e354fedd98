from django.urls import path

from planner.reports import views

# Under /b/<business_id>/ (planner/urls.py).
business_patterns = [
    path("report/", views.report_page, name="report_page"),
    path("report/pdf/", views.report_pdf, name="report_pdf"),
]

urlpatterns = [
    path("portfolio/", views.portfolio_page, name="portfolio"),
]
