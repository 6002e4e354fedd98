"""Every URL of a business, walked as owner, editor, viewer, outsider and anonymous.

The URL patterns are found automatically: a URL this test does not know how to call fails
`test_every_business_url_is_covered` until it is taught here.
"""

import datetime

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from planner import imports
from planner.api import keys
from planner.compose.models import PostGroup, PostingSlot, PostSeries, Snippet
from planner.insights.models import Goal, Scenario
from planner.lists.models import SavedView
from planner.models import Role, Task
from planner.reports.models import ReportLink, ReportSchedule
from planner.teamwork import links
from planner.teamwork.models import Comment
from planner.views.imports import MappingForm
from tests.factories import MembershipFactory, ResultEntryFactory, TimeEntryFactory, UserFactory
from tests.url_walk import make_export_job, make_invitation, make_job

READ = "read"  # viewers may GET
EDIT = "edit"  # editors and owners
OWN = "own"  # owners only
MINE = "mine"  # owners, and the member who started it (the editor here); others get 404
AUTHOR = "author"  # only the member who wrote it (the editor here); other members get 403
PERSONAL = "personal"  # every member, viewers too, for their own rows (a saved view)
SELF = "self"  # only the member whose row it is (the viewer here); other members get 404

TINY_PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def business_url_names():
    """Names of all URL patterns under /b/<business_id>/."""
    names = set()
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and str(entry.pattern) == "b/<int:business_id>/":
            names |= {p.name for p in entry.url_patterns if isinstance(p, URLPattern)}
    return names


@pytest.fixture
def world(
    business,
    owner,
    editor,
    viewer,
    outsider,
    platform,
    campaign,
    smo_task,
    smm_task,
    settings,
    tmp_path,
):
    """Real rows for every id a business URL can take."""
    settings.MEDIA_ROOT = tmp_path  # the post's image, the export's file
    smo_task.image = SimpleUploadedFile("p.png", TINY_PNG, content_type="image/png")
    smo_task.image_alt = "a dot"
    smo_task.save()
    spare = MembershipFactory(business=business, role=Role.EDITOR, user=UserFactory())
    business.approval_mode = "optional"  # so that review moves are there to be made
    business.save(update_fields=["approval_mode"])

    def upload(campaign_name):
        report = f"date,campaign,spend\n2026-11-15,{campaign_name},12.50\n".encode()
        return imports.store_upload(business, owner, "r.csv", report)

    return {
        "business": business,
        "users": {"owner": owner, "editor": editor, "viewer": viewer, "outsider": outsider},
        "platform": platform,
        "campaign": campaign,
        "smo": smo_task,
        "smm": smm_task,
        "member": spare,
        "time": TimeEntryFactory(task=smo_task, user=owner),
        "result": ResultEntryFactory(task=smm_task, date=datetime.date(2026, 11, 2)),
        "report": upload(smm_task.title),
        "unmapped_report": upload("Unmatched name"),
        "job": make_job(business, editor),
        "export_job": make_export_job(business, editor),
        "invitation": make_invitation(business, owner, "pending@example.com")[0],
        "review_link": links.create(business, owner, label="Client", campaign=campaign)[0],
        "api_key": keys.create_key(business, owner, name="Script", scope="read")[0],
        **_webhook(business, owner),
        "snippet": Snippet.objects.create(
            business=business, kind="hashtags", name="Coffee", text="#coffee #beans"
        ),
        "post_group": _post_group(business, owner, smo_task),
        "series_post": _series_post(business, platform),
        "report_link": ReportLink.objects.create(
            business=business,
            token_hash="0" * 64,
            label="Board",
            query="period=30d",
            expires_at=timezone.now() + datetime.timedelta(days=3),
        ),
        "report_schedule": ReportSchedule.objects.create(
            business=business, name="Weekly", frequency="weekly", recipients="a@example.com"
        ),
        "scenario": Scenario.objects.create(
            business=business,
            name="More ads",
            baseline_end=datetime.date(2026, 11, 29),
            baseline_weeks=4,
            inputs={f"smm:{platform.pk}": "500"},
        ),
        "goal": Goal.objects.create(
            business=business,
            start_date=datetime.date(2026, 11, 1),
            end_date=datetime.date(2026, 11, 30),
            target_clicks=100,
        ),
        "slot": PostingSlot.objects.create(
            business=business, platform=platform, weekday=0, at=datetime.time(9)
        ),
        "saved_view": SavedView.objects.create(
            business=business, user=viewer, kind="smm", name="Active", query="status=active"
        ),
        "comment": Comment.objects.create(
            business=business, task=smo_task, author=editor, author_name="editor", body="Hi"
        ),
    }


