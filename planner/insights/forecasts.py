"""Reads for the forecasts (planner/insights/forecast.py does the arithmetic): the figures to
date from the rollups, the work planned after today from the tasks, the baseline's rates; a
month and a page of running campaigns in a fixed number of queries."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q, Sum

from planner import kpis, periods
from planner.dashboard import Filters
from planner.insights.forecast import Figures, Planned, Rates, forecast_side
from planner.models import CalendarTally, Campaign, DailyRollup, Kind, SmmStatus, SmoStatus

BASELINE_DAYS = 90
# Posts still to go out, and ads still to run (a draft ad with a flight is planned work; a
# paused one spends nothing until someone starts it again).
PLANNED_POSTS = (SmoStatus.IDEA, SmoStatus.DRAFT, SmoStatus.SCHEDULED)
PLANNED_ADS = (SmmStatus.DRAFT, SmmStatus.ACTIVE)
SUMS = ("hours", "spend", "production_cost", "clicks", "conversions", "published_posts")


@dataclass
class Forecast:
    """A window's forecast: both sides, and what it is measured against."""

    label: str
    start: datetime.date
    end: datetime.date
    smo: object  # forecast.SideForecast
    smm: object
    campaign: object = None

    @property
    def days(self):
        return (self.end - self.start).days + 1

    @property
    def budget_share(self):
        """A campaign's projected media spend against its paid budget, low and high."""
        if self.campaign is None or not self.campaign.budget:
            return None
        spend = self.smm.media_spend
        return kpis.ratio(spend.low, self.campaign.budget), kpis.ratio(
            spend.high, self.campaign.budget
        )


def _figures(row):
    return Figures(
        hours=Decimal(row.get("hours") or 0),
        media_spend=Decimal(row.get("spend") or 0),
        production_cost=Decimal(row.get("production_cost") or 0),
        clicks=Decimal(row.get("clicks") or 0),
        conversions=Decimal(row.get("conversions") or 0),
    )


def baseline_rates(business, today):
    """Each side's rates over the last BASELINE_DAYS days through today (one query)."""
    start = today - datetime.timedelta(days=BASELINE_DAYS - 1)
    period = periods.Period(start, today, "custom")
    rows = Filters(business, period).sums(
        start, today, ("kind",), {name: Sum(name) for name in SUMS}
    )
    found = {row["kind"]: row for row in rows}
    paid, organic = found.get(Kind.SMM, {}), found.get(Kind.SMO, {})
    return {
        Kind.SMM: Rates.of(
            paid.get("clicks", 0), paid.get("conversions", 0), media_spend=paid.get("spend", 0)
        ),
        Kind.SMO: Rates.of(
            organic.get("clicks", 0),
            organic.get("conversions", 0),
            posts=organic.get("published_posts", 0),
        ),
    }


def _planned(days, today, end):
    """Sums of the work planned after `today` up to `end` (a date, or an F() of the
    campaign's last day), per group of `days` (CalendarTally rows, kept by the services): the
    estimates and production cost of the posts and ads due then, the posts' count, and the
    ads' budgets for those days."""
    post = Q(kind=Kind.SMO, status__in=PLANNED_POSTS)
    ad = Q(kind=Kind.SMM, status__in=PLANNED_ADS)
    return days.filter(date__gt=today, date__lte=end).annotate(
        smo_hours=Sum("planned_hours", filter=post),
        smo_production=Sum("planned_production", filter=post),
        smo_posts=Sum("count", filter=post),
        smm_hours=Sum("planned_hours", filter=ad),
        smm_production=Sum("planned_production", filter=ad),
        smm_spend=Sum("planned_budget", filter=ad),
    )


def _planned_of(row):
    def number(name):
        return Decimal(row.get(name) or 0)

    return {
        Kind.SMO: Planned(
            hours=number("smo_hours"),
            production_cost=number("smo_production"),
            posts=row.get("smo_posts") or 0,
        ),
        Kind.SMM: Planned(
            hours=number("smm_hours"),
            production_cost=number("smm_production"),
            media_spend=kpis.money(number("smm_spend")),
        ),
    }


def _forecast(label, start, end, today, to_date, planned, rates, rate, campaign=None):
    sides = {
        kind: forecast_side(
            kind == Kind.SMM,
            to_date.get(kind, Figures()),
            planned[kind],
            rates[kind],
            start,
            end,
            today,
            rate,
        )
        for kind in Kind.values
    }
    return Forecast(label, start, end, sides[Kind.SMO], sides[Kind.SMM], campaign)


def month_forecast(business, today, rates):
    """This month (in the business's time zone): two queries."""
    month = periods.period_for("month", today)
    rows = Filters(business, month).sums(
        month.start, today, ("kind",), {name: Sum(name) for name in SUMS}
    )
    to_date = {row["kind"]: _figures(row) for row in rows}
    days = CalendarTally.objects.filter(business=business).values("business_id")
    (row,) = _planned(days, today, month.end).order_by() or [{}]
    label = f"{month.start:%B %Y}"
    planned = _planned_of(row)
    return _forecast(
        label, month.start, month.end, today, to_date, planned, rates, business.hourly_rate
    )


def running_campaigns(business, today):
    return Campaign.objects.for_business(business).filter(
        start_date__lte=today, end_date__gte=today
    )


def campaign_forecasts(business, campaigns, today, rates):
    """A page of running campaigns: their figures to date in one query, their planned work
    in another."""
    campaigns = list(campaigns)
    if not campaigns:
        return []
    ids = [campaign.pk for campaign in campaigns]
    to_date = {}
    rows = (
        DailyRollup.objects.filter(business=business, campaign__in=ids, date__lte=today)
        .values("campaign_id", "kind")
        .annotate(**{name: Sum(name) for name in SUMS})
        .order_by()
    )
    for row in rows:
        to_date.setdefault(row["campaign_id"], {})[row["kind"]] = _figures(row)
    days = CalendarTally.objects.filter(business=business, campaign__in=ids).values("campaign_id")
    planned = {
        row["campaign_id"]: _planned_of(row)
        for row in _planned(days, today, F("campaign__end_date")).order_by()
    }
    empty = _planned_of({})
    return [
        _forecast(
            campaign.name,
            campaign.start_date,
            campaign.end_date,
            today,
            to_date.get(campaign.pk, {}),
            planned.get(campaign.pk, empty),
            rates,
            business.hourly_rate,
            campaign=campaign,
        )
        for campaign in campaigns
    ]
