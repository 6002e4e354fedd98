"""A business exported as JSON and imported again reproduces every row and every number.

Both directions are background jobs (planner/jobs): the export's file is downloaded from its
job page, the import's file is checked and imported by its job.
"""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from planner.dashboard import Filters, dashboard_summary
from planner.jobs.models import Job, JobKind, JobStatus
from planner.models import Business, Campaign, Membership, Platform, ResultEntry, Task, TimeEntry
from planner.periods import Period, period_for
from tests.factories import UserFactory
from tests.jobs_support import work_queue


@pytest.fixture(autouse=True)
def job_files(settings, tmp_path):
    """Job files (uploads, exports) in a directory of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def export_via_job(client, business):
    """Start the business's export, run its job, download the file: (job, bytes)."""
    response = client.post(reverse("business_export", args=[business.pk]))
    assert response.status_code == 302, response.status_code
    job = Job.objects.filter(kind=JobKind.EXPORT, business=business).latest("pk")
    assert response.url == reverse("job_detail", args=[business.pk, job.pk])
    work_queue()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error_detail or job.error
    download = client.get(reverse("job_download", args=[business.pk, job.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    return job, b"".join(download.streaming_content)


def import_via_job(client, upload):
    """POST an export to the import page, run the job: the Job (its status says how it went)."""
    response = client.post(reverse("business_import"), {"file": upload})
    assert response.status_code == 302, response.status_code
    job = Job.objects.filter(kind=JobKind.BUSINESS_IMPORT).latest("pk")
    assert response.url == reverse("my_job_detail", args=[job.pk])
    work_queue()
    job.refresh_from_db()
    assert job.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)
    assert not job.error_detail, job.error_detail  # refused on purpose, never by surprise
    return job


def rows(business, only_user=None):
    """Every row of the business without ids, so two businesses can be compared.

    With `only_user`, other people's names on tasks and hours read as None (an import keeps
    only the importer's own; see test_round_trip_reproduces_rows_and_dashboard)."""

    def person(user_id):
        return user_id if only_user is None or user_id == only_user.pk else None

    def strip(values, *drop):
        return {k: v for k, v in values.items() if k not in {"id", "business_id", *drop}}

    tasks = Task.objects.filter(business=business).order_by("pk")
    return {
        "platforms": [
            strip(v) for v in Platform.objects.filter(business=business).order_by("pk").values()
        ],
        "campaigns": [
            strip(v, "version")
            for v in Campaign.objects.filter(business=business).order_by("pk").values()
        ],
        "tasks": [
            # Who asked for a review is a user of this installation: not carried (its state is).
            strip(
                v,
                "platform_id",
                "campaign_id",
                "created_at",
                "updated_at",
                "version",
                "review_requested_by_id",
                # Post groups and series are not carried yet: their posts are, one by one.
                "post_group_id",
                "series_id",
            )
            | {"platform": t.platform.handle, "campaign": t.campaign.name if t.campaign else None}
            | {"assignee_id": person(v["assignee_id"])}
            for t, v in zip(tasks, tasks.values(), strict=True)
        ],
        "time": [
            (title, person(user_id), day, hours, note)
            for title, user_id, day, hours, note in TimeEntry.objects.filter(business=business)
            .order_by("pk")
            .values_list("task__title", "user_id", "date", "hours", "note")
        ],
        "results": list(
            ResultEntry.objects.filter(business=business)
            .order_by("pk")
            .values_list(
                "task__title",
                "date",
                "impressions",
                "reach",
                "engagements",
                "clicks",
                "conversions",
                "conversion_value",
                "spend",
            )
        ),
        "members": sorted(
            Membership.objects.filter(business=business)
            .filter(**({"user": only_user} if only_user else {}))
            .values_list("user__username", "role")
        ),
    }


def numbers(business, period):
    board = dashboard_summary(Filters(business, period), today=period.end)
    split = board.split
    return (
        split.smo,
        split.smm,
        board.published_posts,
        board.estimated_hours,
        [(r.label, r.kind, r.totals) for r in board.platform_rows],
        board.series,
        [(c["campaign"].name, c["spend"], c["pacing"]) for c in board.campaigns],
        board.pipeline,
    )


@pytest.fixture
def demo(db):
    call_command("seed_demo", tasks=80, verbosity=0)
    return Business.objects.get()


def test_round_trip_reproduces_rows_and_dashboard(client, demo):
    owner = Membership.objects.get(business=demo, role="owner").user
    client.force_login(owner)
    _job, exported = export_via_job(client, demo)
    upload = SimpleUploadedFile("export.json", exported, content_type="application/json")
    job = import_via_job(client, upload)
    assert job.status == JobStatus.SUCCEEDED
    copy = Business.objects.exclude(pk=demo.pk).get()
    assert job.result["business_id"] == copy.pk
    members = reverse("member_list", args=[copy.pk])
    assert job.result["links"] == [
        ["Open its dashboard", reverse("dashboard", args=[copy.pk])],
        [
            "Invite demo-editor@example.com (editor)",
            members + "?invite=demo-editor%40example.com&role=editor",
        ],
        [
            "Invite demo-viewer@example.com (viewer)",
            members + "?invite=demo-viewer%40example.com&role=viewer",
        ],
        ["Members page", members],
    ]
    # Nobody but the person importing became a member: the others are offered invitations.
    assert list(copy.memberships.values_list("user__username", "role")) == [("demo", "owner")]
    assert "2 other member(s) of the export were not added" in job.result["message"]
    assert rows(copy, only_user=owner) == rows(demo, only_user=owner)
    today = datetime.date.today()
    for period in (
        period_for("30d", today),
        period_for("year", today),
        Period(today - datetime.timedelta(days=400), today, "custom"),
    ):
        assert numbers(copy, period) == numbers(demo, period)


def test_export_is_owner_only(client_for, business, editor):
    client = client_for(editor)
    assert client.get(reverse("business_export", args=[business.pk])).status_code == 403
    assert client.post(reverse("business_export", args=[business.pk])).status_code == 403
    assert not Job.objects.exists()


def test_export_contains_no_other_business(client_for, business, owner, smo_task, other_business):
    from tests.factories import SmoTaskFactory

    SmoTaskFactory(business=other_business, title="Their secret")
    _job, exported = export_via_job(client_for(owner), business)
    data = json.loads(exported)
    assert [t["title"] for t in data["tasks"]] == [smo_task.title]
    assert "Their secret" not in json.dumps(data)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\x89PNG not json", "not a JSON export"),
        (b'{"format": "something-else"}', "not a campaign planner export"),
        (
            json.dumps(
                {
                    "format": "campaign-planner/1",
                    "business": {
                        "name": "X",
                        "website_url": "https://x.example",
                        "currency": "USD",
                        "time_zone": "UTC",
                        "hourly_rate": "10",
                    },
                    "campaigns": [
                        {
                            "name": "Bad",
                            "slug": "bad",
                            "start_date": "2026-01-02",
                            "end_date": "2026-01-01",
                            "budget": "-5",
                        }
                    ],
                }
            ).encode(),
            "campaigns[0]",
        ),
        (
            json.dumps(
                {
                    "format": "campaign-planner/1",
                    "business": {
                        "name": "X",
                        "website_url": "https://x.example",
                        "currency": "USD",
                        "time_zone": "UTC",
                        "hourly_rate": "10",
                    },
                    "platforms": [],
                    "tasks": [{"kind": "smo", "title": "t", "status": "draft", "platform": 3}],
                }
            ).encode(),
            "tasks[0]: platform 3 is not in the file",
        ),
    ],
)
def test_bad_files_are_refused_and_nothing_is_created(client_for, db, content, message):
    user = UserFactory()
    before = Business.objects.count()
    job = import_via_job(client_for(user), SimpleUploadedFile("x.json", content))
    assert job.status == JobStatus.FAILED
    assert message in job.error
    assert Business.objects.count() == before


