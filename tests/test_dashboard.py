"""The organic-versus-paid dashboard: numbers worked out by hand, filters, periods, pages."""

import csv
import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from planner import rollups, services
from planner.dashboard import Filters, dashboard_summary
from planner.models import TimeEntry
from planner.periods import Period
from tests.factories import (
    CampaignFactory,
    GoalFactory,
    PlatformFactory,
    ResultEntryFactory,
    SmmTaskFactory,
    SmoTaskFactory,
    TimeEntryFactory,
)

D = Decimal
NOV = Period(datetime.date(2026, 11, 1), datetime.date(2026, 11, 30), "custom")
TODAY = datetime.date(2026, 11, 20)
NOW = datetime.datetime(2026, 11, 20, 12, tzinfo=datetime.UTC)


def summary(business, period=NOV, **filters):
    return dashboard_summary(Filters(business, period, **filters), today=TODAY, now=NOW)


def day(n):
    return datetime.date(2026, 11, n)


@pytest.fixture
def known(business, owner, other_business):
    """Hourly rate 50; two platforms, one campaign. Totals worked out by hand in the tests."""
    fb = PlatformFactory(business=business, kind="facebook", handle="acme")
    li = PlatformFactory(business=business, kind="linkedin", handle="acme-co")
    launch = CampaignFactory(
        business=business, name="Launch", start_date=day(1), end_date=day(30), budget=D("600")
    )
    post_a = SmoTaskFactory(
        business=business,
        platform=fb,
        campaign=launch,
        production_cost=D("30.00"),
        status="published",
        scheduled_at=datetime.datetime(2026, 11, 3, 9, tzinfo=datetime.UTC),
        estimated_hours=D("2"),
    )
    post_b = SmoTaskFactory(
        business=business,
        platform=li,
        status="published",
        scheduled_at=datetime.datetime(2026, 11, 5, 9, tzinfo=datetime.UTC),
    )
    ad = SmmTaskFactory(
        business=business,
        platform=li,
        campaign=launch,
        production_cost=D("120.00"),
        flight_start=day(10),
        flight_end=day(19),
        estimated_hours=D("3"),
    )
    TimeEntryFactory(task=post_a, hours=D("1.5"), user=owner, date=day(2))
    TimeEntryFactory(task=post_b, hours=D("2.25"), user=owner, date=day(4))
    TimeEntryFactory(task=ad, hours=D("1.25"), user=owner, date=day(10))
    ResultEntryFactory(
        task=post_a,
        date=day(3),
        impressions=1000,
        reach=800,
        engagements=60,
        clicks=40,
        conversions=2,
    )
    ResultEntryFactory(
        task=post_b, date=day(5), impressions=500, reach=450, engagements=30, clicks=10
    )
    ResultEntryFactory(
        task=ad,
        date=day(10),
        impressions=20000,
        clicks=150,
        conversions=6,
        conversion_value=D("480.00"),
        spend=D("210.50"),
    )
    ResultEntryFactory(
        task=ad, date=day(15), impressions=5000, clicks=50, conversions=2, spend=D("89.50")
    )
    # Outside the period: must not count in November.
    ResultEntryFactory(task=ad, date=datetime.date(2026, 10, 31), clicks=999, spend=D("999"))
    # Another business's rows must never count.
    stranger = SmmTaskFactory(business=other_business)
    TimeEntryFactory(task=stranger, hours=D("9"), date=day(10))
    ResultEntryFactory(task=stranger, date=day(10), clicks=999, spend=D("999"))
    return {"fb": fb, "li": li, "launch": launch, "ad": ad, "post_a": post_a}


