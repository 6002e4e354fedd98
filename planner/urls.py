from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from planner.accounts import urls as accounts_urls
from planner.api import urls as api_urls
from planner.compose import views as compose_views
from planner.insights import urls as insights_urls
from planner.jobs import urls as jobs_urls
from planner.lists import views as list_views
from planner.models import Kind
from planner.reports import urls as reports_urls
from planner.teamwork import urls as teamwork_urls
from planner.views import (
    businesses,
    calendar,
    campaigns,
    dashboard,
    health,
    imports,
    platforms,
    results_grid,
    tasks,
)
from planner.webhooks import urls as webhook_urls


def task_urls(kind):
    return [
        path(f"{kind}/", tasks.task_list, {"kind": kind}, name=f"{kind}_list"),
        path(f"{kind}/new/", tasks.task_create, {"kind": kind}, name=f"{kind}_create"),
        path(f"{kind}/export.csv", tasks.task_export, {"kind": kind}, name=f"{kind}_export"),
        path(
            f"{kind}/views/",
            list_views.saved_view_create,
            {"kind": kind},
            name=f"{kind}_view_create",
        ),
        path(f"{kind}/bulk/", list_views.bulk_action, {"kind": kind}, name=f"{kind}_bulk"),
        path(f"{kind}/<int:pk>/", tasks.task_detail, {"kind": kind}, name=f"{kind}_detail"),
        path(f"{kind}/<int:pk>/edit/", tasks.task_edit, {"kind": kind}, name=f"{kind}_edit"),
        path(f"{kind}/<int:pk>/delete/", tasks.task_delete, {"kind": kind}, name=f"{kind}_delete"),
    ]


business_patterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("dashboard.csv", dashboard.dashboard_csv, name="dashboard_csv"),
    path("calendar/", calendar.calendar, name="calendar"),
    path("calendar/reschedule/<int:pk>/", calendar.reschedule, name="calendar_reschedule"),
    path("calendar/flight/<int:pk>/", calendar.move_flight, name="calendar_move_flight"),
    path("calendar/feed-token/", calendar.feed_token, name="calendar_feed_token"),
    path("settings/", businesses.business_edit, name="business_edit"),
    path("delete/", businesses.business_delete, name="business_delete"),
    path("export.json", businesses.business_export, name="business_export"),
    path("members/", businesses.member_list, name="member_list"),
    path("members/<int:pk>/edit/", businesses.member_edit, name="member_edit"),
    path("members/<int:pk>/remove/", businesses.member_remove, name="member_remove"),
    path("platforms/", platforms.platform_list, name="platform_list"),
    path("platforms/new/", platforms.platform_create, name="platform_create"),
    path("platforms/<int:pk>/edit/", platforms.platform_edit, name="platform_edit"),
    path("platforms/<int:pk>/delete/", platforms.platform_delete, name="platform_delete"),
    path("campaigns/", campaigns.campaign_list, name="campaign_list"),
    path("campaigns/new/", campaigns.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", campaigns.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", campaigns.campaign_edit, name="campaign_edit"),
    path("campaigns/<int:pk>/delete/", campaigns.campaign_delete, name="campaign_delete"),
    *task_urls(Kind.SMO),
    *task_urls(Kind.SMM),
    path("tasks/<int:pk>/image/", tasks.task_image, name="task_image"),
    path("utm-preview/", tasks.utm_preview, name="utm_preview"),
    path("tasks/<int:pk>/time/", tasks.time_entry_create, name="time_entry_create"),
    path(
        "tasks/<int:pk>/time/<int:entry_pk>/delete/",
        tasks.time_entry_delete,
        name="time_entry_delete",
    ),
    path("tasks/<int:pk>/results/", tasks.result_create, name="result_create"),
    path("tasks/<int:pk>/results/grid/", results_grid.results_grid, name="results_grid"),
    path(
        "tasks/<int:pk>/results/<int:entry_pk>/delete/", tasks.result_delete, name="result_delete"
    ),
    path("smm/import/", imports.import_upload, name="import_upload"),
    path("smm/import/<int:pk>/", imports.import_preview, name="import_preview"),
    path("smm/import/<int:pk>/mapping/", imports.import_mapping, name="import_mapping"),
    path("smm/import/<int:pk>/confirm/", imports.import_confirm, name="import_confirm"),
    path("smm/import/<int:pk>/cancel/", imports.import_cancel, name="import_cancel"),
    *jobs_urls.business_patterns,
    *accounts_urls.business_patterns,
    *teamwork_urls.business_patterns,
    *insights_urls.business_patterns,
    *reports_urls.business_patterns,
    path("views/<int:pk>/delete/", list_views.saved_view_delete, name="saved_view_delete"),
    path("smo/<int:pk>/skip/", tasks.series_skip, name="series_skip"),
    path("slots/", compose_views.slot_list, name="slot_list"),
    path("slots/new/", compose_views.slot_create, name="slot_create"),
    path("slots/next/", compose_views.next_slot, name="next_slot"),
    path("slots/<int:pk>/delete/", compose_views.slot_delete, name="slot_delete"),
    path("compose/", compose_views.compose_post, name="compose_post"),
    path("compose/<int:pk>/", compose_views.group_detail, name="post_group_detail"),
    path("compose/<int:pk>/edit/", compose_views.group_edit, name="post_group_edit"),
    path("snippets/", compose_views.snippet_list, name="snippet_list"),
    path("snippets/new/", compose_views.snippet_create, name="snippet_create"),
    path("snippets/<int:pk>/edit/", compose_views.snippet_edit, name="snippet_edit"),
    path("snippets/<int:pk>/delete/", compose_views.snippet_delete, name="snippet_delete"),
    *api_urls.business_patterns,
    *webhook_urls.business_patterns,
]

# The admin's own log-in form would skip MFA and e-mail verification: it sends to allauth's.
# (Before admin.site.urls is read below, which binds the view.)
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", businesses.home, name="home"),
    # Accounts: django-allauth (sign-up, log-in, e-mail, password, MFA) under /accounts/.
    path("accounts/", include("allauth.urls")),
    *accounts_urls.urlpatterns,
    # The addresses before allauth, for bookmarks and password managers.
    *[
        path(old, RedirectView.as_view(pattern_name=new, query_string=True))
        for old, new in [
            ("login/", "account_login"),
            ("signup/", "account_signup"),
            ("password/reset/", "account_reset_password"),
            ("password/change/", "account_change_password"),
        ]
    ],
    path("businesses/new/", businesses.business_create, name="business_create"),
    path("businesses/import/", businesses.business_import, name="business_import"),
    path("b/<int:business_id>/", include(business_patterns)),
    *jobs_urls.top_level_patterns,
    *teamwork_urls.urlpatterns,
    *reports_urls.urlpatterns,
    *api_urls.urlpatterns,
    path("calendar/<slug:token>.ics", calendar.ical_feed, name="ical_feed"),
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
