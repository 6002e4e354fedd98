"""/api/: the schema, its reference page, and version 1 of the API; and the owner's page of
API keys inside a business (business_patterns, under /b/<id>/)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from planner.api import key_views, views

router = SimpleRouter()
for prefix, viewset, basename in [
    ("platforms", views.PlatformViewSet, "api-platform"),
    ("campaigns", views.CampaignViewSet, "api-campaign"),
    ("smo-tasks", views.SmoTaskViewSet, "api-smo-task"),
    ("smm-tasks", views.SmmTaskViewSet, "api-smm-task"),
    ("time-entries", views.TimeEntryViewSet, "api-time-entry"),
    ("results", views.ResultViewSet, "api-result"),
    ("members", views.MemberViewSet, "api-member"),
    ("pacing", views.PacingViewSet, "api-pacing"),
]:
    viewset.lookup_value_regex = "[0-9]+"  # other ids are no row's: a 404 from the URLconf
    router.register(prefix, viewset, basename=basename)

v1_business_patterns = [
    # Before the router's results/<id>/.
    path(
        "results/bulk/",
        views.BulkResultsView.as_view({"post": "create"}),
        name="api-results-bulk",
    ),
    path("dashboard/", views.DashboardView.as_view({"get": "retrieve"}), name="api-dashboard"),
    *router.urls,
]

urlpatterns = [
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path(
        "api/v1/businesses/",
        views.BusinessListView.as_view({"get": "list"}),
        name="api-businesses",
    ),
    path("api/v1/businesses/<int:business_id>/", include(v1_business_patterns)),
]

business_patterns = [
    path("api-keys/", key_views.api_key_list, name="api_key_list"),
    path("api-keys/<int:pk>/revoke/", key_views.api_key_revoke, name="api_key_revoke"),
]
