"""Bulk actions on the tasks ticked on a list's page: each change goes through the services (the
dashboard's rollups and the list's tallies stay exact), a task the change would make invalid is
refused with its reason while the others change, deleting asks first, the export holds the
ticked tasks only; viewers, other businesses and anonymous visitors change nothing."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from planner import rollups
from planner.models import Task, TaskTally
from tests.factories import (
    CampaignFactory,
    ResultEntryFactory,
    SmmTaskFactory,
    SmoTaskFactory,
    TimeEntryFactory,
)

MOMENT = datetime.datetime(2026, 11, 20, 9, tzinfo=datetime.UTC)


def _bulk(client, business, kind, data, query=""):
    url = reverse(f"{kind}_bulk", args=[business.pk]) + (f"?{query}" if query else "")
    return client.post(url, data)


def _tallies(business):
    key = ("kind", "status", "review_state", "platform_id", "campaign_id")
    return sorted(
        row for row in TaskTally.objects.filter(business=business, count__gt=0)
        .values_list(*key, "count", *rollups.TALLY_SUMS)
    )  # fmt: skip


def _exact(business):
    """The tallies the single writes left are those a recount gives."""
    kept = _tallies(business)
    rollups.refresh_tallies(business.pk)
    assert _tallies(business) == kept


def test_change_the_status_of_the_ticked_posts(client_for, business, editor, platform):
    posts = [SmoTaskFactory(business=business, platform=platform, scheduled_at=MOMENT)
             for _ in range(3)]  # fmt: skip
    response = _bulk(client_for(editor), business, "smo",
                     {"task": [posts[0].pk, posts[1].pk], "action": "status",
                      "status": "scheduled"}, "sort=title")  # fmt: skip
    assert response.status_code == 302 and response.url.endswith("/smo/?sort=title")
    statuses = [Task.objects.get(pk=post.pk).status for post in posts]
    assert statuses == ["scheduled", "scheduled", "draft"]
    page = client_for(editor).get(response.url).content.decode()
    assert "Changed 2 posts." in page
    _exact(business)


def test_a_task_the_change_makes_invalid_is_refused_with_its_reason(
    client_for, business, editor, platform
):
    timed = SmoTaskFactory(business=business, platform=platform, title="Timed",
                           scheduled_at=MOMENT)  # fmt: skip
    untimed = SmoTaskFactory(business=business, platform=platform, title="Untimed")
    client = client_for(editor)
    response = _bulk(client, business, "smo", {"task": [timed.pk, untimed.pk],
                                               "action": "shift", "days": "3"})  # fmt: skip
    page = client.get(response.url).content.decode()
    assert "Changed 1 post." in page
    assert "Not changed: “Untimed”: It has no publish time to shift." in page
    assert Task.objects.get(pk=timed.pk).scheduled_at == MOMENT + datetime.timedelta(days=3)
    assert Task.objects.get(pk=untimed.pk).scheduled_at is None


def test_shift_moves_an_ads_flight_and_its_results_stay(client_for, business, editor, platform):
    ad = SmmTaskFactory(business=business, platform=platform)
    ResultEntryFactory(task=ad, date=datetime.date(2026, 11, 5), spend=Decimal("7"))
    _bulk(client_for(editor), business, "smm", {"task": [ad.pk], "action": "shift", "days": "-2"})
    ad = Task.objects.get(pk=ad.pk)
    assert (ad.flight_start, ad.flight_end) == (datetime.date(2026, 10, 30),
                                                datetime.date(2026, 11, 28))  # fmt: skip
    assert ad.media_spend == Decimal("7")
    _exact(business)


def test_set_campaign_and_assignee_move_the_rollups(client_for, business, editor, platform):
    campaign = CampaignFactory(business=business)
    post = SmoTaskFactory(business=business, platform=platform)
    TimeEntryFactory(task=post, user=editor, hours=Decimal("2"))
    client = client_for(editor)
    _bulk(client, business, "smo", {"task": [post.pk], "action": "campaign",
                                    "campaign": campaign.pk})  # fmt: skip
    member = editor.memberships.get(business=business)
    _bulk(client, business, "smo", {"task": [post.pk], "action": "assignee",
                                    "assignee": member.pk})  # fmt: skip
    post = Task.objects.get(pk=post.pk)
    assert (post.campaign_id, post.assignee_id) == (campaign.pk, editor.pk)
    from planner.selectors import split_from_rollups

    assert split_from_rollups(business, campaign=campaign).smo.hours == Decimal("2")
    _bulk(client, business, "smo", {"task": [post.pk], "action": "campaign", "campaign": ""})
    assert Task.objects.get(pk=post.pk).campaign_id is None
    _exact(business)


def test_delete_asks_first_then_deletes(client_for, business, editor, platform):
    posts = [SmoTaskFactory(business=business, platform=platform) for _ in range(2)]
    TimeEntryFactory(task=posts[0], user=editor)
    client = client_for(editor)
    data = {"task": [post.pk for post in posts], "action": "delete"}
    page = _bulk(client, business, "smo", data)
    assert page.status_code == 200 and "Delete 2 posts?" in page.content.decode()
    assert "time entries (1)" in page.content.decode()
    assert Task.objects.count() == 2
    response = _bulk(client, business, "smo", data | {"confirm": "True"})
    assert response.status_code == 302 and not Task.objects.exists()
    _exact(business)


def test_export_holds_the_ticked_tasks(client_for, business, viewer, editor, platform):
    posts = [SmoTaskFactory(business=business, platform=platform, title=f"Post {n}")
             for n in range(3)]  # fmt: skip
    response = _bulk(client_for(editor), business, "smo",
                     {"task": [posts[0].pk, posts[2].pk], "action": "export"})  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert sorted(row["title"] for row in rows) == ["Post 0", "Post 2"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "status", "status": "draft"}, "Tick at least one task in the list."),
        ({"action": "status"}, "Choose the new status."),
        ({"action": "shift", "days": "0"}, "Say by how many days (not 0)."),
        ({"action": "shift", "days": "9999"}, "less than or equal to 366"),
        ({"action": "burn"}, "Select a valid choice."),
    ],
)
def test_bad_input_is_refused_next_to_the_bar(
    client_for, business, editor, platform, data, message
):
    post = SmoTaskFactory(business=business, platform=platform)
    if "Tick" not in message:
        data = data | {"task": [post.pk]}
    response = _bulk(client_for(editor), business, "smo", data)
    assert response.status_code == 400
    html = response.content.decode()
    errors = html[html.index('data-testid="bulk-errors"') :][:600]
    assert message in errors
    assert Task.objects.get(pk=post.pk).version == post.version  # nothing saved


def test_another_business_task_cannot_be_ticked(client_for, business, editor, other_business):
    theirs = SmoTaskFactory(business=other_business)
    response = _bulk(client_for(editor), business, "smo",
                     {"task": [theirs.pk], "action": "status", "status": "idea"})  # fmt: skip
    assert response.status_code == 400
    assert Task.objects.get(pk=theirs.pk).status == "draft"


def test_the_list_shows_checkboxes_to_editors_only(client_for, business, editor, viewer, platform):
    SmoTaskFactory(business=business, platform=platform, title="Tick me")
    url = reverse("smo_list", args=[business.pk])
    assert 'aria-label="Select Tick me"' in client_for(editor).get(url).content.decode()
    html = client_for(viewer).get(url).content.decode()
    assert 'aria-label="Select Tick me"' not in html and "bulk-bar" not in html


def test_viewer_outsider_and_anonymous_change_nothing(
    client_for, business, viewer, outsider, client, platform
):
    post = SmoTaskFactory(business=business, platform=platform)
    data = {"task": [post.pk], "action": "status", "status": "idea"}
    assert _bulk(client_for(viewer), business, "smo", data).status_code == 403
    assert _bulk(client_for(outsider), business, "smo", data).status_code == 404
    client.logout()
    assert _bulk(client, business, "smo", data).status_code == 302
    assert Task.objects.get(pk=post.pk).status == "draft"


def test_the_delete_page_counts_entries_separately(client_for, business, editor, platform):
    ad = SmmTaskFactory(business=business, platform=platform)
    for n in range(3):
        ResultEntryFactory(task=ad, date=datetime.date(2026, 11, 2 + n))
    for _ in range(2):
        TimeEntryFactory(task=ad, user=editor)
    page = _bulk(client_for(editor), business, "smm", {"task": [ad.pk], "action": "delete"})
    assert "time entries (2) and results (3)" in page.content.decode()
