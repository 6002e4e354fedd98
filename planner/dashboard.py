"""The organic-versus-paid dashboard: one selector that reads a page in a fixed number of queries.

Sums come from MonthlyRollup for whole months and DailyRollup for the other days (both kept
exact by services), grouped in the database; ratios are made from those sums by the pure
functions in kpis.py.
"""

import datetime
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q, Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone

from planner import kpis, periods
from planner.kpis import KindTotals, Split
from planner.models import (
    Campaign,
    DailyRollup,
    Kind,
    MonthlyRollup,
    PlatformKind,
    SmmStatus,
    SmoStatus,
    Task,
    TaskTally,
)
from planner.selectors import first_ids
from planner.teamwork.review import ReviewState

ZERO = Decimal("0")
SUMS = (
    "hours",
    "impressions",
    "reach",
    "engagements",
    "clicks",
    "conversions",
    "conversion_value",
    "spend",
    "production_cost",
    "estimated_hours",
    "published_posts",
)
LIST_LIMIT = 10
PLATFORM_LABELS = dict(PlatformKind.choices)


@dataclass
class Filters:
    business: object
    period: object  # periods.Period
    campaign: object = None
    platform: object = None

    def rollups(self, model=DailyRollup):
        rows = model.objects.filter(business=self.business)
        if self.campaign:
            rows = rows.filter(campaign=self.campaign)
        if self.platform:
            rows = rows.filter(platform=self.platform)
        return rows

    def sums(self, start, end, group, sums, **where):
        """Rows of `group` (fields) and `sums` ({name: aggregate}) of the rollups that match
        `where`, over the days `start`..`end` (`start` None: from the first), in one query:
        whole months from the monthly rows, the days around them from the daily ones, added up
        per group here (a None sum counts as 0)."""
        months, days = periods.month_split(start, end)
        parts = []
        if months:
            first, after = months
            monthly = self.rollups(MonthlyRollup).filter(month__lt=after)
            parts.append(monthly.filter(month__gte=first) if first else monthly)
        if days:
            within = Q()
            for first, last in days:
                within |= Q(date__gte=first, date__lte=last) if first else Q(date__lte=last)
            parts.append(self.rollups().filter(within))
        grouped = [
            part.filter(**where).values(*group).annotate(**sums).order_by() for part in parts
        ]
        merged = {}
        for row in grouped[0].union(*grouped[1:], all=True):
            key = tuple(row[name] for name in group)
            if key not in merged:
                merged[key] = {**{name: row[name] for name in group}, **dict.fromkeys(sums, 0)}
            totals = merged[key]
            for name in sums:
                totals[name] += row[name] or 0
        return list(merged.values())

    def tallies(self):
        tallies = TaskTally.objects.filter(business=self.business)
        if self.campaign:
            tallies = tallies.filter(campaign=self.campaign)
        if self.platform:
            tallies = tallies.filter(platform=self.platform)
        return tallies

    def tasks(self):
        tasks = Task.objects.for_business(self.business)
        if self.campaign:
            tasks = tasks.filter(campaign=self.campaign)
        if self.platform:
            tasks = tasks.filter(platform=self.platform)
        return tasks


@dataclass
class PlatformRow:
    """One platform × kind line of the breakdown (and of the CSV export)."""

    label: str
    kind: str
    totals: KindTotals


