"""Property: whatever tasks, time and results exist, the dashboard's totals equal a plain Python
sum over the same rows (which also proves the rollups stay exact through every write)."""

import datetime
import zoneinfo
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from planner import kpis, services
from planner.dashboard import Filters, dashboard_summary
from planner.insights import best_times
from planner.insights.forecasts import baseline_rates, month_forecast
from planner.insights.models import Goal
from planner.insights.selectors import with_progress
from planner.models import ResultEntry, Task, TimeEntry
from planner.periods import Period
from tests.factories import (
    BusinessFactory,
    CampaignFactory,
    MembershipFactory,
    PlatformFactory,
)

START = datetime.date(2026, 10, 1)
days = st.integers(min_value=0, max_value=60).map(lambda n: START + datetime.timedelta(n))
cents = st.integers(min_value=0, max_value=500_000).map(lambda n: Decimal(n) / 100)
quarters = st.integers(min_value=1, max_value=40).map(lambda n: Decimal(n) / 4)

task_specs = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["smo", "smm"]),
        "platform": st.integers(0, 1),
        "campaign": st.sampled_from([None, 0, 1]),
        "day": days,
        "production_cost": st.one_of(st.none(), cents),
        "estimated_hours": quarters,
        "published": st.booleans(),
        "time": st.lists(st.tuples(days, quarters), max_size=3),
        "results": st.lists(
            st.tuples(
                days,
                st.integers(0, 10_000),
                st.integers(0, 500),
                st.integers(0, 50),
                cents,
                cents,
                st.integers(0, 300),
            ),
            max_size=3,
            unique_by=lambda r: r[0],
        ),
        "move_to_platform": st.one_of(st.none(), st.integers(0, 1)),
        "delete": st.booleans(),
    }
)


