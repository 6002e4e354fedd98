"""A business exported as JSON and imported again reproduces every row and every number."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from planner.dashboard import Filters, dashboard_summary
from planner.models import Business, Campaign, Membership, Platform, ResultEntry, Task, TimeEntry
from planner.periods import Period, period_for
from tests.factories import UserFactory


def rows(business):
    """Every row of the business without ids, so two businesses can be compared."""

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
            strip(v, "platform_id", "campaign_id", "created_at", "updated_at", "version")
            | {"platform": t.platform.handle, "campaign": t.campaign.name if t.campaign else None}
            for t, v in zip(tasks, tasks.values(), strict=True)
        ],
        "time": list(
            TimeEntry.objects.filter(business=business)
            .order_by("pk")
            .values_list("task__title", "user__username", "date", "hours", "note")
        ),
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
            Membership.objects.filter(business=business).values_list("user__username", "role")
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
    response = client.get(reverse("business_export", args=[demo.pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    exported = response.content
    upload = SimpleUploadedFile("export.json", exported, content_type="application/json")
    response = client.post(reverse("business_import"), {"file": upload})
    assert response.status_code == 302
    copy = Business.objects.exclude(pk=demo.pk).get()
    assert response.url == reverse("dashboard", args=[copy.pk])
    assert rows(copy) == rows(demo)
    today = datetime.date.today()
    for period in (
        period_for("30d", today),
        period_for("year", today),
        Period(today - datetime.timedelta(days=400), today, "custom"),
    ):
        assert numbers(copy, period) == numbers(demo, period)


def test_export_is_owner_only(client_for, business, editor):
    assert client_for(editor).get(reverse("business_export", args=[business.pk])).status_code == 403


def test_export_contains_no_other_business(client_for, business, owner, smo_task, other_business):
    from tests.factories import SmoTaskFactory

    SmoTaskFactory(business=other_business, title="Their secret")
    data = json.loads(client_for(owner).get(reverse("business_export", args=[business.pk])).content)
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
    response = client_for(user).post(
        reverse("business_import"), {"file": SimpleUploadedFile("x.json", content)}
    )
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["file"])
    assert Business.objects.count() == before
