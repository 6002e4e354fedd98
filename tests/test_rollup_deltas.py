"""Property: the amounts single writes add to and take from the daily and monthly rollups
(services: task and entry saves, moves, edits and deletes) leave exactly the rows a full re-sum
of the raw rows gives (rollups.refresh, what bulk loads run), and each month's rows are the sums
of its days'. The same for the figures each task keeps on its row and the sums TaskTally keeps
of them (rollups.refresh_figures and refresh_tallies)."""

import datetime
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from planner import rollups, services
from planner.models import (
    DailyRollup,
    MonthlyRollup,
    ResultEntry,
    Task,
    TaskTally,
    TimeEntry,
)
from tests.factories import BusinessFactory, CampaignFactory, MembershipFactory, PlatformFactory

START = datetime.date(2026, 10, 1)
days = st.integers(0, 45).map(lambda n: START + datetime.timedelta(n))  # October and November
cents = st.integers(0, 100_000).map(lambda n: Decimal(n) / 100)
SUMS = (
    *("hours", "impressions", "reach", "engagements", "clicks", "conversions"),
    *("conversion_value", "spend", "production_cost", "estimated_hours", "published_posts"),
)

steps = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["smo", "smm"]),
        "day": days,
        "cost": st.one_of(st.none(), cents),
        "published": st.booleans(),
        "time": st.lists(st.tuples(days, st.integers(1, 20)), max_size=2),
        "results": st.lists(
            st.tuples(days, st.integers(0, 99), cents), max_size=2, unique_by=lambda r: r[0]
        ),  # fmt: skip
        "edit_entry": st.one_of(st.none(), st.tuples(days, st.integers(0, 99))),
        "move": st.sampled_from([None, "platform", "campaign", "day", "status"]),
        "delete_entry": st.booleans(),
        "delete": st.booleans(),
    }
)


def rows(business, model=DailyRollup, by_month=False):
    """{(day or month, kind, platform, campaign): sums} of the rollup rows of `model`, the daily
    ones added up per month if `by_month`."""
    found = {}
    for row in model.objects.filter(business=business):
        values = tuple(getattr(row, name) for name in SUMS)
        if any(values):  # a row moved to zero is the same as no row
            day = row.month if model is MonthlyRollup else row.date
            day = day.replace(day=1) if by_month else day
            key = (day, row.kind, row.platform_id, row.campaign_id)
            found[key] = tuple(a + b for a, b in zip(found.get(key, (0,) * len(SUMS)), values,
                                                      strict=True))  # fmt: skip
    return found


def task_figures(business):
    return {
        pk: values
        for pk, *values in Task.objects.filter(business=business).values_list(
            "pk", *rollups.FIGURE_FIELDS
        )
    }


def tallies(business):
    """{tally key: (count, sums)} of the rows that count something."""
    key = ("kind", "status", "review_state", "platform_id", "campaign_id")
    return {
        tuple(row[:5]): tuple(row[5:])
        for row in TaskTally.objects.filter(business=business).values_list(
            *key, "count", *rollups.TALLY_SUMS
        )
        if any(row[5:])
    }


class RollupDeltasProperty(TestCase):
    @settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(specs=st.lists(steps, max_size=5))
    def test_single_writes_leave_what_a_full_re_sum_gives(self, specs):
        business = BusinessFactory()
        user = MembershipFactory(business=business).user
        platforms = [PlatformFactory(business=business) for _ in range(2)]
        campaigns = [None, CampaignFactory(business=business)]
        for spec in specs:
            self._apply(business, user, platforms, campaigns, spec)
        by_deltas = rows(business)
        months_by_deltas = rows(business, MonthlyRollup)
        self.assertEqual(months_by_deltas, rows(business, by_month=True))
        rollups.refresh(business.pk, dates=[START + datetime.timedelta(40)])  # one November day
        self.assertEqual(months_by_deltas, rows(business, MonthlyRollup))
        rollups.refresh(business.pk)
        self.assertEqual(by_deltas, rows(business))
        self.assertEqual(months_by_deltas, rows(business, MonthlyRollup))
        figures, counted = task_figures(business), tallies(business)
        rollups.refresh_figures(business.pk)
        self.assertEqual(figures, task_figures(business))
        rollups.refresh_tallies(business.pk)
        self.assertEqual(counted, tallies(business))

    def _apply(self, business, user, platforms, campaigns, spec):
        moment = datetime.datetime.combine(spec["day"], datetime.time(10), datetime.UTC)
        fields = {"business": business, "kind": spec["kind"], "platform": platforms[0],
                  "campaign": campaigns[0], "title": "t", "production_cost": spec["cost"],
                  "estimated_hours": Decimal("1.5")}  # fmt: skip
        if spec["kind"] == "smo":
            fields.update(status="published" if spec["published"] else "draft",
                          scheduled_at=moment)  # fmt: skip
        else:
            fields.update(status="draft", budget_type="daily", budget_amount=Decimal("10"),
                          flight_start=spec["day"], flight_end=spec["day"])  # fmt: skip
        task = services.task_save(Task(**fields))
        for day, quarters in spec["time"]:
            services.entry_save(TimeEntry(task=task, user=user, date=day,
                                          hours=Decimal(quarters) / 4))  # fmt: skip
        entries = [
            services.entry_save(ResultEntry(task=task, date=day, clicks=clicks, spend=spend))
            for day, clicks, spend in spec["results"]
        ]
        if spec["edit_entry"] and entries:
            entry = ResultEntry.objects.get(pk=entries[0].pk)
            entry.date, entry.clicks = spec["edit_entry"]
            if not ResultEntry.objects.filter(task=task, date=entry.date).exclude(pk=entry.pk):
                entries[0] = services.entry_save(entry)
        task = Task.objects.get(pk=task.pk)
        if spec["move"] == "platform":
            task.platform = platforms[1]
        elif spec["move"] == "campaign":
            task.campaign = campaigns[1]
        elif spec["move"] == "day":
            task.scheduled_at = moment + datetime.timedelta(days=3)
            task.flight_start = task.flight_end = spec["day"] + datetime.timedelta(days=3)
            if task.kind == "smo":
                task.flight_start = task.flight_end = None
        elif spec["move"] == "status":
            task.status = "archived"
        if spec["move"]:
            task = services.task_save(task)
        if spec["delete_entry"] and entries:
            services.entry_delete(ResultEntry.objects.get(pk=entries[-1].pk))
        if spec["delete"]:
            services.task_delete(task)


def test_deleting_an_entry_read_before_an_edit_counts_out_the_edited_figures(db):
    from planner.models import DailyRollup as Rollup
    from tests.factories import SmmTaskFactory

    task = SmmTaskFactory()
    entry = services.entry_save(ResultEntry(task=task, date=START, clicks=5, spend=Decimal("2")))
    stale = ResultEntry.objects.get(pk=entry.pk)  # a delete page opened now
    entry.clicks, entry.spend = 10, Decimal("7")
    services.entry_save(entry)  # edited meanwhile (the admin)
    services.entry_delete(stale)
    services.entry_delete(stale)  # a second click: nothing more to count out
    totals = Rollup.objects.filter(business=task.business).values_list("clicks", "spend")
    assert all(clicks == 0 and spend == 0 for clicks, spend in totals)
    assert Task.objects.get(pk=task.pk).media_spend == 0
