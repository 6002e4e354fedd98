"""Pure KPI arithmetic (docs/domain.md, "Costs", "KPIs" and "Pacing"): no ORM, no I/O.

Ratios are computed from sums. A ratio whose divisor is 0 is undefined and returned as None,
which templates show as "—" (never 0, never an error).
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0")
CENT = Decimal("0.01")


def ratio(numerator, divisor):
    if not divisor:
        return None
    return Decimal(numerator) / Decimal(divisor)


def money(value):
    """Round to cents, half up, as accountants expect."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def ctr(clicks, impressions):
    return ratio(clicks, impressions)


def cpc(spend, clicks):
    return ratio(spend, clicks)


def cpm(spend, impressions):
    value = ratio(spend, impressions)
    return None if value is None else value * 1000


def conversion_rate(conversions, clicks):
    return ratio(conversions, clicks)


def cpa(spend, conversions):
    return ratio(spend, conversions)


def roas(conversion_value, spend):
    return ratio(conversion_value, spend)


def labour_cost(hours, hourly_rate):
    return money(Decimal(hours) * Decimal(hourly_rate))


def effective_cpc(total_cost, clicks):
    """Total cost per click: defined for organic and paid alike, so they compare on one scale."""
    return ratio(total_cost, clicks)


def share(part, whole):
    return ratio(part, whole)


def marketing_efficiency_ratio(conversion_value, total_cost):
    """Conversion value ÷ total cost of both kinds: what every unit of money and priced hour
    returned, organic and paid together (ROAS counts media spend only)."""
    return ratio(conversion_value, total_cost)


def blended_cost_per_conversion(total_cost, conversions):
    """Total cost ÷ conversions, both kinds: CPA with the hours and both sides counted."""
    return ratio(total_cost, conversions)


def cost_per_engagement(total_cost, engagements):
    return ratio(total_cost, engagements)


@dataclass(frozen=True)
class KindTotals:
    """What one kind (SMO or SMM) took and returned over some rows."""

    hours: Decimal = ZERO
    media_spend: Decimal = ZERO
    production_cost: Decimal = ZERO
    hourly_rate: Decimal = ZERO
    impressions: int = 0
    reach: int = 0
    engagements: int = 0
    clicks: int = 0
    conversions: int = 0
    conversion_value: Decimal = ZERO

    @property
    def labour_cost(self):
        return labour_cost(self.hours, self.hourly_rate)

    @property
    def total_cost(self):
        return money(self.media_spend + self.labour_cost + self.production_cost)

    @property
    def effective_cpc(self):
        return effective_cpc(self.total_cost, self.clicks)

    @property
    def ctr(self):
        return ctr(self.clicks, self.impressions)

    @property
    def cpc(self):
        return cpc(self.media_spend, self.clicks)

    @property
    def cpm(self):
        return cpm(self.media_spend, self.impressions)

    @property
    def conversion_rate(self):
        return conversion_rate(self.conversions, self.clicks)

    @property
    def cpa(self):
        return cpa(self.media_spend, self.conversions)

    @property
    def roas(self):
        return roas(self.conversion_value, self.media_spend)

    @property
    def cost_per_engagement(self):
        return cost_per_engagement(self.total_cost, self.engagements)


@dataclass(frozen=True)
class Split:
    """Organic versus paid, side by side, with the shares of each."""

    smo: KindTotals
    smm: KindTotals

    # Both kinds together: each column is the sum of the two sides, ratios from those sums.
    def _both(name):
        return property(lambda self: getattr(self.smo, name) + getattr(self.smm, name))

    hours = _both("hours")
    labour_cost = _both("labour_cost")
    media_spend = _both("media_spend")
    production_cost = _both("production_cost")
    impressions = _both("impressions")
    reach = _both("reach")
    engagements = _both("engagements")
    conversions = _both("conversions")
    conversion_value = _both("conversion_value")

    total_cost = _both("total_cost")
    clicks = _both("clicks")

    @property
    def effective_cpc(self):
        return effective_cpc(self.total_cost, self.clicks)

    @property
    def smo_effort_share(self):
        return share(self.smo.hours, self.hours)

    @property
    def smm_effort_share(self):
        return share(self.smm.hours, self.hours)

    @property
    def smo_spend_share(self):
        return share(self.smo.total_cost, self.total_cost)

    @property
    def smm_spend_share(self):
        return share(self.smm.total_cost, self.total_cost)

    @property
    def marketing_efficiency_ratio(self):
        return marketing_efficiency_ratio(self.conversion_value, self.total_cost)

    @property
    def blended_cost_per_conversion(self):
        return blended_cost_per_conversion(self.total_cost, self.conversions)

    @property
    def paid_media_share(self):
        return share(self.smm.media_spend, self.total_cost)

    @property
    def is_empty(self):
        return not (self.hours or self.total_cost or self.clicks)


