"""Property: whatever posts and ads are saved, moved, re-flighted, given results and deleted,
the calendar's per-day counts and the pipeline's tallies equal a plain count of the tasks
(by review state too, whatever review moves are made), the stored pacing equals
the pages' own pacing over the summed results, and "off pace" finds exactly those ads; and a
full recount (after bulk loads) gives the same rows as the counting in and out."""

import contextlib
import datetime
from collections import Counter
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from planner import calendar_page, kpis, rollups, selectors, services
from planner.models import CalendarTally, ResultEntry, Task, TaskTally
from planner.teamwork import review
from planner.teamwork.services import review_task
from tests.factories import (
    BusinessFactory,
    CampaignFactory,
    MembershipFactory,
    PlatformFactory,
)

START = datetime.date(2026, 10, 1)
days = st.integers(min_value=0, max_value=40).map(lambda n: START + datetime.timedelta(n))
cents = st.integers(min_value=0, max_value=50_000).map(lambda n: Decimal(n) / 100)

task_specs = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["smo", "smm"]),
        "platform": st.integers(0, 1),
        "campaign": st.sampled_from([None, 0]),
        "day": days,
        "hour": st.integers(0, 23),
        "length": st.one_of(st.none(), st.integers(0, 20)),  # None: no end (an ad)
        "status": st.integers(0, 2),
        "budget_type": st.sampled_from(["daily", "lifetime"]),
        "budget": st.one_of(st.none(), cents),
        "hours": st.integers(0, 40).map(lambda n: Decimal(n) / 4),
        "production": st.one_of(st.none(), cents),
        "spends": st.lists(st.tuples(days, cents), max_size=3, unique_by=lambda r: r[0]),
        "change": st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {"day": days, "length": st.integers(0, 10), "status": st.integers(0, 2)}
            ),
        ),
        "drop_result": st.booleans(),
        # Review moves before and after the change (refused ones are skipped, as a user
        # would be told): the change moves the platform, which sends approved work back.
        "reviews": st.lists(st.sampled_from(review.BUTTONS), max_size=3),
        "reviews_after": st.lists(st.sampled_from(review.BUTTONS), max_size=2),
        "delete": st.booleans(),
    }
)
SMO_STATUSES = ["draft", "scheduled", "published"]
SMM_STATUSES = ["draft", "active", "paused"]


def plain_calendar(business):
    """{(day, kind, status, review state, platform, campaign): [count, starts, planned hours,
    planned production, planned budget]} counted from the tasks: the work on its first day,
    an ad's budget on each day of its flight (a lifetime one in cents, the first days taking
    the cents left over)."""
    counts = {}
    zero = Decimal("0")
    for task in Task.objects.filter(business=business):
        key = (task.kind, task.status, task.review_state, task.platform_id, task.campaign_id)
        work = [task.estimated_hours, task.production_cost or zero]
        if task.kind == "smo":
            if task.scheduled_at:
                row = counts.setdefault((task.work_date, *key), [0, 0, zero, zero, zero])
                row[0] += 1
                row[1] += 1
                row[2] += work[0]
                row[3] += work[1]
            continue
        if not task.flight_start:
            continue
        last = max(task.flight_end or task.flight_start, task.flight_start)
        length = (last - task.flight_start).days + 1
        cents = [0] * length
        if task.flight_end and task.budget_amount is not None:
            total = int(task.budget_amount * 100)
            for index in range(length):
                if task.budget_type == "daily":
                    cents[index] = total
                else:
                    cents[index] = total // length + (index < total % length)
        for index in range(length):
            day = task.flight_start + datetime.timedelta(index)
            row = counts.setdefault((day, *key), [0, 0, zero, zero, zero])
            row[0] += 1
            row[1] += index == 0
            if index == 0:
                row[2] += work[0]
                row[3] += work[1]
            row[4] += Decimal(cents[index]) / 100
    return counts


def stored_calendar(business):
    return {
        (r.date, r.kind, r.status, r.review_state, r.platform_id, r.campaign_id): [
            r.count,
            r.starts,
            r.planned_hours,
            r.planned_production,
            r.planned_budget,
        ]
        for r in CalendarTally.objects.filter(business=business)
        if r.count
    }


