"""Where a month or a campaign ends up: pure arithmetic, no ORM (docs/domain.md, "Forecasts").

Two projections per side, and the range between them:

- **run-rate**: the figures to date × the window's days ÷ the days elapsed (today counted);
- **plan**: the figures to date plus the work already planned for the days after today — the
  estimated hours and production cost of the posts and ads due then, the budgets of the ads
  flying then (a lifetime budget spread evenly over its flight's days), and the clicks and
  conversions that work brings at the business's own rates of the last 90 days (paid: clicks
  per unit of media spend; organic: clicks per published post; both: conversions per click).

Neither is a promise: the page shows the lower to the higher as the range.
"""

from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal

from planner.kpis import labour_cost, money, ratio

ZERO = Decimal("0")
PLACES = {
    "hours": Decimal("0.01"),
    "media_spend": Decimal("0.01"),
    "production_cost": Decimal("0.01"),
    "clicks": Decimal("1"),
    "conversions": Decimal("1"),
}


@dataclass(frozen=True)
class Figures:
    """One side's figures over some days."""

    hours: Decimal = ZERO
    media_spend: Decimal = ZERO
    production_cost: Decimal = ZERO
    clicks: Decimal = ZERO
    conversions: Decimal = ZERO

    def plus(self, other):
        return Figures(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    def times(self, factor):
        return Figures(*(getattr(self, f.name) * factor for f in fields(self)))


@dataclass(frozen=True)
class Planned:
    """The work planned for the days after today, in the window, of one side."""

    hours: Decimal = ZERO  # estimated hours of the posts or ads due then
    production_cost: Decimal = ZERO
    media_spend: Decimal = ZERO  # ads' budgets over their flight days then (paid only)
    posts: int = 0  # posts due then (organic only)


@dataclass(frozen=True)
class Rates:
    """A side's own returns over the baseline (the last 90 days); None where undefined."""

    clicks_per_spend: Decimal | None = None  # paid
    clicks_per_post: Decimal | None = None  # organic
    conversions_per_click: Decimal | None = None

    @classmethod
    def of(cls, clicks, conversions, media_spend=ZERO, posts=0):
        return cls(
            clicks_per_spend=ratio(clicks, media_spend),
            clicks_per_post=ratio(clicks, posts),
            conversions_per_click=ratio(conversions, clicks),
        )


@dataclass(frozen=True)
class Range:
    low: Decimal
    high: Decimal

    @property
    def single(self):
        return self.low == self.high


@dataclass(frozen=True)
class SideForecast:
    to_date: Figures
    run_rate: Figures | None  # None before the first day
    plan: Figures
    hourly_rate: Decimal
    uses_history: bool  # whether the plan's clicks come from the baseline's rates

    def _range(self, name):
        values = [getattr(self.plan, name)]
        if self.run_rate is not None:
            values.append(getattr(self.run_rate, name))
        # Hours and money to hundredths, counts whole: what the page can show.
        places = PLACES[name]
        values = [value.quantize(places, rounding=ROUND_HALF_UP) for value in values]
        return Range(min(values), max(values))

    def _cost(self, figures):
        return money(
            figures.media_spend
            + labour_cost(figures.hours, self.hourly_rate)
            + figures.production_cost
        )

    @property
    def hours(self):
        return self._range("hours")

    @property
    def media_spend(self):
        return self._range("media_spend")

    @property
    def clicks(self):
        return self._range("clicks")

    @property
    def conversions(self):
        return self._range("conversions")

    @property
    def total_cost(self):
        values = [self._cost(self.plan)]
        if self.run_rate is not None:
            values.append(self._cost(self.run_rate))
        return Range(min(values), max(values))

    @property
    def cost_to_date(self):
        return self._cost(self.to_date)


def elapsed_days(start, end, today):
    """(days elapsed, today counted, at most all; days in the window)."""
    total = (end - start).days + 1
    return min(max((today - start).days + 1, 0), total), total


def run_rate(to_date, start, end, today):
    elapsed, total = elapsed_days(start, end, today)
    if not elapsed:
        return None
    return to_date.times(Decimal(total) / Decimal(elapsed))


def planned_results(paid, planned, rates):
    """(clicks, conversions) the planned work brings at `rates`; (0, 0) without them."""
    per_unit = rates.clicks_per_spend if paid else rates.clicks_per_post
    if per_unit is None:
        return ZERO, ZERO
    clicks = per_unit * (planned.media_spend if paid else planned.posts)
    return clicks, clicks * (rates.conversions_per_click or ZERO)


def forecast_side(paid, to_date, planned, rates, start, end, today, hourly_rate):
    clicks, conversions = planned_results(paid, planned, rates)
    plan = to_date.plus(
        Figures(
            hours=planned.hours,
            media_spend=planned.media_spend if paid else ZERO,
            production_cost=planned.production_cost,
            clicks=clicks,
            conversions=conversions,
        )
    )
    per_unit = rates.clicks_per_spend if paid else rates.clicks_per_post
    return SideForecast(
        to_date=to_date,
        run_rate=run_rate(to_date, start, end, today),
        plan=plan,
        hourly_rate=hourly_rate,
        uses_history=per_unit is not None,
    )
