"""Budget pacing on ad campaigns and campaigns, and the "off pace" list filter."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from planner.selectors import pacing_for
from tests.factories import CampaignFactory, ResultEntryFactory, SmmTaskFactory

D = Decimal


@pytest.fixture
def today():
    return timezone.localdate()


def days_ago(today, n):
    return today - datetime.timedelta(days=n)


def test_pacing_for_a_daily_budget():
    start = datetime.date(2026, 11, 1)
    end = datetime.date(2026, 11, 30)
    row = pacing_for("daily", D("20"), start, end, D("190"), datetime.date(2026, 11, 10))
    assert row["budget"] == D("600")  # 20 a day for 30 days
    assert row["expected"] == D("200.00")
    assert row["pacing"] == D("0.95")
    assert row["flag"] == "on pace"
    assert row["projected"] == D("570.00")


def test_task_page_shows_pacing(client_for, business, viewer, platform, today):
    ad = SmmTaskFactory(
        business=business,
        platform=platform,
        status="active",
        budget_type="lifetime",
        budget_amount=D("1000"),
        flight_start=days_ago(today, 9),
        flight_end=days_ago(today, -10),
    )
    ResultEntryFactory(task=ad, date=days_ago(today, 1), spend=D("800"))
    html = client_for(viewer).get(reverse("smm_detail", args=[business.pk, ad.pk])).content.decode()
    # 10 of 20 days elapsed: 500 expected, 800 spent.
    assert 'data-testid="task-pacing"' in html
    assert "$500.00" in html and "$800.00" in html
    assert 'data-testid="pacing-ratio">160%' in html
    assert "over pace" in html
    assert "$1,600.00" in html  # projected: 800 over 10 days → 1,600 over 20


def test_campaign_page_shows_pacing(client_for, business, viewer, platform, today):
    campaign = CampaignFactory(
        business=business,
        budget=D("300"),
        start_date=days_ago(today, 9),
        end_date=days_ago(today, -20),
    )
    ad = SmmTaskFactory(business=business, platform=platform, campaign=campaign)
    ResultEntryFactory(task=ad, date=today, spend=D("50"))
    html = (
        client_for(viewer)
        .get(reverse("campaign_detail", args=[business.pk, campaign.pk]))
        .content.decode()
    )
    assert 'data-testid="campaign-pacing"' in html
    assert "$100.00" in html  # 10 of 30 days of 300
    assert "50%" in html and "under pace" in html


def test_off_pace_filter(client_for, business, owner, platform, today):
    def ad(title, spend, status="active"):
        task = SmmTaskFactory(
            business=business,
            platform=platform,
            title=title,
            status=status,
            budget_type="daily",
            budget_amount=D("10"),
            flight_start=days_ago(today, 9),
            flight_end=days_ago(today, -5),
        )
        ResultEntryFactory(task=task, date=days_ago(today, 2), spend=D(spend))
        return task

    ad("On pace", "100")  # 10 days × 10 expected
    ad("Under", "20")
    ad("Over", "150")
    ad("Paused and under", "10", status="paused")
    ad("Completed", "0", status="completed")  # finished: not pacing any more
    SmmTaskFactory(
        business=business,
        platform=platform,
        title="Not started",
        status="active",
        flight_start=days_ago(today, -3),
        flight_end=days_ago(today, -9),
    )
    url = reverse("smm_list", args=[business.pk])
    page = client_for(owner).get(url, {"pace": "off"}).context["page"]
    assert sorted(t.title for t in page.object_list) == ["Over", "Paused and under", "Under"]