class CalendarTallyProperty(TestCase):
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(specs=st.lists(task_specs, max_size=6), today=days, span_start=days)
    def test_counts_and_pacing_match_plain_python(self, specs, today, span_start):
        business = BusinessFactory(
            time_zone="Pacific/Auckland", approval_mode="optional", authors_cannot_approve=False
        )
        self.member = MembershipFactory(business=business, role="owner")
        platforms = [PlatformFactory(business=business) for _ in range(2)]
        campaign = CampaignFactory(business=business)
        for spec in specs:
            self._build(business, platforms, campaign, spec)

        self.assertEqual(stored_calendar(business), plain_calendar(business))
        span_end = span_start + datetime.timedelta(13)
        counted = calendar_page.day_counts(business, span_start, span_end, {})
        plain = plain_calendar(business)
        for day, got in counted.items():
            self.assertEqual(
                got.posts, sum(v[0] for k, v in plain.items() if k[0] == day and k[1] == "smo")
            )
            self.assertEqual(
                got.ads, sum(v[0] for k, v in plain.items() if k[0] == day and k[1] == "smm")
            )

        want_off = set()
        for ad in Task.objects.filter(business=business, kind="smm"):
            spend = sum((r.spend for r in ResultEntry.objects.filter(task=ad)), Decimal("0"))
            self.assertEqual(ad.media_spend, spend)
            pace = selectors.pacing_for(
                ad.budget_type, ad.budget_amount, ad.flight_start, ad.flight_end, spend, today
            )
            running = ad.status in selectors.PACING_STATUSES and ad.flight_start <= today
            has_budget = ad.flight_end and ad.budget_amount is not None
            if running and has_budget and pace["flag"] in ("under", "over"):
                want_off.add(ad.pk)
            stored = (ad.pace_over_from, ad.pace_over_until, ad.pace_under_from)
            self.assertEqual(kpis.off_pace_on(stored, today), pace["flag"] in ("under", "over"))
        off = Task.objects.for_business(business).filter(selectors.off_pace(today))
        self.assertEqual(set(off.values_list("pk", flat=True)), want_off)

        # The pipeline's tallies count every task under its kind, status and review state.
        plain_tallies = Counter(
            Task.objects.filter(business=business).values_list("kind", "status", "review_state")
        )
        stored_tallies = Counter()
        for row in TaskTally.objects.filter(business=business):
            stored_tallies[(row.kind, row.status, row.review_state)] += row.count
        self.assertEqual(+stored_tallies, plain_tallies)

        # A recount from scratch (what bulk loads run) finds the same.
        before = stored_calendar(business)
        rollups.refresh_calendar(business.pk)
        self.assertEqual(stored_calendar(business), before)

    def _review(self, business, task, actions):
        for action in actions:
            with contextlib.suppress(review.ReviewRefused):
                review_task(
                    business,
                    task.pk,
                    action,
                    user=self.member.user,
                    membership=self.member,
                    comment="Please change the first line.",
                )

    def _build(self, business, platforms, campaign, spec):
        fields = {
            "business": business,
            "kind": spec["kind"],
            "platform": platforms[spec["platform"]],
            "campaign": campaign if spec["campaign"] == 0 else None,
            "title": "t",
            "estimated_hours": spec["hours"],
            "production_cost": spec["production"],
        }
        if spec["kind"] == "smo":
            fields["status"] = SMO_STATUSES[spec["status"]]
            fields["scheduled_at"] = datetime.datetime.combine(
                spec["day"], datetime.time(spec["hour"], 30), datetime.UTC
            )
        else:
            end = spec["length"] is not None and spec["day"] + datetime.timedelta(spec["length"])
            fields.update(
                status=SMM_STATUSES[spec["status"]] if end else "draft",
                budget_type="lifetime" if spec["budget"] is not None else "daily",
                budget_amount=spec["budget"],
                flight_start=spec["day"],
                flight_end=end or None,
            )
        task = services.task_save(Task(**fields))
        entries = [
            services.entry_save(ResultEntry(task=task, date=day, spend=spend))
            for day, spend in spec["spends"]
            if spec["kind"] == "smm"
        ]
        if spec["drop_result"] and entries:
            services.entry_delete(entries[0])
        self._review(business, task, spec["reviews"])
        change = spec["change"]
        if change:
            task = Task.objects.get(pk=task.pk)
            if task.kind == "smo":
                task.scheduled_at = datetime.datetime.combine(
                    change["day"], datetime.time(11), datetime.UTC
                )
                task.status = SMO_STATUSES[change["status"]]
            else:
                task.flight_start = change["day"]
                task.flight_end = change["day"] + datetime.timedelta(change["length"])
                task.status = SMM_STATUSES[change["status"]]
            task.platform = platforms[1 - spec["platform"]]
            services.task_save(task, by=self.member.user)
        self._review(business, task, spec["reviews_after"])
        if spec["delete"]:
            services.task_delete(Task.objects.get(pk=task.pk))