class DashboardTotalsProperty(TestCase):
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        specs=st.lists(task_specs, max_size=6),
        period_start=days,
        period_length=st.integers(0, 60),
        filter_campaign=st.sampled_from([None, 0]),
        filter_platform=st.sampled_from([None, 1]),
    )
    def test_totals_match_a_plain_sum(
        self, specs, period_start, period_length, filter_campaign, filter_platform
    ):
        business = BusinessFactory(hourly_rate=Decimal("37.50"), time_zone="Europe/Berlin")
        user = MembershipFactory(business=business).user
        platforms = [PlatformFactory(business=business) for _ in range(2)]
        campaigns = [CampaignFactory(business=business) for _ in range(2)]
        for spec in specs:
            self._build(business, user, platforms, campaigns, spec)

        period = Period(period_start, period_start + datetime.timedelta(period_length), "custom")
        campaign = campaigns[filter_campaign] if filter_campaign is not None else None
        platform = platforms[filter_platform] if filter_platform is not None else None
        board = dashboard_summary(
            Filters(business, period, campaign=campaign, platform=platform),
            today=START + datetime.timedelta(30),
        )
        expected = self._plain_sums(business, period, campaign, platform)
        for kind in ("smo", "smm"):
            totals = getattr(board.split, kind)
            want = expected[kind]
            self.assertEqual(totals.hours, want["hours"])
            self.assertEqual(totals.clicks, want["clicks"])
            self.assertEqual(totals.impressions, want["impressions"])
            self.assertEqual(totals.conversions, want["conversions"])
            self.assertEqual(totals.conversion_value, want["value"])
            self.assertEqual(totals.media_spend, want["spend"])
            self.assertEqual(totals.production_cost, want["production"])
            labour = kpis.labour_cost(want["hours"], business.hourly_rate)
            self.assertEqual(
                totals.total_cost, kpis.money(want["spend"] + labour + want["production"])
            )
        self.assertEqual(board.published_posts, expected["published"])
        # The pipeline's counts (kept by tallies) equal a count of the tasks.
        for kind in ("smo", "smm"):
            for status, _label, count in board.pipeline[kind]:
                raw = Task.objects.filter(business=business, kind=kind, status=status)
                if campaign:
                    raw = raw.filter(campaign=campaign)
                if platform:
                    raw = raw.filter(platform=platform)
                self.assertEqual(count, raw.count(), (kind, status))
        # The chart's buckets add up to the same totals.
        for kind in ("smo", "smm"):
            self.assertEqual(sum(board.series["hours"][kind]), expected[kind]["hours"])
        self._check_blended(board.split, expected, business.hourly_rate)
        self._check_goals(business, campaigns, period)
        self._check_forecast(business)
        self._check_best_times(business, platforms[0])

    def _check_forecast(self, business):
        """October's forecast on the 20th: its figures to date are the plain sums of October
        1-20, its planned work a plain walk over the tasks due or flying after the 20th."""
        today = datetime.date(2026, 10, 20)
        month = month_forecast(business, today, baseline_rates(business, today))
        so_far = Period(datetime.date(2026, 10, 1), today, "custom")
        want = self._plain_sums(business, so_far, None, None)
        for kind in ("smo", "smm"):
            side = getattr(month, kind)
            self.assertEqual(side.to_date.hours, want[kind]["hours"])
            self.assertEqual(side.to_date.clicks, want[kind]["clicks"])
            self.assertEqual(side.to_date.conversions, want[kind]["conversions"])
            self.assertEqual(side.to_date.media_spend, want[kind]["spend"])
        hours = {"smo": Decimal(0), "smm": Decimal(0)}
        spend = Decimal(0)
        last = datetime.date(2026, 10, 31)
        for task in Task.objects.filter(business=business):
            due = today < task.work_date <= last
            if task.kind == "smo" and task.status in ("idea", "draft", "scheduled") and due:
                hours["smo"] += task.estimated_hours
            if task.kind == "smm" and task.status in ("draft", "active"):
                if due:
                    hours["smm"] += task.estimated_hours
                first = max(task.flight_start, today + datetime.timedelta(days=1))
                days = (min(task.flight_end, last) - first).days + 1
                if days > 0:
                    spend += task.budget_amount * days  # the property's ads are daily
        self.assertEqual(month.smo.plan.hours - month.smo.to_date.hours, hours["smo"])
        self.assertEqual(month.smm.plan.hours - month.smm.to_date.hours, hours["smm"])
        self.assertEqual(month.smm.plan.media_spend - month.smm.to_date.media_spend, spend)

    def _check_best_times(self, business, platform):
        """The heat map's cells are a plain grouping of the published posts by their local
        weekday and hour, each with all its results."""
        now = datetime.datetime(2026, 12, 31, tzinfo=datetime.UTC)
        found = best_times.cells(business, platform, now)
        berlin = zoneinfo.ZoneInfo(business.time_zone)
        want = {}
        for task in Task.objects.filter(
            business=business, platform=platform, kind="smo", status="published"
        ):
            local = task.scheduled_at.astimezone(berlin)
            cell = want.setdefault((local.weekday(), local.hour), [0, 0, 0])
            results = ResultEntry.objects.filter(task=task)
            cell[0] += 1
            cell[1] += sum(r.engagements for r in results)
            cell[2] += sum(r.clicks for r in results)
        got = {key: [c.posts, c.engagements, c.clicks] for key, c in found.items()}
        self.assertEqual(got, want)

    def _check_blended(self, split, expected, rate):
        """The blended figures, each from the plain sums by its formula in docs/domain.md."""
        cost = {}
        for kind in ("smo", "smm"):
            want = expected[kind]
            labour = kpis.labour_cost(want["hours"], rate)
            cost[kind] = kpis.money(want["spend"] + labour + want["production"])
            self.assertEqual(
                getattr(split, kind).cost_per_engagement,
                None if not want["engagements"] else cost[kind] / want["engagements"],
            )
        total = cost["smo"] + cost["smm"]
        value = expected["smo"]["value"] + expected["smm"]["value"]
        conversions = expected["smo"]["conversions"] + expected["smm"]["conversions"]
        self.assertEqual(split.marketing_efficiency_ratio, value / total if total else None)
        self.assertEqual(
            split.blended_cost_per_conversion, total / conversions if conversions else None
        )
        self.assertEqual(
            split.paid_media_share, expected["smm"]["spend"] / total if total else None
        )

    def _check_goals(self, business, campaigns, period):
        """A goal's figures: a period goal's are the business's over its days, a campaign's
        are its tasks' over all days (goal sums are one UNION query of rollups)."""
        period_goal = Goal.objects.create(
            business=business, start_date=period.start, end_date=period.end, target_clicks=1
        )
        campaign_goal = Goal.objects.create(
            business=business, campaign=campaigns[0], target_clicks=1
        )
        views = with_progress(business, [period_goal, campaign_goal], START)
        forever = Period(datetime.date(1970, 1, 1), datetime.date(2200, 12, 31), "custom")
        for view, want in (
            (views[0], self._plain_sums(business, period, None, None)),
            (views[1], self._plain_sums(business, forever, campaigns[0], None)),
        ):
            for kind in ("smo", "smm"):
                totals = getattr(view.split, kind)
                self.assertEqual(totals.clicks, want[kind]["clicks"])
                self.assertEqual(totals.conversions, want[kind]["conversions"])
                self.assertEqual(totals.conversion_value, want[kind]["value"])
                self.assertEqual(totals.media_spend, want[kind]["spend"])
                self.assertEqual(totals.hours, want[kind]["hours"])
                self.assertEqual(totals.production_cost, want[kind]["production"])

    def _build(self, business, user, platforms, campaigns, spec):
        kind = spec["kind"]
        fields = {
            "business": business,
            "kind": kind,
            "platform": platforms[spec["platform"]],
            "campaign": None if spec["campaign"] is None else campaigns[spec["campaign"]],
            "title": "t",
            "production_cost": spec["production_cost"],
            "estimated_hours": spec["estimated_hours"],
        }
        if kind == "smo":
            fields["status"] = "published" if spec["published"] else "draft"
            fields["scheduled_at"] = datetime.datetime.combine(
                spec["day"], datetime.time(23, 30), datetime.UTC
            )
        else:
            fields.update(
                status="draft",
                budget_type="daily",
                budget_amount=Decimal("10"),
                flight_start=spec["day"],
                flight_end=spec["day"],
            )
        task = services.task_save(Task(**fields))
        for day, hours in spec["time"]:
            services.entry_save(TimeEntry(task=task, user=user, date=day, hours=hours))
        for day, impressions, clicks, conversions, value, spend, engaged in spec["results"]:
            services.entry_save(
                ResultEntry(
                    task=task,
                    date=day,
                    impressions=impressions,
                    engagements=engaged,
                    clicks=clicks,
                    conversions=conversions,
                    conversion_value=value,
                    spend=spend if kind == "smm" else Decimal("0"),
                )
            )
        if spec["move_to_platform"] is not None:
            task.platform = platforms[spec["move_to_platform"]]
            task.status = "archived"
            services.task_save(task)
        if spec["delete"]:
            services.task_delete(task)

    def _plain_sums(self, business, period, campaign, platform):
        """The same totals by walking every row in Python, without rollups."""

        def wanted(task):
            return (
                task.business_id == business.pk
                and (campaign is None or task.campaign_id == campaign.pk)
                and (platform is None or task.platform_id == platform.pk)
            )

        def in_period(day):
            return period.start <= day <= period.end

        zero = {
            "hours": Decimal("0"),
            "clicks": 0,
            "engagements": 0,
            "impressions": 0,
            "conversions": 0,
            "value": Decimal("0"),
            "spend": Decimal("0"),
            "production": Decimal("0"),
        }
        sums = {"smo": dict(zero), "smm": dict(zero), "published": 0}
        for entry in TimeEntry.objects.select_related("task"):
            if wanted(entry.task) and in_period(entry.date):
                sums[entry.task.kind]["hours"] += entry.hours
        for result in ResultEntry.objects.select_related("task"):
            if wanted(result.task) and in_period(result.date):
                side = sums[result.task.kind]
                side["clicks"] += result.clicks
                side["engagements"] += result.engagements
                side["impressions"] += result.impressions
                side["conversions"] += result.conversions
                side["value"] += result.conversion_value
                if result.task.kind == "smm":
                    side["spend"] += result.spend
        berlin = __import__("zoneinfo").ZoneInfo("Europe/Berlin")
        for task in Task.objects.all():
            if not wanted(task):
                continue
            day = (
                task.scheduled_at.astimezone(berlin).date()
                if task.kind == "smo"
                else task.flight_start
            )
            if in_period(day):
                sums[task.kind]["production"] += task.production_cost or Decimal("0")
                if task.kind == "smo" and task.status == "published":
                    sums["published"] += 1
        return sums