def _post_group(business, owner, smo_task):
    group = PostGroup.objects.create(business=business, created_by=owner)
    Task.objects.filter(pk=smo_task.pk).update(post_group=group)
    return group


def _series_post(business, platform):
    from tests.factories import SmoTaskFactory

    series = PostSeries.objects.create(business=business, unit="week", count=2)
    return SmoTaskFactory(business=business, platform=platform, series=series)


def _webhook(business, owner):
    from planner.webhooks import events, services

    webhook = services.subscribe(
        business, owner, url="https://hooks.example/in", events_chosen=["task.created"]
    )
    webhook.active = False  # so that "enable" has something to change
    webhook.save(update_fields=["active"])
    payload = events.body("task.created", business, {"id": 1})
    return {
        "webhook": webhook,
        "delivery": services.record_delivery(webhook, "task.created", payload),
    }


def _cases(w):
    """name -> (access, url args after the business id, valid POST data or None if GET-only)."""
    b = w["business"]
    platform, campaign, smo, smm = w["platform"], w["campaign"], w["smo"], w["smm"]
    owner = w["users"]["owner"]
    day = "2026-11-15"
    smo_post = {
        "platform": platform.pk,
        "title": "Changed post",
        "post_text": "Changed",
        "status": "draft",
        "estimated_hours": "1",
        "hashtags": "",
        "image_alt": "a dot",
    }
    smm_post = {
        "platform": platform.pk,
        "title": "Changed ad",
        "objective": "traffic",
        "bid_model": "cpc",
        "budget_type": "daily",
        "budget_amount": "10",
        "status": "draft",
        "estimated_hours": "1",
    }
    compose_rest = {"status": "draft", "estimated_hours": "1"}
    goal_post = {"start_date": "2027-01-01", "end_date": "2027-03-31", "target_clicks": "90"}
    campaign_post = {
        "name": "Changed",
        "start_date": "2026-01-01",
        "end_date": "2026-02-01",
        "budget": "5",
    }
    return {
        "dashboard": (READ, [], None),
        "dashboard_csv": (READ, [], None),
        "calendar": (READ, [], None),
        "calendar_reschedule": (EDIT, [smo.pk], {"scheduled_at": "2026-11-20T10:00"}),
        "calendar_move_flight": (EDIT, [smm.pk], {"flight_start": "2026-11-03"}),
        "calendar_feed_token": (OWN, [], {}),
        "business_edit": (
            OWN,
            [],
            {
                "name": "Renamed",
                "website_url": "https://renamed.example",
                "currency": "EUR",
                "time_zone": "UTC",
                "hourly_rate": "1",
                "approval_mode": "optional",
                "confirm_currency": "on",  # amounts are recorded: relabelled, not converted
            },
        ),
        "business_delete": (OWN, [], {}),
        "business_export": (OWN, [], {}),  # GET: the page with the button; POST: a job
        "member_list": (READ, [], None),
        "invitation_create": (OWN, [], {"email": "invitee@example.com", "role": "viewer"}),
        "invitation_resend": (OWN, [w["invitation"].pk], {}),
        "invitation_revoke": (OWN, [w["invitation"].pk], {}),
        "member_leave": (READ, [], None),  # GET: the confirm page; the POST: test_invitations
        "member_edit": (OWN, [w["member"].pk], {"role": "viewer"}),
        "member_remove": (OWN, [w["member"].pk], {}),
        "platform_list": (READ, [], None),
        "platform_create": (EDIT, [], {"kind": "x", "handle": "newhandle"}),
        "platform_edit": (EDIT, [platform.pk], {"kind": "facebook", "handle": "renamed"}),
        "platform_delete": (EDIT, [platform.pk], {}),
        "campaign_list": (READ, [], None),
        "campaign_create": (EDIT, [], campaign_post),
        "campaign_detail": (READ, [campaign.pk], None),
        "campaign_edit": (EDIT, [campaign.pk], campaign_post),
        "campaign_delete": (EDIT, [campaign.pk], {}),
        "smo_list": (READ, [], None),
        "smo_export": (READ, [], {}),  # GET: the CSV (a short list); POST: a job
        "smm_export": (READ, [], {}),
        "utm_preview": (EDIT, [], None),
        "smo_create": (EDIT, [], smo_post),
        "smo_detail": (READ, [smo.pk], None),
        "smo_edit": (EDIT, [smo.pk], smo_post),
        "smo_delete": (EDIT, [smo.pk], {}),
        "smm_list": (READ, [], None),
        "smo_view_create": (PERSONAL, [], {"name": "Mine"}),
        "smm_view_create": (PERSONAL, [], {"name": "Mine"}),
        "saved_view_delete": (SELF, [w["saved_view"].pk], {}),
        "snippet_list": (READ, [], None),
        "snippet_create": (EDIT, [], {"kind": "template", "name": "New", "text": "Hello"}),
        "snippet_edit": (EDIT, [w["snippet"].pk], {"name": "Renamed", "text": "#tea"}),
        "snippet_delete": (EDIT, [w["snippet"].pk], {}),
        "compose_post": (
            EDIT,
            [],
            {"platforms": [platform.pk], "title": "Composed", "post_text": "Hi", **compose_rest},
        ),
        "post_group_detail": (READ, [w["post_group"].pk], None),
        "series_skip": (EDIT, [w["series_post"].pk], {}),
        "slot_list": (READ, [], None),
        "slot_create": (EDIT, [], {"platform": platform.pk, "weekdays": ["2"], "at": "10:00"}),
        "slot_delete": (EDIT, [w["slot"].pk], {}),
        "next_slot": (EDIT, [], None),
        "goal_list": (READ, [], None),
        "insights_forecast": (READ, [], None),
        "report_page": (READ, [], None),
        "report_pdf": (PERSONAL, [], {}),  # POST only: the member's own job makes the PDF
        "insights_times": (READ, [], None),
        "best_time": (EDIT, [], None),
        "insights_whatif": (READ, [], None),
        "scenario_list": (READ, [], None),
        "scenario_create": (
            EDIT,
            [],
            {"weeks": "4", "end": "2026-11-29", "name": "Saved", f"in_smm_{platform.pk}": "9"},
        ),
        "scenario_detail": (READ, [w["scenario"].pk], None),
        "scenario_apply": (
            EDIT,
            [w["scenario"].pk],
            {"campaigns": [campaign.pk], f"version_{campaign.pk}": campaign.version},
        ),
        "scenario_delete": (EDIT, [w["scenario"].pk], {}),
        "goal_create": (EDIT, [], goal_post),
        "goal_edit": (EDIT, [w["goal"].pk], goal_post),
        "goal_delete": (EDIT, [w["goal"].pk], {}),
        "campaign_goal": (EDIT, [campaign.pk], {"target_conversions": "8"}),
        "post_group_edit": (
            EDIT,
            [w["post_group"].pk],
            {"title": "Edited together", "post_text": "Hi", "image_alt": "a dot", **compose_rest},
        ),
        "smo_bulk": (EDIT, [], {"task": [smo.pk], "action": "status", "status": "idea"}),
        "smm_bulk": (EDIT, [], {"task": [smm.pk], "action": "shift", "days": "2"}),
        "smm_create": (EDIT, [], smm_post),
        "smm_detail": (READ, [smm.pk], None),
        "smm_edit": (EDIT, [smm.pk], smm_post),
        "smm_delete": (EDIT, [smm.pk], {}),
        "task_image": (READ, [smo.pk], None),
        "time_entry_create": (
            EDIT,
            [smo.pk],
            {"date": day, "hours": "1.5", "user": owner.pk},
        ),
        "time_entry_delete": (EDIT, [smo.pk, w["time"].pk], {}),
        "result_create": (EDIT, [smm.pk], {"date": day, "clicks": "3", "impressions": "9"}),
        "result_delete": (EDIT, [smm.pk, w["result"].pk], {}),
        "results_grid": (EDIT, [smm.pk], {"2026-11-16-clicks": "3", "2026-11-16-impressions": "9"}),
        "task_review": (EDIT, [smo.pk, "request"], {"seen_version": smo.version, "comment": ""}),
        "comment_create": (EDIT, [smo.pk], {"body": "Looks good"}),
        "comment_edit": (AUTHOR, [smo.pk, w["comment"].pk], {"body": "Looks better"}),
        "business_activity": (OWN, [], None),
        "task_activity": (READ, [smo.pk], None),
        "review_link_list": (
            OWN,
            [],
            {"label": "For the client", "campaign": campaign.pk, "days": "7"},
        ),
        "review_link_revoke": (OWN, [w["review_link"].pk], {}),
        "report_link_list": (OWN, [], {"label": "For the board", "days": "7"}),
        "report_link_revoke": (OWN, [w["report_link"].pk], {}),
        "report_schedule_list": (
            OWN,
            [],
            {"name": "Monthly", "frequency": "monthly", "recipients": "board@example.com"},
        ),
        "report_schedule_delete": (OWN, [w["report_schedule"].pk], {}),
        "api_key_list": (OWN, [], {"name": "Zapier", "scope": "write"}),
        "api_key_revoke": (OWN, [w["api_key"].pk], {}),
        "webhook_list": (
            OWN,
            [],
            {"url": "https://hooks.example/in", "events": ["task.created"]},
        ),
        "webhook_detail": (OWN, [w["webhook"].pk], None),
        "webhook_test": (OWN, [w["webhook"].pk], {}),
        "webhook_enable": (OWN, [w["webhook"].pk], {}),
        "webhook_delete": (OWN, [w["webhook"].pk], {}),
        "webhook_replay": (OWN, [w["webhook"].pk, w["delivery"].pk], {}),
        "comment_delete": (EDIT, [smo.pk, w["comment"].pk], {}),  # the author (editor), owners
        "import_upload": (
            EDIT,
            [],
            {
                "file": SimpleUploadedFile(
                    "r.csv", f"date,campaign,spend\n2026-11-15,{smm.title},12.50\n".encode()
                )
            },
        ),
        "import_mapping": (
            EDIT,
            [w["unmapped_report"].pk],
            {MappingForm.field_name("Unmatched name"): str(smm.pk)},
        ),
        "import_preview": (EDIT, [w["report"].pk], None),
        "import_confirm": (EDIT, [w["report"].pk], {}),
        "import_cancel": (EDIT, [w["report"].pk], {}),
        "job_list": (OWN, [], None),
        "job_detail": (MINE, [w["job"].pk], None),
        "job_progress": (MINE, [w["job"].pk], None),
        "job_download": (MINE, [w["export_job"].pk], None),
    } | {"_business": b}