@dataclass
class Dashboard:
    filters: Filters
    split: Split
    published_posts: int
    estimated_hours: dict
    platform_rows: list
    series: dict
    campaigns: list
    pipeline: dict
    review: dict  # kind -> [(review state, label, tasks)], "not in review" left out
    due: list
    overdue: list
    has_any_task: bool = False

    @property
    def cheaper(self):
        """Which side pays less per click, and by how much (None when either is undefined)."""
        smo, smm = self.split.smo.effective_cpc, self.split.smm.effective_cpc
        if smo is None or smm is None:
            return None
        if smo == smm:
            return {"kind": None, "difference": ZERO, "share": ZERO}
        cheap, dear = (("smo", smo), smm) if smo < smm else (("smm", smm), smo)
        return {"kind": cheap[0], "difference": dear - cheap[1], "share": 1 - cheap[1] / dear}

    @property
    def engagement_per_post(self):
        return kpis.ratio(self.split.smo.engagements, self.published_posts)

    @property
    def is_empty(self):
        return self.split.is_empty and not self.published_posts

    def chart_data(self):
        """Numbers for Chart.js (passed with json_script); the page's tables hold the same."""
        split, series = self.split, self.series
        platforms = sorted({row.label for row in self.platform_rows})

        def by_platform(kind, value):
            found = {row.label: value(row.totals) for row in self.platform_rows if row.kind == kind}
            return [float(found.get(label, 0)) for label in platforms]

        return {
            "effort": [float(split.smo.hours), float(split.smm.hours)],
            "cost": [float(split.smo.total_cost), float(split.smm.total_cost)],
            "labels": series["labels"],
            "hours": {kind: [float(v) for v in series["hours"][kind]] for kind in Kind.values},
            "costSeries": {kind: [float(v) for v in series["cost"][kind]] for kind in Kind.values},
            "platforms": platforms,
            "platformHours": {k: by_platform(k, lambda t: t.hours) for k in Kind.values},
            "platformCost": {k: by_platform(k, lambda t: t.total_cost) for k in Kind.values},
            "currency": self.filters.business.currency,
        }


# The figures of each platform × kind line, in the CSV's order (its header in words), and of
# each side in the API's summary.
SUMMARY_COLUMNS = (
    ("hours", "hours"),
    ("labour_cost", "labour cost"),
    ("media_spend", "media spend"),
    ("production_cost", "production cost"),
    ("total_cost", "total cost"),
    ("impressions", "impressions"),
    ("reach", "reach"),
    ("engagements", "engagements"),
    ("clicks", "clicks"),
    ("conversions", "conversions"),
    ("conversion_value", "conversion value"),
    ("effective_cpc", "effective CPC"),
)


def read_dashboard(business, query, today, lists=True):
    """(the filter form, the Dashboard) for a query string's period, campaign and platform:
    the page's, its CSV's and the API's. An invalid choice shows the default period (the form
    says what was wrong)."""
    from planner.forms import DashboardFilterForm  # the forms import the selectors

    form = DashboardFilterForm(query or None, business=business)
    valid = form.is_valid() if form.is_bound else True
    data = form.cleaned_data if form.is_bound and valid else {}
    filters = Filters(
        business=business,
        period=form.chosen_period(today),
        campaign=data.get("campaign"),
        platform=data.get("platform"),
    )
    return form, dashboard_summary(filters, today=today, lists=lists)


def totals_from_row(row, hourly_rate, kind):
    return KindTotals(
        hours=row.get("hours") or ZERO,
        hourly_rate=hourly_rate,
        # Organic work has no media spend by definition.
        media_spend=(row.get("spend") or ZERO) if kind == Kind.SMM else ZERO,
        production_cost=row.get("production_cost") or ZERO,
        impressions=row.get("impressions") or 0,
        reach=row.get("reach") or 0,
        engagements=row.get("engagements") or 0,
        clicks=row.get("clicks") or 0,
        conversions=row.get("conversions") or 0,
        conversion_value=row.get("conversion_value") or ZERO,
    )


