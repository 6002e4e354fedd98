"""Sortable columns on the SMO and SMM lists: every sort in both directions gives the rows in
that order (empty values last either way, ties by id), an unknown sort is the default order,
the headers say which column is sorted, the filters keep the sort, the export follows it, and
a sorted page costs the same number of queries at two sizes."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planner import list_sorts
from planner.models import SORTED_EMPTY_LAST, Kind, Task
from tests.factories import ResultEntryFactory, SmmTaskFactory, SmoTaskFactory

D = Decimal
MOMENT = datetime.datetime(2026, 11, 20, 9, tzinfo=datetime.UTC)


def _ads(business, platform):
    """Ads with distinct figures, some without clicks, impressions or a budget (empty KPIs)."""
    specs = [
        # title, budget, clicks, impressions, conversions, spend, status, hours
        ("Beans", D("10"), 40, 1000, 4, D("30"), "active", D("2")),
        ("Cups", D("5"), 0, 0, 0, D("0"), "draft", D("1")),
        ("Aprons", None, 10, 200, 0, D("12.5"), "paused", D("3")),
        ("Mugs", D("50"), 5, 5000, 1, D("80"), "active", D("0.5")),
        ("Grinders", D("20"), 40, 800, 2, D("10"), "completed", D("2")),
    ]
    ads = []
    for n, (title, budget, clicks, impressions, conversions, spend, status, hours) in enumerate(
        specs
    ):
        ad = SmmTaskFactory(
            business=business,
            platform=platform,
            title=title,
            status=status,
            budget_amount=budget,
            estimated_hours=hours,
            flight_start=None if budget is None else datetime.date(2026, 11, 1 + n),
            flight_end=None if budget is None else datetime.date(2026, 11, 20),
        )
        if impressions:
            ResultEntryFactory(
                task=ad,
                date=datetime.date(2026, 11, 10),
                impressions=impressions,
                reach=impressions,
                clicks=clicks,
                conversions=conversions,
                spend=spend,
            )
        ads.append(ad)
    return ads


def _posts(business, platform):
    times = [MOMENT, None, MOMENT + datetime.timedelta(days=2), MOMENT, None]
    return [
        SmoTaskFactory(
            business=business,
            platform=platform,
            title=title,
            status=status,
            scheduled_at=when,
            estimated_hours=D(hours),
        )
        for title, status, when, hours in zip(
            ["Zebra", "Apple", "Mango", "Kiwi", "Banana"],
            ["scheduled", "idea", "scheduled", "draft", "idea"],
            times,
            ["1", "2", "1", "0.25", "4"],
            strict=True,
        )
    ]


def _expected(kind, key, descending, tasks):
    """The order a sort must give, computed in Python from the rows themselves. (Within one
    status the second column is never empty for some rows and set for others here: where
    the databases put empty values there differs, and the page does not promise it.)"""
    first, *rest = list_sorts.SORTS[kind][key].columns
    rows = [Task.objects.get(pk=task.pk) for task in tasks]

    def order(row):
        return (*((getattr(row, c) is None, getattr(row, c)) for c in rest), row.pk)

    filled = sorted(
        (row for row in rows if getattr(row, first) is not None),
        key=lambda row: (getattr(row, first), order(row)),
        reverse=descending,
    )
    empty = sorted((row for row in rows if getattr(row, first) is None), key=order,
                   reverse=descending)  # fmt: skip
    return [row.pk for row in filled + empty]


def _shown(client, business, kind, sort):
    url = reverse(f"{kind}_list", args=[business.pk]) + f"?sort={sort}"
    response = client.get(url)
    assert response.status_code == 200
    return [task.pk for task in response.context["page"].object_list]


@pytest.mark.parametrize(
    ("kind", "key"),
    [(Kind.SMO, key) for key in list_sorts.SORTS[Kind.SMO]]
    + [(Kind.SMM, key) for key in list_sorts.SORTS[Kind.SMM]],
)
@pytest.mark.parametrize("descending", [False, True])
def test_every_sort_gives_its_order(client_for, business, viewer, platform, kind, key, descending):
    tasks = _posts(business, platform) if kind == Kind.SMO else _ads(business, platform)
    shown = _shown(client_for(viewer), business, kind, f"{'-' if descending else ''}{key}")
    assert shown == _expected(kind, key, descending, tasks)


def test_empty_values_go_last_in_both_directions(client_for, business, viewer, platform):
    ads = _ads(business, platform)
    client = client_for(viewer)
    no_clicks = ads[1].pk  # "Cups": no impressions, so no CTR and no CPC
    assert _shown(client, business, Kind.SMM, "cpc")[-1] == no_clicks
    assert _shown(client, business, Kind.SMM, "-cpc")[-1] == no_clicks
    no_budget = ads[2].pk
    assert _shown(client, business, Kind.SMM, "budget")[-1] == no_budget
    assert _shown(client, business, Kind.SMM, "-budget")[-1] == no_budget


def test_the_figures_sorted_by_are_the_ads_own(business, platform):
    ads = _ads(business, platform)
    beans = Task.objects.get(pk=ads[0].pk)
    assert beans.total_clicks == 40 and beans.media_spend == D("30")
    assert beans.cost_per_click == pytest.approx(0.75)
    assert beans.click_through_rate == pytest.approx(0.04)
    assert beans.cost_per_conversion == pytest.approx(7.5)
    assert beans.budget_total == D("10") * 20  # daily, 1 to 20 November
    assert beans.budget_spent == pytest.approx(30 / 200)


@pytest.mark.parametrize("sort", ["", "nonsense", "-", "--clicks", "pk", "-created_at", "cpc"])
def test_an_unknown_sort_is_the_default_order(client_for, business, viewer, platform, sort):
    posts = _posts(business, platform)
    shown = _shown(client_for(viewer), business, Kind.SMO, sort)
    assert shown == [post.pk for post in reversed(posts)]  # newest first


def test_headers_say_which_column_is_sorted_and_toggle(client_for, business, viewer, platform):
    _ads(business, platform)
    client = client_for(viewer)
    url = reverse("smm_list", args=[business.pk])
    html = client.get(url + "?sort=-clicks&status=active").content.decode()
    assert 'aria-sort="descending"' in html
    assert html.count("aria-sort=") == 1
    # The sorted column's link turns it round; another figure's sorts high to low first, and
    # the links keep the filters.
    assert "?sort=clicks&amp;status=active" in html or "?status=active&amp;sort=clicks" in html
    assert "sort=-spend" in html and "sort=title" in html
    # The filter form keeps the sort when the filters change.
    assert '<input type="hidden" name="sort" value="-clicks">' in html


def test_the_export_follows_the_sort(client_for, business, viewer, platform):
    ads = _ads(business, platform)
    response = client_for(viewer).get(reverse("smm_export", args=[business.pk]) + "?sort=-spend")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    by_spend = sorted(ads, key=lambda ad: (Task.objects.get(pk=ad.pk).media_spend, ad.pk))
    assert [row["title"] for row in rows] == [ad.title for ad in reversed(by_spend)]


@pytest.mark.parametrize("sort", ["title", "-scheduled", "status", "-hours"])
def test_a_sorted_post_list_has_a_fixed_query_count(client_for, business, owner, platform, sort):
    client = client_for(owner)
    url = reverse("smo_list", args=[business.pk]) + f"?sort={sort}"
    counts = []
    for size in (3, 40):
        while Task.objects.filter(business=business).count() < size:
            SmoTaskFactory(business=business, platform=platform, scheduled_at=MOMENT)
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_the_empty_last_columns_are_the_sorts_that_say_so():
    for kind in Kind.values:
        declared = {s.columns[0] for s in list_sorts.SORTS[kind].values() if s.empty_last}
        assert declared == set(SORTED_EMPTY_LAST[kind])


def test_a_capped_list_sorts_its_newest_matches(
    client_for, business, viewer, platform, monkeypatch
):
    """A search or "off pace" that matches more than MATCHES_COUNTED lists the newest that
    many: a sort orders those (a bounded read at any size), and the totals are theirs."""
    from planner.views import tasks as task_views

    monkeypatch.setattr(task_views, "MATCHES_COUNTED", 3)
    hours = ["5", "1", "4", "2", "3"]  # oldest first
    posts = [
        SmoTaskFactory(
            business=business, platform=platform, title=f"Launch {n}", estimated_hours=D(h)
        )  # fmt: skip
        for n, h in enumerate(hours)
    ]
    response = client_for(viewer).get(
        reverse("smo_list", args=[business.pk]) + "?q=launch&sort=-hours"
    )
    shown = [task.pk for task in response.context["page"].object_list]
    newest = posts[-3:]  # hours 4, 2, 3
    assert shown == [newest[0].pk, newest[2].pk, newest[1].pk]
    assert response.context["capped"] and response.context["totals"]["estimated_hours"] == 9
    assert "sorted, and totals the newest 3" in response.content.decode()