def snapshot():
    """Every planner, job and invitation row, to prove a refused request changed nothing."""
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for label in (
            "planner",
            "jobs",
            "planner_accounts",
            "teamwork",
            "webhooks",
            "lists",
            "compose",
            "insights",
            "reports",
        )
        for model in apps.get_app_config(label).get_models()
    }


def url_for(w, name, args):
    url = reverse(name, args=[w["business"].pk, *args])
    needs_platform = name in ("next_slot", "best_time")
    return url + f"?platform={w['platform'].pk}" if needs_platform else url


def test_every_business_url_is_covered(world):
    known = set(_cases(world)) - {"_business"}
    assert business_url_names() == known, "teach tests/test_access.py the new URL"


NAMES = sorted(
    [
        "dashboard",
        "dashboard_csv",
        "calendar",
        "calendar_reschedule",
        "calendar_move_flight",
        "calendar_feed_token",
        "business_edit",
        "business_delete",
        "business_export",
        "member_list",
        "invitation_create",
        "invitation_resend",
        "invitation_revoke",
        "member_leave",
        "member_edit",
        "member_remove",
        "platform_list",
        "platform_create",
        "platform_edit",
        "platform_delete",
        "campaign_list",
        "campaign_create",
        "campaign_detail",
        "campaign_edit",
        "campaign_delete",
        "smo_list",
        "smo_export",
        "smm_export",
        "utm_preview",
        "smo_create",
        "smo_detail",
        "smo_edit",
        "smo_delete",
        "smm_list",
        "smo_view_create",
        "smm_view_create",
        "saved_view_delete",
        "snippet_list",
        "snippet_create",
        "snippet_edit",
        "snippet_delete",
        "compose_post",
        "post_group_detail",
        "post_group_edit",
        "series_skip",
        "slot_list",
        "slot_create",
        "slot_delete",
        "next_slot",
        "goal_list",
        "insights_forecast",
        "report_page",
        "report_pdf",
        "insights_times",
        "best_time",
        "insights_whatif",
        "scenario_list",
        "scenario_create",
        "scenario_detail",
        "scenario_apply",
        "scenario_delete",
        "goal_create",
        "goal_edit",
        "goal_delete",
        "campaign_goal",
        "smo_bulk",
        "smm_bulk",
        "smm_create",
        "smm_detail",
        "smm_edit",
        "smm_delete",
        "task_image",
        "time_entry_create",
        "time_entry_delete",
        "result_create",
        "result_delete",
        "results_grid",
        "task_review",
        "comment_create",
        "comment_edit",
        "comment_delete",
        "business_activity",
        "task_activity",
        "review_link_list",
        "report_link_list",
        "report_link_revoke",
        "report_schedule_list",
        "report_schedule_delete",
        "review_link_revoke",
        "api_key_list",
        "api_key_revoke",
        "webhook_list",
        "webhook_detail",
        "webhook_test",
        "webhook_enable",
        "webhook_delete",
        "webhook_replay",
        "import_upload",
        "import_mapping",
        "import_preview",
        "import_confirm",
        "import_cancel",
        "job_list",
        "job_detail",
        "job_progress",
        "job_download",
    ]
)