def test_both_kinds(business, known):
    board = summary(business)
    split = board.split
    # SMO: 3.75 h × 50 = 187.50 labour + 30.00 production, no media spend.
    assert split.smo.hours == D("3.75")
    assert split.smo.labour_cost == D("187.50")
    assert split.smo.media_spend == 0
    assert split.smo.production_cost == D("30.00")
    assert split.smo.total_cost == D("217.50")
    assert (split.smo.clicks, split.smo.reach, split.smo.engagements) == (50, 1250, 90)
    assert split.smo.effective_cpc == D("4.35")  # 217.50 / 50
    # SMM: 1.25 h × 50 = 62.50 labour + 300.00 spend + 120.00 production.
    assert split.smm.hours == D("1.25")
    assert split.smm.media_spend == D("300.00")
    assert split.smm.total_cost == D("482.50")
    assert split.smm.clicks == 200
    assert split.smm.ctr == D("200") / D("25000")
    assert split.smm.cpc == D("1.5")
    assert split.smm.cpm == D("12")
    assert split.smm.conversion_rate == D("0.04")
    assert split.smm.cpa == D("37.5")
    assert split.smm.roas == D("1.6")
    assert split.smm.effective_cpc == D("2.4125")
    # Shares: hours 3.75 of 5, cost 217.50 of 700.
    assert split.smo_effort_share == D("0.75")
    assert split.smo_spend_share == D("217.50") / D("700.00")
    # Organic: two posts published in November, 90 engagements.
    assert board.published_posts == 2
    assert board.engagement_per_post == 45
    # Paid is cheaper by 4.35 - 2.4125 a click.
    assert board.cheaper["kind"] == "smm"
    assert board.cheaper["difference"] == D("1.9375")
    # Plan versus actual: estimates 2 + 0 SMO (default 0 on post_b), 3 SMM.
    assert board.estimated_hours == {"smo": D("2"), "smm": D("3")}
    # Blended: 480.00 of conversion value for 700.00 of cost; 2 + 8 conversions.
    assert split.marketing_efficiency_ratio == D("480") / D("700")
    assert split.blended_cost_per_conversion == D("70")
    assert split.paid_media_share == D("300") / D("700")
    assert split.smo.cost_per_engagement == D("217.50") / D("90")
    assert split.smm.cost_per_engagement is None  # the ad's results have no engagements


def test_one_kind_only(business, owner):
    post = SmoTaskFactory(business=business)
    TimeEntryFactory(task=post, hours=D("2"), user=owner, date=day(2))
    split = summary(business).split
    assert split.smo.total_cost == D("100.00")
    assert split.smm.total_cost == 0 and split.smm.hours == 0
    assert split.smo_effort_share == 1 and split.smm_spend_share == 0
    # No clicks and no paid work: ratios are undefined, never zero or an error.
    assert split.smm.cpc is None and split.smm.roas is None and split.smm.ctr is None
    assert split.smo.effective_cpc is None
    # Blended figures with one side only: cost but no conversion value, no paid media.
    assert split.marketing_efficiency_ratio == 0
    assert split.blended_cost_per_conversion is None
    assert split.paid_media_share == 0
    assert split.smo.cost_per_engagement is None


def test_blended_figures_on_the_page(client_for, business, owner, known):
    html = (
        client_for(owner)
        .get(
            reverse("dashboard", args=[business.pk]),
            {"period": "custom", "start": "2026-11-01", "end": "2026-11-30"},
        )
        .content.decode()
    )
    assert 'data-testid="mer">0.69<' in html  # 480 / 700
    assert 'data-testid="blended-cpc">$70.00<' in html
    assert 'data-testid="paid-media-share">42.9%<' in html
    assert 'data-testid="cpe-smo">$2.42<' in html  # 217.50 / 90
    assert 'data-testid="cpe-smm">—<' in html


@pytest.mark.parametrize(
    "start, end, bucket",
    [
        (datetime.date(2026, 9, 3), datetime.date(2026, 11, 20), "week"),  # from a Thursday
        (datetime.date(2025, 6, 10), datetime.date(2026, 11, 20), "month"),  # from the 10th
    ],
)
def test_chart_puts_each_day_in_its_bucket(business, owner, start, end, bucket):
    """Days are summed per bucket in the database; the first bucket starts on the period's
    first day, whatever the weekday or day of the month."""
    post = SmoTaskFactory(business=business)
    logged = {start: "1", start + datetime.timedelta(days=1): "2", end: "4"}
    for date, hours in logged.items():
        TimeEntryFactory(task=post, hours=D(hours), user=owner, date=date)
    board = summary(business, period=Period(start, end, "custom"))
    assert Period(start, end, "custom").bucket == bucket
    hours = board.series["hours"]["smo"]
    assert hours[0] == D("3") and hours[-1] == D("4") and sum(hours[1:-1]) == 0
    assert len(hours) == len(board.series["labels"])


