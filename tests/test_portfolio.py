"""The portfolio: each of a user's businesses for a period in its own currency, only theirs,
sortable, in a fixed number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from planner.models import Role
from planner.reports import portfolio
from tests.factories import (
    BusinessFactory,
    GoalFactory,
    MembershipFactory,
    PlatformFactory,
    ResultEntryFactory,
    SmmTaskFactory,
    SmoTaskFactory,
    TimeEntryFactory,
)

D = Decimal
NOW = datetime.datetime(2026, 11, 20, 12, tzinfo=datetime.UTC)


def day(n):
    return datetime.date(2026, 11, n)


@pytest.fixture
def two(business, owner, other_business):
    """`business` (USD, rate 50 by default) and a second, in EUR at 40, with figures worked
    out in the tests; `owner` is a viewer of the second."""
    second = BusinessFactory(name="Zeta Bakery", currency="EUR", hourly_rate=D("40"))
    MembershipFactory(business=second, user=owner, role=Role.VIEWER)
    for shop, hours, spend, clicks in ((business, "2", "30", 60), (second, "1", "90", 30)):
        platform = PlatformFactory(business=shop)
        post = SmoTaskFactory(business=shop, platform=platform)
        ad = SmmTaskFactory(business=shop, platform=platform)
        TimeEntryFactory(task=post, user=owner, hours=D(hours), date=day(10))
        ResultEntryFactory(task=post, date=day(10), clicks=clicks)
        ResultEntryFactory(task=ad, date=day(11), clicks=clicks, spend=D(spend))
    # Another business's figures are never shown.
    ResultEntryFactory(task=SmmTaskFactory(business=other_business), date=day(11), clicks=9)
    return second


def test_each_business_in_its_own_currency(business, owner, two):
    rows = portfolio.rows_for(owner, "30d", now=NOW)
    assert [row.business for row in rows] == [business, two]  # by name
    first, second = rows
    # Acme: 2 h × 50 for 60 clicks; 30 of media spend for 60 clicks.
    assert (
        first.split.smo.total_cost == D("100.00") and first.split.smo.effective_cpc == D(100) / 60
    )
    assert first.split.smm.total_cost == D("30.00") and first.split.smm.effective_cpc == D("0.5")
    # Zeta: 1 h × 40 for 30 clicks; 90 for 30 clicks (in euros: never added to the dollars).
    assert second.split.smo.total_cost == D("40.00") and second.split.smm.effective_cpc == D(3)
    assert (first.period.start, first.period.end) == (day(20) - datetime.timedelta(29), day(20))


def test_the_page_shows_only_the_users_businesses(client_for, business, owner, outsider, two):
    html = client_for(owner).get(reverse("portfolio")).content.decode()
    assert html.count('data-testid="portfolio-row"') == 2
    assert "Zeta Bakery" in html and "Acme Roasters" in html and "Competitor" not in html
    assert "never added together" in html
    theirs = client_for(outsider).get(reverse("portfolio")).content.decode()
    assert theirs.count('data-testid="portfolio-row"') == 1 and "Acme" not in theirs


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(reverse("portfolio"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_business_left_is_gone(business, owner, two):
    owner.memberships.filter(business=two).delete()
    assert [row.business for row in portfolio.rows_for(owner, "30d", now=NOW)] == [business]


def test_a_business_asking_for_two_factor_shows_nothing_without_it(client_for, owner, two):
    two.require_mfa = True
    two.save()
    (row,) = [r for r in portfolio.rows_for(owner, "30d", now=NOW) if r.business == two]
    assert row.locked and row.split is None
    html = client_for(owner).get(reverse("portfolio")).content.decode()
    assert "requires two-factor authentication" in html


def test_ads_off_pace_posts_overdue_and_goals_behind(business, owner):
    platform = PlatformFactory(business=business)
    # Active since the 10th at 10 a day, nothing spent: under pace on the 20th.
    SmmTaskFactory(
        business=business, platform=platform, status="active", budget_type="daily",
        budget_amount=D("10"), flight_start=day(10), flight_end=day(30),
    )  # fmt: skip
    # Spent 100 of the 20 expected by the 11th: over pace then, on pace... still over today.
    over = SmmTaskFactory(
        business=business, platform=platform, status="active", budget_type="daily",
        budget_amount=D("10"), flight_start=day(19), flight_end=day(30),
    )  # fmt: skip
    ResultEntryFactory(task=over, date=day(19), spend=D("100"))
    SmmTaskFactory(business=business, platform=platform, status="draft")  # not running
    SmoTaskFactory(
        business=business, platform=platform, status="scheduled",
        scheduled_at=NOW - datetime.timedelta(hours=2),
    )  # fmt: skip
    SmoTaskFactory(
        business=business, platform=platform, status="scheduled",
        scheduled_at=NOW + datetime.timedelta(hours=2),
    )  # fmt: skip
    GoalFactory(business=business, target_clicks=1000)  # November: behind on the 20th
    GoalFactory(business=business, max_cpa=D("50"))  # no conversions yet: no data
    GoalFactory(business=business, start_date=day(21), end_date=day(30), target_clicks=5)
    (row,) = portfolio.rows_for(owner, "30d", now=NOW)
    assert (row.off_pace, row.overdue) == (2, 1)
    assert (row.goals, row.goals_behind) == (2, 1)


def test_sorting_puts_undefined_figures_last(business, owner, two):
    empty = BusinessFactory(name="Aardvark Tea")
    MembershipFactory(business=empty, user=owner)
    rows = portfolio.rows_for(owner, "30d", now=NOW)
    by_cpc = portfolio.sorted_rows(rows, "-smm_cpc")
    assert [row.business.name for row in by_cpc] == ["Zeta Bakery", "Acme Roasters", "Aardvark Tea"]
    by_cost = portfolio.sorted_rows(rows, "smm_cost")
    assert [row.business.name for row in by_cost][0] == "Aardvark Tea"  # 0 is a value


def test_the_page_sorts_by_a_column(client_for, owner, two, business):
    html = client_for(owner).get(reverse("portfolio"), {"sort": "-smm_cost"}).content.decode()
    table = html[html.index('data-testid="portfolio"') :]
    assert table.index("Zeta Bakery") < table.index("Acme Roasters")
    assert 'aria-sort="descending"' in html


@pytest.mark.parametrize("count", [5, 50])
def test_a_fixed_number_of_queries(client_for, owner, count, django_assert_num_queries):
    for n in range(count):
        shop = BusinessFactory(name=f"Shop {n:02}", time_zone=("UTC", "Asia/Tokyo")[n % 2])
        MembershipFactory(business=shop, user=owner)
        platform = PlatformFactory(business=shop)
        ResultEntryFactory(task=SmmTaskFactory(business=shop, platform=platform), clicks=3)
        GoalFactory(business=shop, start_date=datetime.date(2020, 1, 1),
                    end_date=datetime.date(2199, 1, 1), target_clicks=10)  # fmt: skip
    client = client_for(owner)
    url = reverse("portfolio")
    client.get(url)
    # session, user, memberships, sums, counts, goals, goal sums, navbar
    with django_assert_num_queries(8):
        response = client.get(url)
    # …and `business`, which the owner fixture owns
    assert response.content.decode().count('data-testid="portfolio-row"') == count + 1