@pytest.mark.parametrize("name", NAMES)
def test_anonymous_is_sent_to_login(client, world, name):
    _access, args, data = _cases(world)[name]
    url = url_for(world, name, args)
    before = snapshot()
    for response in (client.get(url), client.post(url, data or {})):
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    assert snapshot() == before


@pytest.mark.parametrize("name", NAMES)
def test_outsider_gets_404_and_changes_nothing(client_for, world, name):
    _access, args, data = _cases(world)[name]
    url = url_for(world, name, args)
    client = client_for(world["users"]["outsider"])
    before = snapshot()
    assert client.get(url).status_code == 404
    assert client.post(url, data or {}).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("name", NAMES)
def test_viewer_reads_but_cannot_write(client_for, world, name):
    access, args, data = _cases(world)[name]
    url = url_for(world, name, args)
    client = client_for(world["users"]["viewer"])
    if access in (PERSONAL, SELF):  # the viewer's own rows: theirs to keep or delete
        assert client.get(url).status_code == 405
        assert client.post(url, data).status_code == 302
        return
    before = snapshot()
    if access == READ:
        assert client.get(url).status_code == 200
    elif access == MINE:  # a job the viewer did not start is not there for them
        assert client.get(url).status_code == 404
    else:
        assert client.get(url).status_code == 403
        assert client.post(url, data or {}).status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("role", ["editor", "owner"])