def test_nothing_at_all(business):
    board = summary(business)
    assert board.split.is_empty and board.is_empty and not board.has_any_task
    assert board.split.smo_effort_share is None
    assert board.cheaper is None
    split = board.split
    assert split.marketing_efficiency_ratio is None and split.blended_cost_per_conversion is None
    assert split.paid_media_share is None
    assert split.smo.cost_per_engagement is None and split.smm.cost_per_engagement is None
    assert board.platform_rows == []
    assert all(count == 0 for _v, _l, count in board.pipeline["smo"])


def test_campaign_filter(business, known):
    split = summary(business, campaign=known["launch"]).split
    # post_b has no campaign: only post_a (1.5 h, 30 production, 40 clicks) and the ad.
    assert split.smo.hours == D("1.5")
    assert split.smo.total_cost == D("105.00")
    assert split.smo.clicks == 40
    assert split.smm.total_cost == D("482.50")
    # Blended, over the campaign: 480.00 of value for 105.00 + 482.50; 2 + 8 conversions.
    assert split.marketing_efficiency_ratio == D("480") / D("587.50")
    assert split.blended_cost_per_conversion == D("58.75")
    assert split.paid_media_share == D("300") / D("587.50")
    assert split.smo.cost_per_engagement == D("105.00") / D("60")


def test_platform_filter(business, known):
    split = summary(business, platform=known["li"]).split
    # LinkedIn: post_b (2.25 h, 10 clicks) and the ad.
    assert split.smo.hours == D("2.25") and split.smo.clicks == 10
    assert split.smo.production_cost == 0
    assert split.smm.media_spend == D("300.00")
    board = summary(business, platform=known["fb"])
    assert board.split.smm.total_cost == 0
    assert [row.label for row in board.platform_rows] == ["Facebook @acme"]


def test_period_cutting_a_flight_in_the_middle(business, known):
    # The ad flies 10–19 November; a period of 12–20 November sees only the 15th's results.
    period = Period(day(12), day(20), "custom")
    split = summary(business, period=period).split
    assert split.smm.media_spend == D("89.50")
    assert split.smm.clicks == 50
    assert split.smm.hours == 0  # time was logged on the 10th
    assert split.smm.production_cost == 0  # counts on the flight's first day, the 10th
    assert split.smm.total_cost == D("89.50")


def test_first_and_last_day_in_a_non_utc_time_zone(business, owner):
    business.time_zone = "Pacific/Auckland"  # UTC+13 in November
    business.save()
    auckland = ZoneInfo("Pacific/Auckland")
    first = SmoTaskFactory(
        business=business,
        status="published",
        production_cost=D("10"),
        # 1 Nov 00:30 in Auckland is still 31 October in UTC.
        scheduled_at=datetime.datetime(2026, 11, 1, 0, 30, tzinfo=auckland),
    )
    last = SmoTaskFactory(
        business=business,
        status="published",
        production_cost=D("20"),
        # 30 Nov 23:30 in Auckland.
        scheduled_at=datetime.datetime(2026, 11, 30, 23, 30, tzinfo=auckland),
    )
    outside = SmoTaskFactory(
        business=business,
        status="published",
        production_cost=D("40"),
        # 1 Dec 00:30 in Auckland is 30 November in UTC: not in November here.
        scheduled_at=datetime.datetime(2026, 12, 1, 0, 30, tzinfo=auckland),
    )
    TimeEntryFactory(task=first, date=day(1), hours=D("1"), user=owner)
    TimeEntryFactory(task=last, date=day(30), hours=D("2"), user=owner)
    TimeEntryFactory(task=outside, date=datetime.date(2026, 12, 1), hours=D("4"), user=owner)
    ResultEntryFactory(task=first, date=day(1), engagements=20, conversions=1)
    ResultEntryFactory(task=outside, date=datetime.date(2026, 12, 1), engagements=99)
    board = summary(business)
    assert board.split.smo.hours == D("3")
    assert board.split.smo.production_cost == D("30")
    assert board.published_posts == 2
    # 3 h × 50 + 30 for 20 engagements and 1 conversion: the first and last days only.
    assert board.split.smo.cost_per_engagement == D("180") / D("20")
    assert board.split.blended_cost_per_conversion == D("180")