def small_export():
    """A valid file by hand: an X profile, a post and an ad, an hour logged, a day's results."""
    return {
        "format": "campaign-planner/1",
        "business": {
            "name": "Hand made",
            "website_url": "https://shop.example",
            "currency": "USD",
            "time_zone": "UTC",
            "hourly_rate": "40",
        },
        "platforms": [{"kind": "x", "handle": "@shop ", "profile_url": "https://x.com/shop"}],
        "tasks": [
            {
                "kind": "smo",
                "title": "Post",
                "status": "draft",
                "platform": 0,
                "post_text": "New beans",
                "hashtags": "coffee, #beans",
                "estimated_hours": "1.5",
                "bid_model": "",  # empty, as the admin can leave it: not an ad's field set
            },
            {
                "kind": "smm",
                "title": "Ad",
                "status": "draft",
                "platform": 0,
                "objective": "traffic",
                "bid_model": "cpc",
                "budget_type": "daily",
                "budget_amount": "20",
            },
        ],
        "time_entries": [{"task": 0, "date": "2026-11-02", "hours": "1.25"}],
        "results": [
            {"task": 0, "date": "2026-11-02", "clicks": 4},
            {"task": 1, "date": "2026-11-02", "clicks": 9, "spend": "12.50"},
        ],
    }