@pytest.mark.parametrize("name", NAMES)
def test_members_with_the_role_can(client_for, world, name, role):
    access, args, data = _cases(world)[name]
    url = url_for(world, name, args)
    client = client_for(world["users"][role])
    allowed = (access != OWN or role == "owner") and (access != AUTHOR or role == "editor")
    if access == SELF:  # another member's own row is not there for them
        before = snapshot()
        assert client.get(url).status_code == 405  # POST only
        assert client.post(url, data).status_code == 404
        assert snapshot() == before
        return
    get_status = client.get(url).status_code
    if not allowed:
        assert get_status == 403
        before = snapshot()
        assert client.post(url, data or {}).status_code == 403
        assert snapshot() == before
        return
    # POST-only endpoints answer GET with 405; everything else shows a page.
    assert get_status in (200, 405)
    if data is None:
        return
    before = snapshot()
    response = client.post(url, data)
    if name in ("platform_delete", "campaign_delete"):
        # Their tasks would be lost: refused until the tasks are moved or deleted.
        assert response.status_code == 409
        assert snapshot() == before
        return
    # A new review link's or key's secret is shown once, on the page that answers (not in a
    # redirect).
    shown_once = ("review_link_list", "report_link_list", "api_key_list", "webhook_list")
    assert response.status_code == (200 if name in shown_once else 302)
    assert snapshot() != before


