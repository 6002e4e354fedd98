"""Reads of goals with their progress, a page's worth in a fixed number of queries."""

from django.db.models import Sum, Value

from planner import periods
from planner.dashboard import totals_from_row
from planner.insights.models import GOAL_FIELDS, Goal
from planner.insights.progress import goal_progress
from planner.kpis import Split
from planner.models import DailyRollup, Kind, MonthlyRollup

DASHBOARD_GOALS = 6
SUMS = (
    "hours",
    "spend",
    "production_cost",
    "impressions",
    "reach",
    "engagements",
    "clicks",
    "conversions",
    "conversion_value",
)


class GoalView:
    """A goal with its window, what it is measured on and its progress (for the templates)."""

    def __init__(self, goal, split, today):
        self.goal = goal
        self.start, self.end = goal.window()
        self.split = split
        values = {name: getattr(goal, name) for name in GOAL_FIELDS}
        self.progress = goal_progress(values, split, self.start, self.end, today)


def goal_parts(business, goal):
    """The rollup querysets whose sums are the goal's figures: a campaign's over all its
    results (as the campaign's page totals them), a period's over the business's days in it
    (whole months from the monthly rows, the days around them from the daily)."""
    if goal.campaign_id:
        return [DailyRollup.objects.filter(business=business, campaign_id=goal.campaign_id)]
    months, days = periods.month_split(goal.start_date, goal.end_date)
    parts = []
    if months:
        first, after = months
        parts.append(
            MonthlyRollup.objects.filter(business=business, month__gte=first, month__lt=after)
        )
    for first, last in days:
        parts.append(DailyRollup.objects.filter(business=business, date__gte=first, date__lte=last))
    return parts


def goal_splits(goals, businesses):
    """{goal id: Split} of `goals` (of the businesses in `businesses`, {id: Business}): every
    goal's sums in one UNION ALL query, priced at its business's hourly rate."""
    goals = list(goals)
    if not goals:
        return {}
    sums = {name: Sum(name) for name in SUMS}
    grouped = [
        part.values("kind").annotate(goal=Value(goal.pk), **sums).order_by()
        for goal in goals
        for part in goal_parts(businesses[goal.business_id], goal)
    ]
    found = {}
    for row in grouped[0].union(*grouped[1:], all=True):
        totals = found.setdefault((row["goal"], row["kind"]), dict.fromkeys(SUMS, 0))
        for name in SUMS:
            totals[name] += row[name] or 0
    splits = {}
    for goal in goals:
        rate = businesses[goal.business_id].hourly_rate
        splits[goal.pk] = Split(
            smo=totals_from_row(found.get((goal.pk, Kind.SMO), {}), rate, Kind.SMO),
            smm=totals_from_row(found.get((goal.pk, Kind.SMM), {}), rate, Kind.SMM),
        )
    return splits


def with_progress(business, goals, today):
    """[GoalView] for `goals` (campaign loaded): every goal's sums in one UNION ALL query."""
    goals = list(goals)
    splits = goal_splits(goals, {business.pk: business})
    return [GoalView(goal, splits[goal.pk], today) for goal in goals]


def dashboard_goals(business, period, campaign, today):
    """The goals the dashboard shows: a chosen campaign's goal, else the period goals that
    overlap the period shown (ending soonest first, at most DASHBOARD_GOALS)."""
    goals = Goal.objects.for_business(business).select_related("campaign")
    if campaign:
        goals = goals.filter(campaign=campaign)
    else:
        goals = goals.filter(
            campaign__isnull=True, start_date__lte=period.end, end_date__gte=period.start
        ).order_by("end_date", "pk")[:DASHBOARD_GOALS]
    return with_progress(business, goals, today)
