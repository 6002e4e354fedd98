"""The results grid: days × figures edited in place and saved together, all or nothing, with
each refused row's errors in that row; the rollups and the task's sums stay exact; a save's
queries grow only by the rollup rows of its days."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planner import rollups
from planner.models import DailyRollup, ResultEntry, Task
from tests.factories import ResultEntryFactory, SmmTaskFactory, SmoTaskFactory

NOV = datetime.date(2026, 11, 1)


def _url(business, task, query=""):
    return reverse("results_grid", args=[business.pk, task.pk]) + query


def _rolled(business):
    """The daily rollups' results (a row moved to zero is the same as no row)."""
    rows = DailyRollup.objects.filter(business=business).values_list("date", "clicks", "spend")
    return sorted(row for row in rows if row[1] or row[2])


def _day(n):
    return NOV + datetime.timedelta(days=n)


@pytest.fixture
def ad(business, platform):
    return SmmTaskFactory(business=business, platform=platform)  # flight: November


def test_the_grid_shows_the_flight_with_the_saved_days(client_for, business, editor, ad):
    ResultEntryFactory(task=ad, date=_day(4), impressions=500, reach=300, clicks=20,
                       spend=Decimal("12.50"))  # fmt: skip
    response = client_for(editor).get(_url(business, ad))
    assert response.status_code == 200
    grid = response.context["grid"]
    assert [row["date"] for row in grid] == [_day(n) for n in range(30)]
    html = response.content.decode()
    assert 'name="2026-11-05-clicks" value="20"' in html
    assert 'name="2026-11-05-spend" value="12.50"' in html
    assert 'name="2026-11-06-clicks" value=""' in html


def test_a_post_has_no_spend_column(client_for, business, editor, platform):
    post = SmoTaskFactory(business=business, platform=platform)
    html = client_for(editor).get(_url(business, post)).content.decode()
    assert "-spend" not in html and "-clicks" in html


def test_edit_in_place_and_add_days_at_once(client_for, business, editor, ad):
    ResultEntryFactory(task=ad, date=_day(4), impressions=500, reach=300, clicks=20,
                       spend=Decimal("12.50"))  # fmt: skip
    data = {
        "2026-11-05-impressions": "600", "2026-11-05-reach": "300", "2026-11-05-clicks": "25",
        "2026-11-05-spend": "15",
        "2026-11-06-impressions": "1,000", "2026-11-06-clicks": "30", "2026-11-06-spend": "9.99",
    }  # fmt: skip
    response = client_for(editor).post(_url(business, ad), data)
    assert response.status_code == 302, [
        r["errors"] for r in response.context["grid"] if r["errors"]
    ]
    days = {row.date: row for row in ResultEntry.objects.filter(task=ad)}
    assert (days[_day(4)].clicks, days[_day(4)].spend) == (25, Decimal("15.00"))
    assert (days[_day(5)].impressions, days[_day(5)].reach) == (1000, 0)
    assert Task.objects.get(pk=ad.pk).media_spend == Decimal("24.99")
    rolled = _rolled(business)
    rollups.refresh(business.pk)
    assert _rolled(business) == rolled
    message = client_for(editor).get(response.url).content.decode()
    assert "Saved 2 day(s) of results (1 added, 1 changed)." in message


def test_all_or_nothing_with_the_errors_in_their_rows(client_for, business, editor, ad):
    data = {
        "2026-11-02-impressions": "100", "2026-11-02-clicks": "5",  # fine
        "2026-11-03-impressions": "10", "2026-11-03-clicks": "500",  # impossible
        "2026-11-04-clicks": "abc",
    }  # fmt: skip
    response = client_for(editor).post(_url(business, ad), data)
    assert response.status_code == 400
    assert not ResultEntry.objects.exists()
    rows = {row["date"]: row for row in response.context["grid"]}
    assert rows[_day(1)]["errors"] == []
    assert any("Clicks" in line for line in rows[_day(2)]["errors"])
    assert any("Enter a whole number" in line for line in rows[_day(3)]["errors"])
    html = response.content.decode()
    assert 'name="2026-11-03-clicks" value="500"' in html  # what was typed stays
    assert 'aria-invalid="true" aria-describedby="grid-error-20261103"' in html


def test_a_blank_grid_says_what_to_do(client_for, business, editor, ad):
    response = client_for(editor).post(_url(business, ad), {})
    assert response.status_code == 400
    assert "Type or paste the figures of at least one day." in response.content.decode()


@pytest.mark.parametrize(
    "query", ["?start=bad&days=x", "?start=9999-01-01", "?days=100000", "?days=-3"]
)
def test_a_bad_window_falls_back(client_for, business, editor, ad, query):
    response = client_for(editor).get(_url(business, ad, query))
    assert response.status_code == 200
    assert 1 <= len(response.context["grid"]) <= 120


def test_a_saves_queries_grow_by_its_rollup_days_only(client_for, business, editor, platform):
    ad = SmmTaskFactory(business=business, platform=platform, flight_start=NOV,
                        flight_end=NOV + datetime.timedelta(days=89))  # fmt: skip
    client = client_for(editor)
    counts = []
    for days in (10, 90):
        data = {f"{_day(n)}-clicks": str(n + 1) for n in range(days)}
        data |= {f"{_day(n)}-impressions": str(10 * (n + 1)) for n in range(days)}
        with CaptureQueriesContext(connection) as captured:
            assert client.post(_url(business, ad, "?days=90"), data).status_code == 302
        counts.append(len(captured))
    # The days are written in a few statements; what grows is one rollup row per day moved
    # (its day and month, as every results write does): at most 3 queries a day.
    assert counts[1] - counts[0] <= 3 * 80, counts
    assert ResultEntry.objects.filter(task=ad).count() == 90


def test_other_actors(client_for, business, viewer, outsider, client, ad):
    data = {"2026-11-02-clicks": "1", "2026-11-02-impressions": "2"}
    assert client_for(viewer).get(_url(business, ad)).status_code == 403
    assert client_for(viewer).post(_url(business, ad), data).status_code == 403
    assert client_for(outsider).post(_url(business, ad), data).status_code == 404
    client.logout()
    assert client.post(_url(business, ad), data).status_code == 302
    assert not ResultEntry.objects.exists()


def test_the_save_keeps_the_window_it_was_shown(client_for, business, editor, platform):
    """The grid posts to its own window (start and days), so a save after midnight, or of an
    earlier window, writes the days that were on the screen."""
    post = SmoTaskFactory(business=business, platform=platform)
    html = client_for(editor).get(_url(business, post, "?start=2026-03-01&days=5")).content.decode()
    assert 'action="?start=2026-03-01&amp;days=5"' in html
    data = {"2026-03-01-clicks": "2", "2026-03-01-impressions": "4"}
    response = client_for(editor).post(_url(business, post, "?start=2026-03-01&days=5"), data)
    assert response.status_code == 302
    assert ResultEntry.objects.get(task=post).date == datetime.date(2026, 3, 1)