def test_time_entry_filed_under_another_business_does_not_count(business, owner, other_business):
    stranger = SmoTaskFactory(business=other_business)
    # Bypassing the services on purpose: a row that claims our business for their task.
    TimeEntry.objects.create(business=business, task=stranger, date=day(2), hours=D("5"))
    rollups.refresh(business.pk)
    rollups.refresh(other_business.pk)
    assert summary(business).split.hours == 0
    assert summary(other_business).split.hours == 0


def test_campaign_pacing(business, known):
    (row,) = summary(business).campaigns
    # Budget 600 over 30 days; by the 20th, 400 is expected. Spend to date counts all the
    # campaign's media spend up to today, also the 999 spent on 31 October before it began.
    assert row["expected"] == D("400.00")
    assert row["spend"] == D("1299.00")
    assert row["pacing"] == D("1299") / D("400")
    assert row["flag"] == "over"
    assert row["remaining"] == D("-699.00")
    # Without that early spend it would be under pace.
    services.entry_delete(known["ad"].results.get(date=datetime.date(2026, 10, 31)))
    (row,) = summary(business).campaigns
    assert (row["spend"], row["pacing"], row["flag"]) == (D("300.00"), D("0.75"), "under")


def test_pipeline_due_and_overdue(business, known):
    SmoTaskFactory(
        business=business,
        title="Due soon",
        status="scheduled",
        scheduled_at=NOW + datetime.timedelta(days=3),
    )
    SmoTaskFactory(
        business=business,
        title="Missed",
        status="scheduled",
        scheduled_at=NOW - datetime.timedelta(days=1),
    )
    SmmTaskFactory(
        business=business,
        title="Still running",
        status="active",
        flight_start=day(1),
        flight_end=day(10),
    )
    SmmTaskFactory(
        business=business,
        title="Starts soon",
        status="draft",
        flight_start=day(25),
        flight_end=day(30),
    )
    board = summary(business)
    assert [t.title for t in board.due] == ["Due soon", "Starts soon"]
    assert {t.title for t in board.overdue} == {"Missed", "Still running"}
    smo = {value: count for value, _label, count in board.pipeline["smo"]}
    assert smo["published"] == 2 and smo["scheduled"] == 2


def test_due_and_overdue_keep_the_soonest_ten_across_statuses(business):
    # Each status is its own LIMITed query: the merge must still keep the soonest ten.
    for n in range(12):
        SmoTaskFactory(
            business=business, title=f"due {n:02}", status=["idea", "draft", "scheduled"][n % 3],
            scheduled_at=NOW + datetime.timedelta(hours=2 + n),
        )  # fmt: skip
        SmoTaskFactory(
            business=business, title=f"late {n:02}", status=["draft", "scheduled"][n % 2],
            scheduled_at=NOW - datetime.timedelta(days=20 - n),
        )  # fmt: skip
    SmoTaskFactory(business=business, title="published", status="published",
                   scheduled_at=NOW - datetime.timedelta(days=30))  # fmt: skip
    board = summary(business)
    assert [t.title for t in board.due] == [f"due {n:02}" for n in range(10)]
    assert [t.title for t in board.overdue] == [f"late {n:02}" for n in range(10)]


