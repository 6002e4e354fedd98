"""Forecasts: the run-rate and the plan worked out by hand, for a month and a campaign, the
work planned after today read from the tasks, and the page."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from planner.insights import forecast
from planner.insights.forecasts import (
    baseline_rates,
    campaign_forecasts,
    month_forecast,
    running_campaigns,
)
from tests.factories import (
    CampaignFactory,
    PlatformFactory,
    ResultEntryFactory,
    SmmTaskFactory,
    SmoTaskFactory,
    TimeEntryFactory,
)

D = Decimal
TODAY = datetime.date(2026, 11, 20)


def day(month, n, year=2026):
    return datetime.date(year, month, n)


def at(month, n):
    return datetime.datetime(2026, month, n, 9, tzinfo=datetime.UTC)


# Pure arithmetic ---------------------------------------------------------------------------


def test_run_rate_scales_the_figures_to_date_by_the_days():
    to_date = forecast.Figures(hours=D(2), media_spend=D(40), clicks=D(80))
    projected = forecast.run_rate(to_date, day(11, 1), day(11, 30), TODAY)  # 20 of 30 days
    assert (projected.hours, projected.media_spend, projected.clicks) == (D(3), D(60), D(120))
    assert forecast.run_rate(to_date, day(12, 1), day(12, 31), TODAY) is None  # not begun
    ended = forecast.run_rate(to_date, day(10, 1), day(10, 31), TODAY)
    assert ended.clicks == D(80)  # a window over is what it was


def test_the_plan_adds_planned_work_at_the_baselines_rates():
    rates = forecast.Rates.of(80, 4, media_spend=D(40))  # 2 clicks a unit, 5% convert
    planned = forecast.Planned(hours=D(4), production_cost=D(50), media_spend=D(280))
    side = forecast.forecast_side(
        True, forecast.Figures(media_spend=D(40), clicks=D(80), conversions=D(4)),
        planned, rates, day(11, 1), day(11, 30), TODAY, D(50),
    )  # fmt: skip
    assert side.plan.media_spend == D(320) and side.plan.clicks == D(640)
    assert side.plan.conversions == D(32) and side.plan.hours == D(4)
    assert side.media_spend == forecast.Range(D(60), D(320))
    assert side.clicks == forecast.Range(D(120), D(640))
    # Cost: plan 320 + 4 h × 50 + 50 = 570; run-rate 60.
    assert side.total_cost == forecast.Range(D(60), D(570))
    assert side.uses_history


def test_without_history_the_plan_adds_no_results():
    side = forecast.forecast_side(
        False, forecast.Figures(), forecast.Planned(posts=3), forecast.Rates.of(0, 0, posts=0),
        day(11, 1), day(11, 30), TODAY, D(50),
    )  # fmt: skip
    assert side.clicks == forecast.Range(D(0), D(0)) and side.clicks.single
    assert not side.uses_history


# From the database ------------------------------------------------------------------------


@pytest.fixture
def plan(business, owner, other_business):
    """Rate 50; November 20th is today. Figures worked out in the tests."""
    business.hourly_rate = D("50")
    business.save()
    fb = PlatformFactory(business=business)
    launch = CampaignFactory(
        business=business, name="Launch", start_date=day(11, 1), end_date=day(12, 31),
        budget=D("1000"),
    )  # fmt: skip
    published = SmoTaskFactory(
        business=business, platform=fb, campaign=launch, status="published",
        scheduled_at=at(11, 3),
    )  # fmt: skip
    TimeEntryFactory(task=published, hours=D("2"), user=owner, date=day(11, 3))
    ResultEntryFactory(task=published, date=day(11, 3), clicks=30, conversions=3)
    # Due later this month, and next month (the campaign's, not the month's).
    SmoTaskFactory(
        business=business, platform=fb, campaign=launch, status="scheduled",
        scheduled_at=at(11, 25), estimated_hours=D("1.5"), production_cost=D("20"),
    )  # fmt: skip
    SmoTaskFactory(
        business=business, platform=fb, campaign=launch, status="draft",
        scheduled_at=at(12, 2), estimated_hours=D("1"),
    )  # fmt: skip
    active = SmmTaskFactory(
        business=business, platform=fb, campaign=launch, status="active",
        budget_type="daily", budget_amount=D("10"), flight_start=day(11, 15),
        flight_end=day(11, 30), estimated_hours=D("0"),
    )  # fmt: skip
    ResultEntryFactory(task=active, date=day(11, 15), clicks=80, conversions=4, spend=D("40"))
    SmmTaskFactory(
        business=business, platform=fb, campaign=launch, status="draft",
        budget_type="lifetime", budget_amount=D("300"), flight_start=day(11, 25),
        flight_end=day(12, 4), estimated_hours=D("4"), production_cost=D("50"),
    )  # fmt: skip
    # Neither a paused nor a completed ad spends.
    for status in ("paused", "completed"):
        SmmTaskFactory(
            business=business, platform=fb, status=status, budget_type="daily",
            budget_amount=D("99"), flight_start=day(11, 1), flight_end=day(11, 30),
            estimated_hours=D("0"),
        )  # fmt: skip
    stranger = SmmTaskFactory(
        business=other_business, status="active", budget_type="daily",
        budget_amount=D("999"), flight_start=day(11, 1), flight_end=day(11, 30),
    )  # fmt: skip
    ResultEntryFactory(task=stranger, date=day(11, 10), clicks=999, spend=D("999"))
    return {"launch": launch}


def test_the_months_forecast(business, plan):
    rates = baseline_rates(business, TODAY)
    month = month_forecast(business, TODAY, rates)
    assert (month.start, month.end, month.label) == (day(11, 1), day(11, 30), "November 2026")
    # Paid: to date 40 spent, 80 clicks, 4 conversions. Planned: the active ad's 10 days
    # left × 10 = 100, the draft ad's 6 of 10 flight days × 300 = 180; at 2 clicks a unit and
    # 5% conversion, +560 clicks and +28 conversions. Run-rate: × 30 / 20.
    assert month.smm.media_spend == forecast.Range(D(60), D(320))
    assert month.smm.clicks == forecast.Range(D(120), D(640))
    assert month.smm.conversions == forecast.Range(D(6), D(32))
    assert month.smm.hours == forecast.Range(D(0), D(4))  # the draft ad's estimate
    # 320 + 4 h × 50 + 50 = 570 against 60.
    assert month.smm.total_cost == forecast.Range(D(60), D(570))
    # Organic: to date 2 h, 30 clicks, 3 conversions from one published post; one post due
    # (1.5 h, 20 production) brings 30 clicks and 3 conversions more.
    assert month.smo.hours == forecast.Range(D(3), D("3.5"))
    assert month.smo.clicks == forecast.Range(D(45), D(60))
    assert month.smo.conversions == forecast.Range(D(5), D(6))  # 4.5 rounds half up
    assert month.smo.total_cost == forecast.Range(D(150), D(195))


def test_a_campaigns_forecast_and_its_budget(business, plan):
    rates = baseline_rates(business, TODAY)
    (launch,) = campaign_forecasts(business, running_campaigns(business, TODAY), TODAY, rates)
    # 20 of 61 days elapsed. Planned paid: 10 × 10 + the whole 300 (its flight ends inside).
    assert launch.smm.media_spend == forecast.Range(D("122.00"), D(440))  # 40 × 61 / 20
    # Organic planned: both posts due after today, 2.5 h.
    assert launch.smo.plan.hours == D("4.5")
    assert launch.budget_share == (D("0.122"), D("0.44"))


def test_a_campaign_that_has_not_started_or_has_ended_is_not_running(business, plan):
    CampaignFactory(business=business, start_date=day(12, 1), end_date=day(12, 31))
    CampaignFactory(business=business, start_date=day(10, 1), end_date=day(11, 19))
    assert list(running_campaigns(business, TODAY)) == [plan["launch"]]


def test_nothing_at_all(business):
    rates = baseline_rates(business, TODAY)
    month = month_forecast(business, TODAY, rates)
    for side in (month.smo, month.smm):
        assert side.clicks == forecast.Range(D(0), D(0)) and not side.uses_history
        assert side.total_cost == forecast.Range(D(0), D(0))


def test_the_month_is_the_businesss_own(client_for, business, owner, monkeypatch):
    """At 23:30 UTC on November 30th it is already December in Auckland."""
    client = client_for(owner)
    url = reverse("insights_forecast", args=[business.pk])
    moment = datetime.datetime(2026, 11, 30, 23, 30, tzinfo=datetime.UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
    assert "November 2026" in client.get(url).content.decode()
    business.time_zone = "Pacific/Auckland"
    business.save()
    assert "December 2026" in client.get(url).content.decode()


def test_the_page_shows_the_method_and_the_ranges(client_for, business, viewer, plan):
    html = client_for(viewer).get(reverse("insights_forecast", args=[business.pk])).content
    html = html.decode()
    assert 'data-testid="forecast-method"' in html and "Run-rate" in html
    assert html.count('data-testid="campaign-forecast"') == 1


@pytest.mark.parametrize("campaigns", [2, 20])
def test_the_page_reads_a_fixed_number_of_queries(
    client_for, business, owner, campaigns, django_assert_num_queries
):
    platform = PlatformFactory(business=business)
    today = datetime.date.today()
    for n in range(campaigns):
        campaign = CampaignFactory(
            business=business,
            start_date=today - datetime.timedelta(days=5),
            end_date=today + datetime.timedelta(days=n + 1),
        )
        SmmTaskFactory(
            business=business, platform=platform, campaign=campaign, status="active",
            budget_type="daily", budget_amount=D("5"), flight_start=campaign.start_date,
            flight_end=campaign.end_date,
        )  # fmt: skip
    client = client_for(owner)
    url = reverse("insights_forecast", args=[business.pk])
    client.get(url)
    # session, user, membership, baseline, month to date, month planned, campaigns count,
    # page of campaigns, their figures to date, their planned work, navbar: 11
    with django_assert_num_queries(11):
        response = client.get(url)
    assert response.content.decode().count('data-testid="campaign-forecast"') == campaigns


def test_pacing_shows_the_projected_end_spend_against_the_budget(
    client_for, business, owner, plan, monkeypatch
):
    moment = datetime.datetime(2026, 11, 20, 12, tzinfo=datetime.UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
    client = client_for(owner)
    launch = plan["launch"]
    # 40 spent in 20 of 61 days: 122.00 at the end, 12% of the 1,000 budget.
    html = client.get(reverse("campaign_detail", args=[business.pk, launch.pk])).content.decode()
    assert "$122.00 <span" in html and "(12% of the budget)" in html
    html = client.get(
        reverse("dashboard", args=[business.pk]), {"period": "month"}
    ).content.decode()
    assert (
        'data-testid="campaign-projected">$122.00 <span class="small text-body-secondary">(12%)'
        in html
    )
