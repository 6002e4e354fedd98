from django.urls import path

from planner.reports import views

urlpatterns = [
    path("portfolio/", views.portfolio_page, name="portfolio"),
]
