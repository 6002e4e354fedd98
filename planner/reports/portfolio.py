"""The portfolio: each of a user's businesses side by side for a period, in a fixed number of
queries however many businesses (docs/domain.md, "The portfolio")."""

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, Sum, Value
from django.utils import timezone

from planner import periods
from planner.access import has_mfa
from planner.dashboard import totals_from_row
from planner.insights.models import Goal
from planner.insights.progress import BEHIND, MISSED
from planner.insights.selectors import GoalView, goal_splits
from planner.kpis import Split
from planner.models import DailyRollup, Kind, Membership, MonthlyRollup, SmoStatus, Task

PRESETS = ("month", "30d", "90d", "quarter", "year")
GOALS_EACH = 6  # running goals weighed per business
SUMS = ("hours", "spend", "production_cost", "clicks", "conversions", "conversion_value")


@dataclass
class Row:
    membership: object
    period: periods.Period
    locked: bool = False  # the business asks for two-factor authentication the user lacks
    split: Split = None
    off_pace: int = 0
    overdue: int = 0
    goals: int = 0
    goals_behind: int = 0

    @property
    def business(self):
        return self.membership.business


def local_today(business, now):
    return now.astimezone(zoneinfo.ZoneInfo(business.time_zone)).date()


def rows_for(user, preset, now=None):
    """[Row] of each business `user` belongs to, by name."""
    now = now or timezone.now()
    memberships = list(
        Membership.objects.filter(user=user)
        .select_related("business")
        .order_by("business__name", "business_id")
    )
    if not memberships:
        return []
    mfa = None
    rows = []
    for membership in memberships:
        business = membership.business
        today = local_today(business, now)
        locked = False
        if business.require_mfa:
            mfa = has_mfa(user) if mfa is None else mfa
            locked = not mfa
        rows.append(Row(membership, periods.period_for(preset, today), locked=locked))
    shown = [row for row in rows if not row.locked]
    if shown:
        _splits(shown)
        _counts(shown, now)
        _goals(shown, now)
    return rows


def _by_day(rows, day_of):
    """{day: [business id]} of the rows, by the day `day_of(row)` (their time zones differ)."""
    found = defaultdict(list)
    for row in rows:
        found[day_of(row)].append(row.business.pk)
    return found


def _splits(rows):
    """Each business's sums per kind over its period: one UNION ALL of the monthly rollups of
    whole months and the daily ones around them, per group of businesses sharing a period."""
    groups = defaultdict(list)
    for row in rows:
        groups[(row.period.start, row.period.end)].append(row.business.pk)
    sums = {name: Sum(name) for name in SUMS}
    parts = []
    for (start, end), ids in groups.items():
        months, days = periods.month_split(start, end)
        if months:
            first, after = months
            parts.append(
                MonthlyRollup.objects.filter(business__in=ids, month__gte=first, month__lt=after)
            )
        for first, last in days:
            parts.append(
                DailyRollup.objects.filter(business__in=ids, date__gte=first, date__lte=last)
            )
    grouped = [part.values("business_id", "kind").annotate(**sums).order_by() for part in parts]
    found = defaultdict(lambda: dict.fromkeys(SUMS, 0))
    for row in grouped[0].union(*grouped[1:], all=True):
        totals = found[(row["business_id"], row["kind"])]
        for name in SUMS:
            totals[name] += row[name] or 0
    for row in rows:
        rate, pk = row.business.hourly_rate, row.business.pk
        row.split = Split(
            smo=totals_from_row(found.get((pk, Kind.SMO), {}), rate, Kind.SMO),
            smm=totals_from_row(found.get((pk, Kind.SMM), {}), rate, Kind.SMM),
        )


