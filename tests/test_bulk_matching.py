"""A bulk action on every task that matches the list's filters (planner/lists/matching.py),
done as a set: the outcome is the one of changing the same tasks one by one through the
services (bulk.bulk_change), field by field, activity row by activity row, and every tally,
calendar day and rollup it leaves equals a recount from the raw rows."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from planner import rollups
from planner.lists import bulk, matching
from planner.models import CalendarTally, MonthlyRollup, Task
from planner.teamwork.models import Activity, Notification
from tests.factories import (
    BusinessFactory,
    CampaignFactory,
    MembershipFactory,
    PlatformFactory,
    ResultEntryFactory,
    SmmTaskFactory,
    SmoTaskFactory,
    TimeEntryFactory,
)
from tests.test_rollup_deltas import rows, tallies

MOMENT = datetime.datetime(2026, 11, 20, 9, tzinfo=datetime.UTC)
START = datetime.date(2026, 11, 1)

task_specs = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["smo", "smm"]),
        "status": st.sampled_from(["draft", "scheduled", "published", "active", "paused"]),
        "timed": st.booleans(),
        "day": st.integers(0, 60),
        "campaign": st.booleans(),
        "review": st.sampled_from(["none", "approved", "in_review"]),
        "time": st.integers(0, 2),
        "results": st.integers(0, 2),
    }
)
actions = st.one_of(
    st.tuples(st.just("status"), st.sampled_from(["draft", "scheduled", "published", "archived",
                                                    "active", "paused", "completed"])),
    st.tuples(st.just("shift"), st.sampled_from([-40, -1, 1, 3, 30])),
    st.tuples(st.just("campaign"), st.sampled_from(["new", None])),
    st.tuples(st.just("assignee"), st.sampled_from(["me", "other", None])),
    st.tuples(st.just("delete"), st.none()),
)  # fmt: skip

TASK_COLUMNS = [f.attname for f in Task._meta.concrete_fields
                if f.name not in ("updated_at", "search_text")]  # fmt: skip


def snapshot(business):
    """Everything a bulk action may move, in comparable form."""
    return {
        "tasks": sorted(Task.objects.filter(business=business).values_list(*TASK_COLUMNS)),
        "activity": sorted(
            Activity.objects.filter(business=business).values_list(
                "task_id", "task_title", "verb", "from_state", "to_state", "comment", "changes"
            ),
            key=repr,
        ),
        "tallies": tallies(business),
        "days": calendar(business),
        "daily": rows(business),
        "monthly": rows(business, MonthlyRollup),
    }


def calendar(business):
    return sorted(
        CalendarTally.objects.filter(business=business, count__gt=0).values_list(
            "date", "kind", "status", "review_state", "platform_id", "campaign_id", "count",
            "starts",
        ),
        key=repr,
    )  # fmt: skip


class Rollback(Exception):
    pass


class SetEqualsOneByOne(TestCase):
    maxDiff = None

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        specs=st.lists(task_specs, min_size=1, max_size=6),
        action=actions,
        mode=st.sampled_from(["off", "optional", "required"]),
        kind=st.sampled_from(["smo", "smm"]),
    )
    def test_the_set_does_what_one_by_one_does(self, specs, action, mode, kind):
        business = BusinessFactory()
        user = MembershipFactory(business=business, role="owner").user
        other = MembershipFactory(business=business, role="editor").user
        platform = PlatformFactory(business=business)
        campaign, new_campaign = (CampaignFactory(business=business) for _ in range(2))
        for spec in specs:
            self._task(business, user, platform, campaign, spec)
        rollups.refresh_tallies(business.pk)  # the review states were set in place
        business.approval_mode = mode  # after the tasks: "required" refuses some of them
        business.save()
        name, value = action
        value = {"new": new_campaign, "me": user, "other": other}.get(value, value)
        if name == "status" and value not in (
            ["draft", "scheduled", "published", "archived"]
            if kind == "smo"
            else ["draft", "active", "paused", "completed", "archived"]
        ):
            value = "archived"
        ids = list(Task.objects.filter(business=business, kind=kind).values_list("pk", flat=True))
        one_by_one = self._one_by_one(business, user, ids, name, value)
        outcome = matching.change_matching(business, user, ids, name, value)
        self.assertEqual(snapshot(business), one_by_one["state"])
        self.assertEqual((outcome.changed, outcome.unchanged), one_by_one["changed"])
        refused = sum(count for count, _titles in outcome.refused.values())
        self.assertEqual(refused, one_by_one["refused"])
        # And what it left is what a recount gives.
        left = snapshot(business)
        rollups.refresh(business.pk)
        rollups.refresh_figures(business.pk)
        rollups.refresh_tallies(business.pk)
        self.assertEqual(snapshot(business), left)

    def _one_by_one(self, business, user, ids, name, value):
        seen = {}
        try:
            with transaction.atomic():
                tasks = list(Task.objects.filter(pk__in=ids))
                outcome = bulk.bulk_change(business, user, tasks, name, value)
                seen["state"] = snapshot(business)
                seen["changed"] = (len(outcome.changed), len(outcome.unchanged))
                seen["refused"] = len(outcome.refused)
                raise Rollback
        except Rollback:
            pass
        return seen

    def _task(self, business, user, platform, campaign, spec):
        day = START + datetime.timedelta(days=spec["day"])
        common = {"business": business, "platform": platform,
                  "campaign": campaign if spec["campaign"] else None}  # fmt: skip
        if spec["kind"] == "smo":
            status = spec["status"] if spec["status"] in ("draft", "published") else "draft"
            if spec["timed"] and spec["status"] == "scheduled":
                status = "scheduled"
            moment = MOMENT + datetime.timedelta(days=spec["day"] - 19) if spec["timed"] else None
            task = SmoTaskFactory(**common, status=status, scheduled_at=moment,
                                  production_cost=Decimal("12.50"))  # fmt: skip
        else:
            status = spec["status"] if spec["status"] in ("draft", "active", "paused") else "draft"
            flight = (day, day + datetime.timedelta(days=9)) if spec["timed"] else (None, None)
            if flight[0] is None and status == "active":
                status = "draft"
            task = SmmTaskFactory(**common, status=status, flight_start=flight[0],
                                  flight_end=flight[1])  # fmt: skip
        for index in range(spec["time"]):
            TimeEntryFactory(task=task, user=user, date=day + datetime.timedelta(days=index),
                             hours=Decimal("1.25"))  # fmt: skip
        for index in range(spec["results"]):
            ResultEntryFactory(task=task, date=day + datetime.timedelta(days=index), clicks=7,
                               impressions=90, spend=Decimal("3.10"))  # fmt: skip
        if spec["review"] != "none":
            Task.objects.filter(pk=task.pk).update(review_state=spec["review"])


# The view: "all that match the filters" on the list's bulk bar.


def _bulk(client, business, kind, data, query=""):
    url = reverse(f"{kind}_bulk", args=[business.pk]) + (f"?{query}" if query else "")
    return client.post(url, {"scope": "matching"} | data)


def _page(client, response):
    return client.get(response.url).content.decode()


def _exact(business):
    left = snapshot(business)
    rollups.refresh(business.pk)
    rollups.refresh_figures(business.pk)
    rollups.refresh_tallies(business.pk)
    assert snapshot(business) == left


@pytest.fixture
def posts(business, platform, campaign):
    """Three drafts of the campaign with a publish time, one without, two ideas elsewhere."""
    made = [SmoTaskFactory(business=business, platform=platform, campaign=campaign,
                           title=f"Timed {n}", scheduled_at=MOMENT) for n in range(3)]  # fmt: skip
    made.append(SmoTaskFactory(business=business, platform=platform, campaign=campaign,
                               title="Untimed"))  # fmt: skip
    made += [SmoTaskFactory(business=business, platform=platform, status="idea",
                            title=f"Idea {n}") for n in range(2)]  # fmt: skip
    return made


def test_every_match_of_the_filters_changes_and_no_other(
    client_for, business, editor, campaign, posts
):
    client = client_for(editor)
    query = f"campaign={campaign.pk}&status=draft"
    response = _bulk(client, business, "smo", {"action": "status", "status": "scheduled"}, query)
    assert response.status_code == 302 and response.url.endswith(f"/smo/?{query}")
    page = _page(client, response)
    assert "Changed 3 posts." in page
    assert "Not changed: “Untimed”: A scheduled post needs a publish time." in page
    statuses = dict(Task.objects.values_list("title", "status"))
    assert statuses == {"Timed 0": "scheduled", "Timed 1": "scheduled", "Timed 2": "scheduled",
                        "Untimed": "draft", "Idea 0": "idea", "Idea 1": "idea"}  # fmt: skip
    _exact(business)


def test_refusals_are_grouped_by_reason_with_a_few_names(client_for, business, editor, platform):
    for n in range(5):
        SmoTaskFactory(business=business, platform=platform, title=f"Untimed {n}")
    client = client_for(editor)
    page = _page(client, _bulk(client, business, "smo", {"action": "shift", "days": "2"}))
    assert ("Not changed: “Untimed 0”, “Untimed 1”, “Untimed 2” and 2 more: It has no publish "
            "time to shift.") in page  # fmt: skip


def test_those_that_have_it_already_are_counted_apart(client_for, business, editor, posts):
    client = client_for(editor)
    page = _page(client, _bulk(client, business, "smo", {"action": "status", "status": "idea"}))
    assert "Changed 4 posts." in page and "2 posts had it already." in page


def test_more_than_the_limit_is_refused_whole(client_for, business, editor, posts, monkeypatch):
    from planner.lists import views

    monkeypatch.setattr(views, "MAX_MATCHING", 5)
    response = _bulk(client_for(editor), business, "smo", {"action": "status", "status": "idea"})
    assert response.status_code == 400
    assert "These filters match more than 5 tasks: narrow them" in response.content.decode()
    assert Task.objects.filter(status="idea").count() == 2


def test_no_match_and_bad_filters_are_said(client_for, business, editor, posts):
    client = client_for(editor)
    data = {"action": "status", "status": "idea"}
    none = _bulk(client, business, "smo", data, "q=nothing-like-this")
    assert "No task matches these filters: nothing changed." in _page(client, none)
    bad = _bulk(client, business, "smo", data, "platform=999999")
    assert bad.status_code == 400
    assert "The list&#x27;s filters are not valid" in bad.content.decode()


def test_deleting_every_match_asks_with_the_count_and_again_if_it_changed(
    client_for, business, editor, platform, posts
):
    TimeEntryFactory(task=posts[0], user=editor)
    client = client_for(editor)
    data = {"action": "delete"}
    page = _bulk(client, business, "smo", data, "status=idea")
    html = page.content.decode()
    assert page.status_code == 200 and "Delete 2 posts?" in html
    assert 'name="expected" value="2"' in html and "Idea 0" in html and "Timed 0" not in html
    SmoTaskFactory(business=business, platform=platform, status="idea")  # meanwhile
    again = _bulk(client, business, "smo", data | {"confirm": "True", "expected": "2"},
                  "status=idea")  # fmt: skip
    assert again.status_code == 200 and "Delete 3 posts?" in again.content.decode()
    assert Task.objects.filter(status="idea").count() == 3
    done = _bulk(client, business, "smo", data | {"confirm": "True", "expected": "3"},
                 "status=idea")  # fmt: skip
    assert "Deleted 3 posts." in _page(client, done)
    assert not Task.objects.filter(status="idea").exists() and Task.objects.count() == 4
    assert Activity.objects.filter(verb="deleted", task=None).count() == 3
    _exact(business)


def test_export_of_every_match(client_for, business, viewer, editor, posts):
    response = _bulk(client_for(editor), business, "smo", {"action": "export"}, "status=idea")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert sorted(row["title"] for row in rows) == ["Idea 0", "Idea 1"]


def test_new_assignees_are_told_once_not_per_task(client_for, business, owner, editor, posts):
    member = editor.memberships.get(business=business)
    client = client_for(owner)
    _bulk(client, business, "smo", {"action": "assignee", "assignee": member.pk})
    told = Notification.objects.filter(user=editor, kind="assigned")
    assert list(told.values_list("text", flat=True)) == ["owner assigned 6 posts to you"]
    assert Task.objects.filter(assignee=editor).count() == 6
    assert Activity.objects.filter(verb="changed").count() == 6  # each task keeps its row


def test_shifting_approved_ads_sends_them_back_to_review(client_for, business, owner, editor,
                                                         platform):  # fmt: skip
    business.approval_mode = "required"
    business.save()
    ads = [SmmTaskFactory(business=business, platform=platform) for _ in range(2)]
    Task.objects.filter(pk__in=[ad.pk for ad in ads]).update(review_state="approved",
                                                             status="active")  # fmt: skip
    rollups.refresh_tallies(business.pk)
    MembershipFactory(business=business, role="owner", user__username="approver")
    client = client_for(editor)
    _bulk(client, business, "smm", {"action": "shift", "days": "7"})
    states = set(Task.objects.values_list("review_state", "status"))
    assert states == {("in_review", "paused")}
    told = Notification.objects.filter(kind="review_requested").values_list("text", flat=True)
    assert set(told) == {"editor changed 2 approved ads: they need review again"}
    assert Activity.objects.filter(verb="edited", from_state="approved").count() == 2
    _exact(business)


def test_a_form_opened_before_the_change_is_stale_after_it(client_for, business, editor, posts):
    before = Task.objects.get(pk=posts[4].pk).version
    _bulk(client_for(editor), business, "smo", {"action": "status", "status": "draft"})
    assert Task.objects.get(pk=posts[4].pk).version == before + 1
    assert Task.objects.get(pk=posts[0].pk).version == posts[0].version  # had it: untouched


@pytest.mark.parametrize("size", [3, 30])
def test_the_queries_do_not_grow_with_the_matches(
    client_for, business, editor, platform, size, django_assert_max_num_queries
):
    for n in range(size):
        SmoTaskFactory(business=business, platform=platform, scheduled_at=MOMENT,
                       title=f"P{n}")  # fmt: skip
    client = client_for(editor)
    for data in ({"action": "status", "status": "scheduled"}, {"action": "shift", "days": "1"},
                 {"action": "delete", "confirm": "True", "expected": str(size)}):  # fmt: skip
        with django_assert_max_num_queries(40):
            response = _bulk(client, business, "smo", data)
        assert response.status_code == 302
    assert not Task.objects.exists()


def test_viewer_outsider_and_anonymous_change_nothing(
    client_for, business, viewer, outsider, client, posts
):
    data = {"action": "status", "status": "archived"}
    assert _bulk(client_for(viewer), business, "smo", data).status_code == 403
    assert _bulk(client_for(outsider), business, "smo", data).status_code == 404
    client.logout()
    assert _bulk(client, business, "smo", data).status_code == 302
    assert not Task.objects.filter(status="archived").exists()


def test_the_bar_offers_every_match_with_its_count(client_for, business, editor, posts):
    html = client_for(editor).get(reverse("smo_list", args=[business.pk]) + "?status=idea")
    bar = html.content.decode()
    assert 'value="matching"' in bar and "all 2 that match the filters" in bar


def test_webhooks_get_one_event_per_changed_task(client_for, business, owner, editor, posts):
    from planner.webhooks import services as webhooks
    from planner.webhooks.models import Delivery

    webhooks.subscribe(business, owner, url="https://hooks.example/in",
                       events_chosen=["task.status_changed", "task.deleted"])  # fmt: skip
    client = client_for(editor)
    _bulk(client, business, "smo", {"action": "status", "status": "archived"}, "status=idea")
    changed = Delivery.objects.filter(event="task.status_changed")
    assert sorted(d.payload["data"]["task"]["title"] for d in changed) == ["Idea 0", "Idea 1"]
    _bulk(client, business, "smo", {"action": "delete", "confirm": "True", "expected": "2"},
          "status=archived")  # fmt: skip
    assert Delivery.objects.filter(event="task.deleted").count() == 2
    assert not Delivery.objects.filter(event="task.updated").exists()  # not chosen