def test_page_shows_the_numbers(client_for, business, owner, known):
    url = reverse("dashboard", args=[business.pk])
    html = (
        client_for(owner)
        .get(url, {"period": "custom", "start": "2026-11-01", "end": "2026-11-30"})
        .content.decode()
    )
    assert 'data-testid="smo-hours">3.75 h<' in html
    assert 'data-testid="smm-cost">$482.50<' in html
    assert 'data-testid="paid-cpc">$1.50<' in html
    assert 'data-testid="paid-roas">1.60<' in html
    assert 'data-testid="organic-posts">2<' in html
    assert "Paid is cheaper</strong> by $1.94 a click" in html
    assert 'id="chart-data"' in html
    # Pipeline counts link to the task list filtered the same way.
    assert f"{reverse('smo_list', args=[business.pk])}?status=published" in html


def test_filters_are_kept_in_the_url(client_for, business, owner, known):
    url = reverse("dashboard", args=[business.pk])
    response = client_for(owner).get(
        url,
        {
            "period": "custom",
            "start": "2026-11-12",
            "end": "2026-11-20",
            "platform": known["li"].pk,
        },
    )
    html = response.content.decode()
    assert 'data-testid="smm-cost">$89.50<' in html
    assert f"platform={known['li'].pk}" in html  # the CSV export link keeps the choice
    assert f"{reverse('smo_list', args=[business.pk])}?platform={known['li'].pk}" in html


def test_bad_custom_period_is_explained(client_for, business, owner, known):
    url = reverse("dashboard", args=[business.pk])
    response = client_for(owner).get(
        url, {"period": "custom", "start": "2026-11-20", "end": "2026-11-01"}
    )
    assert response.status_code == 400
    assert "cannot end before it starts" in response.context["form"].errors["end"][0]


def test_another_business_campaign_in_the_url_is_refused(
    client_for, business, owner, other_business
):
    theirs = CampaignFactory(business=other_business)
    response = client_for(owner).get(
        reverse("dashboard", args=[business.pk]), {"campaign": theirs.pk}
    )
    assert response.status_code == 400
    assert "campaign" in response.context["form"].errors


def test_empty_business_gets_a_friendly_start(client_for, business, owner):
    html = client_for(owner).get(reverse("dashboard", args=[business.pk])).content.decode()
    assert 'data-testid="empty-dashboard"' in html
    assert reverse("platform_list", args=[business.pk]) in html
    assert reverse("smo_create", args=[business.pk]) in html
    assert "chart-effort" not in html


def test_a_filter_without_tasks_shows_its_zeros_not_the_first_run_panel(
    client_for, business, owner
):
    used = PlatformFactory(business=business, kind="facebook")
    unused = PlatformFactory(business=business, kind="linkedin")
    services.task_save(SmoTaskFactory.build(business=business, platform=used))
    url = reverse("dashboard", args=[business.pk])
    html = client_for(owner).get(url, {"platform": unused.pk}).content.decode()
    assert 'data-testid="empty-dashboard"' not in html
    assert 'data-testid="empty-period"' in html and "for this selection" in html


def test_quiet_period_says_so_and_shows_dashes(client_for, business, owner, known):
    html = (
        client_for(owner)
        .get(
            reverse("dashboard", args=[business.pk]),
            {"period": "custom", "start": "2025-01-01", "end": "2025-01-31"},
        )
        .content.decode()
    )
    assert 'data-testid="empty-period"' in html
    assert 'data-testid="paid-cpc">—<' in html
    assert 'data-testid="paid-roas">—<' in html


def test_currency_is_the_business_currency(client_for, business, owner, known):
    business.currency = "EUR"
    business.save()
    html = (
        client_for(owner)
        .get(
            reverse("dashboard", args=[business.pk]),
            {"period": "custom", "start": "2026-11-01", "end": "2026-11-30"},
        )
        .content.decode()
    )
    assert "€217.50" in html