def _counts(rows, now):
    """Ads off pace today (each business's today) and posts overdue, per business: one query,
    each count read from a partial index."""
    pacing = Q(
        kind=Kind.SMM,
        status__in=("active", "paused"),
        flight_end__isnull=False,
        budget_amount__isnull=False,
    )
    under, over, overdue = (
        Q(),
        Q(),
        Q(kind=Kind.SMO, status__in=(SmoStatus.DRAFT, SmoStatus.SCHEDULED), scheduled_at__lt=now),
    )
    for today, ids in _by_day(rows, lambda row: local_today(row.business, now)).items():
        under |= Q(business__in=ids, pace_under_from__lte=today)
        over |= Q(business__in=ids, pace_over_from__lte=today, pace_over_until__gte=today)
    ids = [row.business.pk for row in rows]
    tasks = Task.objects.filter(business__in=ids)
    # Three grouped counts, one statement: the flags never overlap (kpis.pace_days).
    parts = [
        tasks.filter(pacing & under)
        .values("business_id")
        .annotate(what=Value("off"), n=Count("business_id")),
        tasks.filter(pacing & over)
        .values("business_id")
        .annotate(what=Value("off"), n=Count("business_id")),
        tasks.filter(overdue)
        .values("business_id")
        .annotate(what=Value("overdue"), n=Count("business_id")),
    ]
    counts = defaultdict(int)
    for row in parts[0].order_by().union(*(p.order_by() for p in parts[1:]), all=True):
        counts[(row["business_id"], row["what"])] += row["n"]
    for row in rows:
        row.off_pace = counts[(row.business.pk, "off")]
        row.overdue = counts[(row.business.pk, "overdue")]


def _goals(rows, now):
    """The goals running today in each business (at most GOALS_EACH, ending soonest) and how
    many of them have a target or ceiling behind or missed: one query for the goals, one for
    all their sums (planner/insights/selectors.goal_splits)."""
    running = Q()
    for today, ids in _by_day(rows, lambda row: local_today(row.business, now)).items():
        running |= Q(business__in=ids) & (
            Q(campaign__isnull=True, start_date__lte=today, end_date__gte=today)
            | Q(campaign__start_date__lte=today, campaign__end_date__gte=today)
        )
    by_business = defaultdict(list)
    for goal in Goal.objects.filter(running).select_related("campaign").order_by("pk"):
        if len(by_business[goal.business_id]) < GOALS_EACH:
            by_business[goal.business_id].append(goal)
    goals = [goal for kept in by_business.values() for goal in kept]
    if not goals:
        return
    splits = goal_splits(goals, {row.business.pk: row.business for row in rows})
    for row in rows:
        today = local_today(row.business, now)
        for goal in by_business.get(row.business.pk, []):
            statuses = {p.status for p in GoalView(goal, splits[goal.pk], today).progress}
            row.goals += 1
            row.goals_behind += bool(statuses & {BEHIND, MISSED})


SORTS = {
    "name": lambda row: row.business.name.lower(),
    "smo_hours": lambda row: row.split.smo.hours,
    "smm_hours": lambda row: row.split.smm.hours,
    "smo_cost": lambda row: row.split.smo.total_cost,
    "smm_cost": lambda row: row.split.smm.total_cost,
    "smo_cpc": lambda row: row.split.smo.effective_cpc,
    "smm_cpc": lambda row: row.split.smm.effective_cpc,
    "off_pace": lambda row: row.off_pace,
    "overdue": lambda row: row.overdue,
    "goals_behind": lambda row: row.goals_behind,
}


def sorted_rows(rows, key):
    """The rows by a column ("-" first for high to low); a business without figures (locked)
    or a ratio without a divisor goes last either way, then by name."""
    descending = key.startswith("-")
    value_of = SORTS.get(key.lstrip("-"), SORTS["name"])

    def has(row):
        return not row.locked and value_of(row) is not None

    with_value = sorted(
        (row for row in rows if has(row)),
        key=lambda row: (value_of(row), row.business.name.lower()),
        reverse=descending,
    )
    rest = sorted((row for row in rows if not has(row)), key=SORTS["name"])
    return with_value + rest