ON_PACE_LOW = Decimal("0.9")
ON_PACE_HIGH = Decimal("1.1")


def expected_spend(budget_type, amount, start, end, today):
    """What should have been spent by `today` (inclusive) on a flight from `start` to `end`.

    Daily budgets: amount × days elapsed. Lifetime budgets: amount × the elapsed share of the
    flight. Before the flight starts nothing is expected; after it ends, all of it.
    """
    if amount is None or start is None or end is None:
        return None
    total_days = (end - start).days + 1
    elapsed = min(max((today - start).days + 1, 0), total_days)
    if budget_type == "daily":
        return money(Decimal(amount) * elapsed)
    return money(Decimal(amount) * elapsed / total_days)


def pacing(spend, expected):
    """Actual spend to date ÷ expected spend to date (None before anything is expected)."""
    return ratio(spend, expected)


def pace_flag(pacing_ratio):
    if pacing_ratio is None:
        return "not started"
    if pacing_ratio < ON_PACE_LOW:
        return "under"
    if pacing_ratio > ON_PACE_HIGH:
        return "over"
    return "on pace"


def flight_budget(budget_type, amount, start, end):
    """The whole flight's budget: a daily amount times the flight's days, or the lifetime
    amount (None without an amount or a whole flight)."""
    if amount is None or start is None or end is None or end < start:
        return None
    if budget_type == "daily":
        return Decimal(amount) * ((end - start).days + 1)
    return Decimal(amount)


def _sort_key(value):
    return None if value is None else float(value)


def sort_keys(spend, clicks, impressions, conversions, budget):
    """What the ad list sorts by for CPC, CTR, CPA and the share of the budget spent: the
    KPIs above as floats (None where the divisor is 0), kept on each ad's row so that a sort
    is an index walk. Pages show the exact Decimal figures, not these."""
    return {
        "cost_per_click": _sort_key(cpc(spend, clicks)),
        "click_through_rate": _sort_key(ctr(clicks, impressions)),
        "cost_per_conversion": _sort_key(cpa(spend, conversions)),
        "budget_spent": _sort_key(ratio(spend, budget)),
    }


FOREVER = datetime.date.max


def pace_days(budget_type, amount, start, end, spend):
    """On which days `pace_flag` says "over" or "under" for this ad, with this spend: (over_from,
    over_until, under_from), None where it never does; FOREVER when it stays so after the end.

    Expected spend never falls as days pass (and is constant after the flight), so pacing never
    rises: the flags run "not started", "over", "on pace", "under" in that order, and a binary
    search with the very functions the pages use finds where each begins.
    """
    if amount is None or start is None or end is None or end < start:
        return None, None, None
    last = (end - start).days

    def flag(offset):
        day = start + datetime.timedelta(days=offset)
        return pace_flag(pacing(spend, expected_spend(budget_type, amount, start, end, day)))

    def first(condition):  # the first offset in 0..last where `condition` holds (it then stays)
        low, high = 0, last + 1
        while low < high:
            middle = (low + high) // 2
            if condition(flag(middle)):
                high = middle
            else:
                low = middle + 1
        return low if low <= last else None

    def day(offset):
        return start + datetime.timedelta(days=offset)

    started = first(lambda f: f != "not started")
    if started is None:
        return None, None, None
    over_from = over_until = under_from = None
    if flag(started) == "over":
        past_over = first(lambda f: f in ("on pace", "under"))
        over_from = day(started)
        over_until = FOREVER if past_over is None else day(past_over - 1)
    under = first(lambda f: f == "under")
    if under is not None:
        under_from = day(under)
    return over_from, over_until, under_from


def off_pace_on(days, today):
    """True if `pace_days`' answer says the ad is over or under pace on `today`."""
    over_from, over_until, under_from = days
    over = over_from is not None and over_from <= today <= over_until
    return over or (under_from is not None and under_from <= today)


def projected_spend(spend, start, end, today):
    """Spend at the end of the flight if the rate so far goes on."""
    if start is None or end is None or today < start:
        return None
    total_days = (end - start).days + 1
    elapsed = min((today - start).days + 1, total_days)
    return money(Decimal(spend) * total_days / elapsed)