def dashboard_summary(filters, today=None, now=None, lists=True):
    """Everything the dashboard shows for a business, period, campaign and platform (without
    the due and overdue lists if not `lists`: the CSV has no use for them)."""
    business, period = filters.business, filters.period
    now = now or timezone.now()
    today = today or timezone.localdate(now, timezone=_tz(business))
    rate = business.hourly_rate
    in_period = filters.rollups().filter(date__gte=period.start, date__lte=period.end)

    # 1. Sums per kind and platform: the split, the KPIs and the per-platform breakdown.
    by_platform = sorted(
        filters.sums(
            period.start,
            period.end,
            ("kind", "platform_id", "platform__kind", "platform__handle"),
            {name: Sum(name) for name in SUMS},
        ),
        key=lambda row: (row["platform__kind"], row["platform__handle"], row["kind"]),
    )
    per_kind = {kind: {name: 0 for name in SUMS} for kind in Kind.values}
    platform_rows = []
    for row in by_platform:
        for name in SUMS:
            per_kind[row["kind"]][name] += row[name]
        label = f"{PLATFORM_LABELS.get(row['platform__kind'], '?')} @{row['platform__handle']}"
        platform_rows.append(
            PlatformRow(label, row["kind"], totals_from_row(row, rate, row["kind"]))
        )
    split = Split(
        smo=totals_from_row(per_kind[Kind.SMO], rate, Kind.SMO),
        smm=totals_from_row(per_kind[Kind.SMM], rate, Kind.SMM),
    )

    # 2. Hours and cost over time, per kind, summed per chart bucket in the database.
    series = _series(
        in_period.annotate(bucket=BUCKET_OF[period.bucket])
        .values("bucket", "kind")
        .annotate(hours=Sum("hours"), spend=Sum("spend"), production_cost=Sum("production_cost"))
        .order_by(),
        period,
        rate,
    )

    # 3-4. Campaigns running in the period: paid budget against media spend to date.
    campaigns = _campaigns(filters, today)

    # 5. Pipeline: tasks by kind and status, and by review state (current state, whatever
    # the period).
    counts, in_review = defaultdict(int), defaultdict(int)
    tallies = filters.tallies().values("kind", "status", "review_state").annotate(n=Sum("count"))
    for row in tallies.order_by():
        counts[(row["kind"], row["status"])] += row["n"]
        in_review[(row["kind"], row["review_state"])] += row["n"]
    review = {
        kind: [
            (value, label, in_review.get((kind, value), 0))
            for value, label in ReviewState.choices
            if value != ReviewState.NONE
        ]
        for kind in (Kind.SMO, Kind.SMM)
    }
    pipeline = {
        Kind.SMO: [
            (value, label, counts.get((Kind.SMO, value), 0)) for value, label in SmoStatus.choices
        ],
        Kind.SMM: [
            (value, label, counts.get((Kind.SMM, value), 0)) for value, label in SmmStatus.choices
        ],
    }

    # 6-7. What is due in the next 7 days, and what is overdue.
    due, overdue = _due_and_overdue(filters, today, now) if lists else ([], [])

    return Dashboard(
        filters=filters,
        split=split,
        published_posts=per_kind[Kind.SMO]["published_posts"],
        estimated_hours={kind: per_kind[kind]["estimated_hours"] or ZERO for kind in Kind.values},
        platform_rows=platform_rows,
        series=series,
        campaigns=campaigns,
        pipeline=pipeline,
        review=review,
        due=due,
        overdue=overdue,
        has_any_task=bool(counts) or _has_tasks_elsewhere(filters),
    )


def _has_tasks_elsewhere(filters):
    """A filter to a platform or campaign without tasks shows its zeros, not the first-run
    panel: that is for a business with no task at all (one more query, in that case only)."""
    if not (filters.campaign or filters.platform):
        return False
    return TaskTally.objects.filter(business=filters.business, count__gt=0).exists()


def _due_and_overdue(filters, today, now):
    """The first LIST_LIMIT tasks due in the next 7 days, and overdue, soonest first.

    One ordered query with a LIMIT per kind and status, so each walks its (business, kind,
    status, date) index for ten entries (a list of statuses in one query defeats the index's
    order: it read ~95,000 entries at 100,000 tasks to keep ten), all sent as one UNION ALL;
    then the chosen tasks in one more query.
    """
    business = filters.business
    week_ahead = today + datetime.timedelta(days=7)
    tasks = filters.tasks()
    lists = {"due": [], "overdue": []}
    for status in (SmoStatus.IDEA, SmoStatus.DRAFT, SmoStatus.SCHEDULED):
        posts = tasks.filter(
            kind=Kind.SMO,
            status=status,
            scheduled_at__gte=now,
            scheduled_at__lt=_end_of(week_ahead, business),
        )
        lists["due"].append(posts.order_by("scheduled_at", "pk"))
    for status in (SmmStatus.DRAFT, SmmStatus.PAUSED):
        # An ad's work date is its flight start.
        ads = tasks.filter(
            kind=Kind.SMM,
            status=status,
            flight_start__isnull=False,
            work_date__gte=today,
            work_date__lte=week_ahead,
        )
        lists["due"].append(ads.order_by("work_date", "pk"))
    for status in (SmoStatus.DRAFT, SmoStatus.SCHEDULED):
        posts = tasks.filter(kind=Kind.SMO, status=status, scheduled_at__lt=now)
        lists["overdue"].append(posts.order_by("scheduled_at", "pk"))
    ads = tasks.filter(kind=Kind.SMM, status=SmmStatus.ACTIVE, flight_end__lt=today)
    lists["overdue"].append(ads.order_by("flight_end", "pk"))

    parts = [queryset[:LIST_LIMIT] for name in lists for queryset in lists[name]]
    ids = first_ids(parts)
    chosen = [pk for part in ids for pk in part]
    fields = ("kind", "status", "title", "scheduled_at", "flight_start", "flight_end")
    loaded = Task.objects.only(*fields).in_bulk(chosen) if chosen else {}
    found, start = {}, 0
    for name, querysets in lists.items():
        part_ids = [pk for part in ids[start : start + len(querysets)] for pk in part]
        start += len(querysets)
        found[name] = sorted((loaded[pk] for pk in part_ids), key=_soonest)[:LIST_LIMIT]
    return found["due"], found["overdue"]