def import_file(client_for, data):
    """Import `data` through the page and its job: the Job."""
    upload = SimpleUploadedFile("x.json", json.dumps(data).encode())
    return import_via_job(client_for(UserFactory()), upload)


def test_a_hand_made_file_is_imported_the_way_the_forms_would_save_it(client_for, db):
    job = import_file(client_for, small_export())
    assert job.status == JobStatus.SUCCEEDED
    platform = Platform.objects.get()
    post = Task.objects.get(kind="smo")
    assert platform.handle == "shop"  # as PlatformForm stores '@shop '
    assert post.hashtags == "#coffee #beans"  # as SmoTaskForm stores them
    assert ResultEntry.objects.get(task__kind="smm").spend == Decimal("12.50")
    # Nobody named: the hours are kept without a member, as when an account is deleted.
    entry = TimeEntry.objects.get()
    assert (entry.user, entry.hours) == (None, Decimal("1.25"))


def test_hours_of_someone_unknown_here_are_kept_without_a_member(client_for, db):
    data = small_export()
    data["members"] = [{"username": "left-the-company", "role": "editor"}]
    data["time_entries"][0]["user"] = "left-the-company"
    assert import_file(client_for, data).status == JobStatus.SUCCEEDED
    assert TimeEntry.objects.get().user is None


def _set(path, value):
    def change(data):
        *keys, last = path
        target = data
        for key in keys:
            target = target[key]
        target[last] = value

    return change


@pytest.mark.parametrize(
    "change, message",
    [
        (_set(("platforms", 0, "handle"), " @ "), "platforms[0]: handle: Enter the profile's"),
        (_set(("tasks", 0, "budget_amount"), "10"), "tasks[0]: budget_amount belongs to paid"),
        (_set(("tasks", 0, "bid_model"), "cpm"), "tasks[0]: bid_model belongs to paid"),
        (_set(("tasks", 1, "post_text"), "Hi"), "tasks[1]: post_text belongs to organic"),
        (_set(("tasks", 1, "backlink_url"), "https://a.example"), "tasks[1]: backlink_url"),
        (_set(("tasks", 0, "estimated_hours"), "0.3"), "tasks[0]: estimated_hours: Hours are"),
        (_set(("tasks", 0, "hashtags"), "#a b-c"), "tasks[0]: hashtags: each one is a word"),
        (_set(("tasks", 1, "objective"), ""), "tasks[1]: objective: an ad campaign needs one"),
        (_set(("tasks", 1, "budget_type"), ""), "tasks[1]: budget_type: an ad campaign needs"),
        (_set(("tasks", 1, "audience_age_min"), 30), None),
        (
            lambda data: data["tasks"][1].update(budget_type="lifetime", budget_amount=None),
            "tasks[1]: A lifetime budget needs an amount.",
        ),
        (_set(("time_entries", 0, "hours"), "0.1"), "time_entries[0]: hours: Hours are"),
        (_set(("time_entries", 0, "hours"), "24.25"), "time_entries[0]: Hours logged in"),
        (_set(("results", 0, "spend"), "5"), "results[0]: spend: organic (SMO) tasks have no"),
    ],
)
def test_what_the_forms_refuse_the_import_refuses_too(client_for, db, change, message):
    data = small_export()
    change(data)
    if message is None:  # a minimum age alone is fine; a maximum below it is not
        data["tasks"][1]["audience_age_max"] = 25
        message = "tasks[1]: The maximum age cannot be below the minimum."
    job = import_file(client_for, data)
    assert job.status == JobStatus.FAILED
    assert message in job.error
    assert not Business.objects.exists() and not Task.objects.exists()