@pytest.mark.parametrize(
    "name, kwargs_key",
    [("smo_detail", "smm"), ("smm_detail", "smo"), ("smo_edit", "smm"), ("smm_delete", "smo")],
)
def test_task_of_the_other_kind_is_404(client_for, world, name, kwargs_key):
    url = url_for(world, name, [world[kwargs_key].pk])
    assert client_for(world["users"]["owner"]).get(url).status_code == 404


def test_business_switcher_lists_only_own_businesses(client_for, world, other_business):
    response = client_for(world["users"]["owner"]).get(url_for(world, "dashboard", []))
    content = response.content.decode()
    assert world["business"].name in content
    assert other_business.name not in content


# Top-level URLs (outside /b/<id>/ and the staff-only admin): who may open them.
PUBLIC = "public"  # anyone
LOGIN = "login"  # signed-in users; anonymous visitors are sent to the login page
MFA_ONLY = "mfa"  # signed-in users who have set up MFA (test_mfa.py); a 404 for the others
FLOW = "flow"  # a step of a log-in flow: without one under way it redirects, never a 500
TOP_LEVEL = {
    "home": LOGIN,
    # django-allauth, under /accounts/.
    "account_signup": PUBLIC,
    "account_login": PUBLIC,
    "account_logout": LOGIN,  # a GET asks to confirm; the POST logs out
    "account_inactive": PUBLIC,
    "account_email_verification_sent": PUBLIC,
    "account_confirm_email": PUBLIC,  # a bad key: "this link is invalid or expired"
    "account_reset_password": PUBLIC,
    "account_reset_password_done": PUBLIC,
    "account_reset_password_from_key": PUBLIC,  # a bad key: "Bad Token"
    "account_reset_password_from_key_done": PUBLIC,
    "account_change_password": LOGIN,
    "account_set_password": LOGIN,
    "account_email": LOGIN,
    "account_reauthenticate": LOGIN,
    "account_request_reauthentication_code": LOGIN,
    "account_confirm_reauthentication_code": LOGIN,
    "account_confirm_login_code": FLOW,
    "mfa_authenticate": FLOW,
    "mfa_reauthenticate": LOGIN,
    "mfa_index": LOGIN,
    "mfa_activate_totp": LOGIN,
    "mfa_deactivate_totp": MFA_ONLY,
    "mfa_view_recovery_codes": MFA_ONLY,
    "mfa_generate_recovery_codes": LOGIN,
    "mfa_download_recovery_codes": MFA_ONLY,
    "business_create": LOGIN,
    "business_import": LOGIN,
    "ical_feed": PUBLIC,  # the secret token in its URL is the key
    "invitation_detail": PUBLIC,  # the token is the key; answering needs the invited login
    "invitation_answer": LOGIN,  # POST only; 404 unless the invitation waits for this user
    "invitations_waiting": LOGIN,
    "healthz": PUBLIC,
    # The user's own notifications, across the businesses they belong to (test_notifications).
    "notification_inbox": LOGIN,
    "notification_read_all": LOGIN,  # POST only
    "notification_settings": LOGIN,
    "notification_open": LOGIN,
    # A client's review link: its secret is the key; a wrong one is a 404 (test_review_links
    # walks live, revoked and expired links).
    "review_link_page": "link",
    "review_link_image": "link",
    "report_shared": "link",  # the report behind a live link (tests/test_report_links.py)
    "review_link_decide": "link",  # POST only; anyone else's is a 404 (test_notifications)
    # The API's schema and reference page are public; its routes are walked with keys and
    # sessions in tests/test_api_access.py.
    "api-schema": PUBLIC,
    "api-docs": PUBLIC,
    "api-businesses": "api",
    # Only the businesses the user belongs to (tests/test_portfolio.py).
    "portfolio": LOGIN,
    "my_job_detail": "mine",  # the user's own jobs outside a business; anyone else's are 404
    "my_job_progress": "mine",
}


