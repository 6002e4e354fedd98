"""Progress of a goal against its targets and against the time elapsed: pure arithmetic, no ORM
(docs/domain.md, "Goals and blended efficiency").

A target (clicks, conversions, conversion value) is compared with where a straight line from 0
to the target would be today: target × the elapsed share of the goal's days. Within 90–110% of
that the goal is on track, above ahead, below behind; the same band as an ad's pacing. A ceiling
(a maximum CPA or effective CPC) is ahead at 90% of the ceiling or less, on track up to it and
behind above it; it has no figure until there are conversions or clicks to divide by.
"""

from dataclasses import dataclass
from decimal import Decimal

from planner.kpis import ON_PACE_HIGH, ON_PACE_LOW, ratio

AHEAD, ON_TRACK, BEHIND = "ahead", "on track", "behind"
REACHED, MISSED, NOT_STARTED, NO_DATA = "reached", "missed", "not started", "no data yet"

# (field of the goal, label, the figure of a Split it is measured by, a ceiling or not)
MEASURES = (
    ("target_clicks", "Clicks", "clicks", False),
    ("target_conversions", "Conversions", "conversions", False),
    ("target_conversion_value", "Conversion value", "conversion_value", False),
    ("max_cpa", "CPA at most", "cpa", True),
    ("max_effective_cpc", "Effective CPC at most", "effective_cpc", True),
)
MONEY_MEASURES = {"target_conversion_value", "max_cpa", "max_effective_cpc"}


@dataclass(frozen=True)
class Progress:
    field: str
    label: str
    goal: int | Decimal  # the target or the ceiling
    actual: Decimal | None  # None: a ratio with nothing to divide by
    expected: Decimal | None  # a target's straight line today; None for a ceiling
    status: str
    ceiling: bool

    @property
    def share(self):
        """The actual as a share of the target or the ceiling (the bar's length)."""
        return None if self.actual is None else ratio(self.actual, self.goal)

    @property
    def is_money(self):
        return self.field in MONEY_MEASURES


def elapsed_share(start, end, today):
    """The share of the days `start`..`end` (inclusive) that have passed by the end of
    `today`: 0 before the first day, 1 from the last."""
    total = (end - start).days + 1
    elapsed = min(max((today - start).days + 1, 0), total)
    return Decimal(elapsed) / Decimal(total)


def target_status(target, actual, elapsed, ended=False):
    """`elapsed` counts today as passed; `ended`: the last day is over, nothing can change."""
    if actual >= target:
        return REACHED
    if ended:
        return MISSED
    if elapsed == 0:
        return NOT_STARTED
    pace = Decimal(actual) / (Decimal(target) * elapsed)
    if pace > ON_PACE_HIGH:
        return AHEAD
    if pace >= ON_PACE_LOW:
        return ON_TRACK
    return BEHIND


def ceiling_status(ceiling, actual):
    if actual is None:
        return NO_DATA
    if actual <= ceiling * ON_PACE_LOW:
        return AHEAD
    if actual <= ceiling:
        return ON_TRACK
    return BEHIND


def _actual(split, figure):
    # CPA is paid only (media spend ÷ paid conversions), as the KPIs define it; the other
    # figures are both kinds together.
    return split.smm.cpa if figure == "cpa" else getattr(split, figure)


def goal_progress(values, split, start, end, today):
    """[Progress] of each target or ceiling set in `values` ({goal field: value or None}),
    measured on `split` (a kpis.Split over the goal's tasks and days)."""
    elapsed = elapsed_share(start, end, today)
    found = []
    for field, label, figure, ceiling in MEASURES:
        goal = values.get(field)
        if goal is None:
            continue
        actual = _actual(split, figure)
        if ceiling:
            status, expected = ceiling_status(goal, actual), None
        else:
            status = target_status(goal, actual, elapsed, ended=today > end)
            expected = Decimal(goal) * elapsed
        found.append(Progress(field, label, goal, actual, expected, status, ceiling))
    return found