def _soonest(task):
    """Sort key: by day, then a post's time, then id (the order each query had)."""
    moment = task.scheduled_at.timestamp() if task.kind == Kind.SMO else 0
    return _task_day(task), moment, task.pk


def _task_day(task):
    if task.kind == Kind.SMO:
        return task.scheduled_at.date()
    return task.flight_end if task.status == SmmStatus.ACTIVE else task.flight_start


def _tz(business):
    return zoneinfo.ZoneInfo(business.time_zone)


def _end_of(day, business):
    """The first instant after `day` ends in the business's time zone."""
    return datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time(), _tz(business)
    )


# The day a rollup's date counts under on the chart: its own, its week's Monday or its month's
# first (the period's first bucket starts on the period's first day: see Period.bucket_start).
BUCKET_OF = {"day": F("date"), "week": TruncWeek("date"), "month": TruncMonth("date")}


def _series(rows, period, rate):
    """Hours and total cost per chart bucket and kind, from sums per bucket."""
    buckets = period.buckets()
    slot = {start: i for i, start in enumerate(buckets)}
    hours = {kind: [ZERO] * len(buckets) for kind in Kind.values}
    money_spent = {kind: [ZERO] * len(buckets) for kind in Kind.values}
    for row in rows:
        i, kind = slot[max(period.start, row["bucket"])], row["kind"]
        hours[kind][i] += row["hours"] or ZERO
        money_spent[kind][i] += row["production_cost"] or ZERO
        if kind == Kind.SMM:  # organic work has no media spend
            money_spent[kind][i] += row["spend"] or ZERO
    return {
        "labels": [period.bucket_label(start) for start in buckets],
        "hours": hours,
        "cost": {
            kind: [
                kpis.money(spent + kpis.labour_cost(h, rate))
                for h, spent in zip(hours[kind], money_spent[kind], strict=True)
            ]
            for kind in Kind.values
        },
    }


def _campaigns(filters, today):
    period = filters.period
    campaigns = Campaign.objects.for_business(filters.business).filter(
        start_date__lte=period.end, end_date__gte=period.start
    )
    if filters.campaign:
        campaigns = campaigns.filter(pk=filters.campaign.pk)
    campaigns = list(campaigns.order_by("start_date", "name", "pk")[: LIST_LIMIT * 2])
    spend = {
        row["campaign_id"]: row["spend"]
        for row in filters.sums(
            None,
            today,
            ("campaign_id",),
            {"spend": Sum("spend")},
            kind=Kind.SMM,
            campaign__in=campaigns,
        )
    }
    rows = []
    for campaign in campaigns:
        spent = spend.get(campaign.pk) or ZERO
        expected = kpis.expected_spend(
            "lifetime", campaign.budget, campaign.start_date, campaign.end_date, today
        )
        ratio = kpis.pacing(spent, expected)
        projected = kpis.projected_spend(spent, campaign.start_date, campaign.end_date, today)
        rows.append(
            {
                "campaign": campaign,
                "spend": spent,
                "expected": expected,
                "pacing": ratio,
                "flag": kpis.pace_flag(ratio),
                "remaining": campaign.budget - spent,
                "projected": projected,
                "projected_share": projected and kpis.ratio(projected, campaign.budget),
            }
        )
    return rows