def test_csv_export(client_for, business, owner, known):
    known["fb"].handle = "=HYPERLINK(1)"
    known["fb"].save()
    response = client_for(owner).get(
        reverse("dashboard_csv", args=[business.pk]),
        {"period": "custom", "start": "2026-11-01", "end": "2026-11-30"},
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    kinds = [(row["platform"], row["kind"]) for row in rows]
    assert kinds == [
        ("Facebook @=HYPERLINK(1)", "smo"),
        ("LinkedIn @acme-co", "smm"),
        ("LinkedIn @acme-co", "smo"),
        ("all platforms", "total"),
    ]
    total = rows[-1]
    assert total["hours"] == "5.00"
    assert total["total cost"] == "700.00"
    assert total["clicks"] == "250"
    assert total["effective CPC"] == "2.80"
    assert rows[0]["period start"] == "2026-11-01"
    assert rows[1]["media spend"] == "300.00"


def test_csv_neutralises_formulas(client_for, business, owner, known):
    known["fb"].handle = "acme"
    known["fb"].kind = "facebook"
    from planner.exports import safe_cell

    assert safe_cell("=SUM(A1)") == "'=SUM(A1)"
    assert safe_cell("+1") == "'+1" and safe_cell("-1") == "'-1" and safe_cell("@x") == "'@x"
    assert safe_cell("Facebook @acme") == "Facebook @acme"


def _grow(business, owner, count):
    platform = PlatformFactory(business=business)
    campaign = CampaignFactory(business=business, start_date=day(1), end_date=day(30))
    for i in range(count):
        post = SmoTaskFactory(
            business=business,
            platform=platform,
            campaign=campaign,
            status="scheduled",
            scheduled_at=NOW,
        )
        ad = SmmTaskFactory(business=business, platform=platform, campaign=campaign)
        TimeEntryFactory(task=post, user=owner, date=day(1 + i % 28))
        ResultEntryFactory(task=ad, clicks=3, spend=D("1"), date=day(1 + i % 28))


@pytest.mark.parametrize("rows", [5, 50])
def test_query_count_is_fixed(client_for, business, owner, rows, django_assert_num_queries):
    _grow(business, owner, rows)
    client = client_for(owner)
    url = reverse("dashboard", args=[business.pk])
    client.get(url)  # the first visit remembers the business in the session
    # session, user, membership, form choices (campaigns, platforms), platform × kind sums,
    # daily sums, campaigns, campaign spend, pipeline, due and overdue (their ids in one
    # query, then those tasks), goals, their sums (all goals in one), navbar businesses: 15,
    # however many rows
    for name in ("Autumn", "Winter"):
        today = datetime.date.today()
        GoalFactory(
            business=business,
            name=name,
            start_date=today - datetime.timedelta(days=20),
            end_date=today + datetime.timedelta(days=20),
            target_clicks=100,
            max_cpa=D("5"),
        )
    with django_assert_num_queries(15):
        response = client.get(url, {"period": "90d"})
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="goal-progress"') == 2


def test_rollups_follow_every_write(client_for, business, editor, known):
    """Moving a task moves its time and results; deleting it removes them."""
    ad, fb, li = known["ad"], known["fb"], known["li"]
    assert summary(business, platform=li).split.smm.media_spend == D("300.00")
    client = client_for(editor)
    response = client.post(
        reverse("smm_edit", args=[business.pk, ad.pk]),
        {
            "platform": fb.pk,
            "title": ad.title,
            "objective": "traffic",
            "bid_model": "cpc",
            "budget_type": "daily",
            "budget_amount": "20",
            "flight_start": "2026-11-10",
            "flight_end": "2026-11-19",
            "status": "draft",
            "estimated_hours": "3",
            "production_cost": "120",
        },
    )
    assert response.status_code == 302
    assert summary(business, platform=li).split.smm.media_spend == 0
    assert summary(business, platform=fb).split.smm.media_spend == D("300.00")
    assert summary(business, platform=fb).split.smm.hours == D("1.25")
    assert summary(business, campaign=known["launch"]).split.smm.total_cost == 0  # campaign unset
    client.post(reverse("smm_delete", args=[business.pk, ad.pk]))
    assert summary(business).split.smm.total_cost == 0
    assert summary(business).split.smo.total_cost == D("217.50")