API_BUSINESS = "api/v1/businesses/<int:business_id>/"  # tests/test_api_access.py walks it


def top_level_names():
    """Every named URL outside /b/<id>/ and the staff-only admin, includes (allauth) too."""

    def walk(patterns):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if str(entry.pattern) not in ("admin/", "b/<int:business_id>/", API_BUSINESS):
                    yield from walk(entry.url_patterns)
            elif entry.name:
                yield entry.name

    return set(walk(get_resolver().url_patterns))


def test_every_top_level_url_is_covered():
    assert top_level_names() == set(TOP_LEVEL), "teach tests/test_access.py the new URL"


def _top_level_url(name, business):
    args = {
        "my_job_detail": [0],  # no such job: the access to real ones is in test_job_pages.py
        "my_job_progress": [0],
        "account_confirm_email": ["bad-key"],
        "ical_feed": [business.ical_token],
        "invitation_answer": [0],
        "notification_open": [0],
        "review_link_page": ["no-such-link"],
        "report_shared": ["no-such-link"],
        "review_link_image": ["no-such-link", "ref"],
        "review_link_decide": ["no-such-link", "ref", "approve"],
        "invitation_detail": [make_invitation(business, None)[1]] if name.startswith("inv") else [],
    }.get(name, [])
    if name == "account_reset_password_from_key":
        return reverse(name, kwargs={"uidb36": "1", "key": "bad-key"})
    return reverse(name, args=args)


@pytest.mark.parametrize("name", sorted(TOP_LEVEL))
def test_top_level_urls(client, business, owner, name):
    url = _top_level_url(name, business)
    anonymous = client.get(url)
    if TOP_LEVEL[name] == "mine" or TOP_LEVEL[name] == MFA_ONLY:
        assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("account_login"))
        client.force_login(owner)
        assert client.get(url).status_code == 404
    elif TOP_LEVEL[name] == "link":
        assert anonymous.status_code in (404, 405)  # the decision is POST only
        assert client.post(url).status_code in (403, 404)  # no CSRF token, or no such link
        client.force_login(owner)
        assert client.get(url).status_code in (404, 405)
    elif TOP_LEVEL[name] == "api":  # no key and no session: 401, asking for a key
        assert anonymous.status_code == 401 and anonymous["WWW-Authenticate"] == "Bearer"
        client.force_login(owner)
        assert client.get(url).status_code == 200
    elif TOP_LEVEL[name] == FLOW:
        assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("account_login"))
    elif TOP_LEVEL[name] == LOGIN:
        assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("account_login"))
        client.force_login(owner)
        signed_in = client.get(url)
        # logout is POST-only; home redirects to the business.
        assert signed_in.status_code in (200, 302, 405)
        assert not (
            signed_in.status_code == 302 and signed_in.url.startswith(reverse("account_login"))
        )
    else:
        assert anonymous.status_code == 200


def test_feed_with_a_wrong_token_is_404(client, business):
    assert client.get(reverse("ical_feed", args=["not-the-token"])).status_code == 404
