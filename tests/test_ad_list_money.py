"""The SMM list like Ads Manager: budget, spend, budget spent, pacing, impressions, clicks,
CTR, CPC, conversions and CPA per ad, and totals of the whole filtered set (not the page),
from what the rows and TaskTally keep: exact after result edits and deletes, in a fixed
number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from planner import services
from planner.models import ResultEntry, Task
from tests.factories import PlatformFactory, ResultEntryFactory, SmmTaskFactory, SmoTaskFactory

D = Decimal


def _list(client, business, query=""):
    response = client.get(reverse("smm_list", args=[business.pk]) + query)
    assert response.status_code == 200
    return response


def test_an_ad_row_shows_its_money_columns(client_for, business, viewer, platform):
    today = timezone.localdate()
    ad = SmmTaskFactory(
        business=business,
        platform=platform,
        title="Holiday beans",
        status="active",
        budget_type="lifetime",
        budget_amount=D("1000"),
        flight_start=today - datetime.timedelta(days=9),
        flight_end=today + datetime.timedelta(days=10),
    )
    ResultEntryFactory(
        task=ad, date=today, impressions=20_000, reach=9_000, clicks=400, conversions=16,
        spend=D("800"),
    )  # fmt: skip
    html = _list(client_for(viewer), business).content.decode()
    row = html[html.index("Holiday beans") : html.index("</tr>", html.index("Holiday beans"))]
    for shown in ("$1,000.00", "$800.00", "80%", "over pace", "20,000", "400", "2.00%",
                  "$2.00", "16", "$50.00"):  # fmt: skip
        assert shown in row, shown


def test_an_ad_without_figures_shows_dashes(client_for, business, viewer, platform):
    SmmTaskFactory(business=business, platform=platform, title="Quiet ad", budget_amount=None,
                   flight_start=None, flight_end=None)  # fmt: skip
    html = _list(client_for(viewer), business).content.decode()
    row = html[html.index("Quiet ad") : html.index("</tr>", html.index("Quiet ad"))]
    assert row.count("—") >= 6  # budget, spent share, pacing, CTR, CPC, CPA


def _many(business, platforms, count=30):
    """More ads than a page, with results, some on another platform or status."""
    ads = []
    for n in range(count):
        ad = SmmTaskFactory(
            business=business,
            platform=platforms[n % 2],
            status="active" if n % 3 else "paused",
            title=f"Ad {n} coffee" if n % 4 else f"Ad {n} tea",
            budget_amount=D(10 + n),
        )
        ResultEntryFactory(task=ad, date=datetime.date(2026, 11, 5), impressions=100 * n,
                           reach=50 * n, clicks=n, conversions=n // 5, spend=D(n) / 4)  # fmt: skip
        ads.append(ad)
    return ads


def _python_totals(ads):
    rows = [Task.objects.get(pk=ad.pk) for ad in ads]
    results = ResultEntry.objects.filter(task__in=ads)
    return {
        "count": len(rows),
        "budget": sum(row.budget_total or 0 for row in rows),
        "spend": sum(r.spend for r in results),
        "impressions": sum(r.impressions for r in results),
        "clicks": sum(r.clicks for r in results),
        "conversions": sum(r.conversions for r in results),
        "hours": sum(row.estimated_hours for row in rows),
    }


@pytest.mark.parametrize(
    ("query", "keep"),
    [
        ("", lambda ad, n: True),
        ("?status=active", lambda ad, n: n % 3),
        ("?platform={p1}", lambda ad, n: n % 2 == 1),
        ("?q=tea", lambda ad, n: n % 4 == 0),  # a search: the counted matches
        ("?q=coffee&status=paused&sort=-clicks", lambda ad, n: n % 4 and not n % 3),
    ],
)
def test_totals_are_of_the_whole_filtered_set(client_for, business, viewer, query, keep):
    platforms = [PlatformFactory(business=business), PlatformFactory(business=business, kind="x")]
    ads = _many(business, platforms)
    kept = [ad for n, ad in enumerate(ads) if keep(ad, n)]
    response = _list(client_for(viewer), business, query.format(p1=platforms[1].pk))
    totals = response.context["totals"]
    want = _python_totals(kept)
    assert totals["budget_total"] == want["budget"]
    assert totals["media_spend"] == want["spend"]
    assert totals["total_impressions"] == want["impressions"]
    assert totals["total_clicks"] == want["clicks"]
    assert totals["total_conversions"] == want["conversions"]
    assert totals["estimated_hours"] == want["hours"]
    assert totals["cpc"] == want["spend"] / want["clicks"]
    html = response.content.decode()
    assert f"Total of {want['count']} ads" in html


def test_totals_follow_result_edits_and_deletes(client_for, business, viewer, platform):
    ad = SmmTaskFactory(business=business, platform=platform)
    entry = ResultEntryFactory(task=ad, date=datetime.date(2026, 11, 5), impressions=500,
                               reach=100, clicks=50, spend=D("20"))  # fmt: skip
    client = client_for(viewer)
    assert _list(client, business).context["totals"]["total_clicks"] == 50
    entry.clicks, entry.spend = 10, D("7.5")
    services.entry_save(entry)
    totals = _list(client, business).context["totals"]
    assert (totals["total_clicks"], totals["media_spend"]) == (10, D("7.5"))
    assert Task.objects.get(pk=ad.pk).cost_per_click == pytest.approx(0.75)
    services.entry_delete(entry)
    totals = _list(client, business).context["totals"]
    assert (totals["total_clicks"], totals["media_spend"], totals["cpc"]) == (0, 0, None)
    assert Task.objects.get(pk=ad.pk).cost_per_click is None


def test_posts_results_never_count_as_media_spend(client_for, business, viewer, platform):
    post = SmoTaskFactory(business=business, platform=platform)
    ResultEntryFactory(task=post, date=datetime.date(2026, 11, 5), clicks=5, impressions=10,
                       reach=10, spend=D("9"))  # fmt: skip
    row = Task.objects.get(pk=post.pk)
    assert row.media_spend == 0 and row.total_clicks == 5 and row.cost_per_click is None


@pytest.mark.parametrize("query", ["", "?status=active&sort=-cpc", "?q=coffee", "?pace=off"])
def test_the_money_list_has_a_fixed_query_count(client_for, business, owner, query):
    platforms = [PlatformFactory(business=business), PlatformFactory(business=business, kind="x")]
    client = client_for(owner)
    counts = []
    for size in (4, 40):
        _many(business, platforms, size - Task.objects.filter(business=business).count())
        _list(client, business, query)
        with CaptureQueriesContext(connection) as captured:
            _list(client, business, query)
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_other_actors(client_for, business, editor, outsider, client, platform):
    SmmTaskFactory(business=business, platform=platform)
    url = reverse("smm_list", args=[business.pk]) + "?sort=-spend"
    assert client_for(editor).get(url).status_code == 200
    assert client_for(outsider).get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
