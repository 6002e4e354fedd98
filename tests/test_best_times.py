"""Best times to post: posts grouped by weekday and hour in the business's time zone, the
cells too thin to trust, the best free time ahead, and the page."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from planner.insights import best_times
from tests.factories import PlatformFactory, ResultEntryFactory, SmoTaskFactory

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime.datetime(2026, 11, 25, 12, tzinfo=datetime.UTC)  # a Wednesday


def post(business, platform, at, clicks=0, engagements=0, status="published"):
    task = SmoTaskFactory(business=business, platform=platform, status=status, scheduled_at=at)
    if clicks or engagements:
        ResultEntryFactory(task=task, date=at.date(), clicks=clicks, engagements=engagements)
    return task


@pytest.fixture
def fb(business):
    business.time_zone = "Europe/Berlin"
    business.save()
    return PlatformFactory(business=business, kind="facebook", handle="acme")


def test_cells_are_weekday_and_hour_in_the_business_time_zone(business, fb):
    # Sunday 23:30 UTC is Monday 00:30 in Berlin (UTC+1 in November).
    post(business, fb, datetime.datetime(2026, 11, 15, 23, 30, tzinfo=datetime.UTC), 10, 4)
    post(business, fb, datetime.datetime(2026, 11, 22, 23, 10, tzinfo=datetime.UTC), 20, 6)
    # In summer Berlin is UTC+2: 07:00 UTC on a Tuesday is 09:00.
    post(business, fb, datetime.datetime(2026, 7, 7, 7, tzinfo=datetime.UTC), 3)
    found = best_times.cells(business, fb, NOW)
    monday = found[(0, 0)]
    assert (monday.posts, monday.clicks, monday.engagements) == (2, 30, 10)
    assert monday.clicks_per_post == 15 and monday.engagements_per_post == 5
    assert found[(1, 9)].posts == 1


def test_only_published_posts_of_the_platform_in_the_window_count(business, fb, other_business):
    other = PlatformFactory(business=business, kind="x", handle="acme")
    at = datetime.datetime(2026, 11, 16, 9, tzinfo=datetime.UTC)
    post(business, fb, at, 5)
    post(business, fb, at, 50, status="scheduled")
    post(business, other, at, 50)
    post(business, fb, NOW - datetime.timedelta(days=400), 50)  # too old
    post(business, fb, NOW + datetime.timedelta(days=1), 50)  # not yet out
    stranger = PlatformFactory(business=other_business)
    post(other_business, stranger, at, 50)
    found = best_times.cells(business, fb, NOW)
    assert list(found) == [(0, 10)] and found[(0, 10)].clicks == 5


def test_at_most_the_newest_posts_count(business, fb, monkeypatch):
    monkeypatch.setattr(best_times, "MAX_POSTS", 2)
    for day in (2, 9, 16):
        post(business, fb, datetime.datetime(2026, 11, day, 9, tzinfo=datetime.UTC), day)
    (cell,) = best_times.cells(business, fb, NOW).values()
    assert (cell.posts, cell.clicks) == (2, 25)  # the 9th and the 16th


def test_thin_cells_have_no_colour_and_the_best_is_darkest():
    found = {
        (0, 9): best_times.Cell(0, 9, posts=4, clicks=40, engagements=8),
        (2, 18): best_times.Cell(2, 18, posts=3, clicks=15, engagements=30),
        (4, 12): best_times.Cell(4, 12, posts=2, clicks=200, engagements=0),
    }
    rows = best_times.grid(found, "clicks_per_post")
    shade = {(cell.weekday, cell.hour): s for _name, line in rows for cell, s in line}
    assert shade[(0, 9)] == best_times.SHADES  # 10 a post, the best with enough posts
    assert shade[(2, 18)] == round(best_times.SHADES * 5 / 10)
    assert shade[(4, 12)] is None and shade[(3, 3)] is None
    assert [(c.weekday, c.hour) for c in best_times.ranked(found)] == [(0, 9), (2, 18)]


def test_the_best_free_time_skips_a_taken_hour(business, fb):
    for day in (2, 9, 16):  # Mondays, 10:00 in Berlin: 10 clicks a post
        post(business, fb, datetime.datetime(2026, 11, day, 9, tzinfo=datetime.UTC), 10)
    for day in (4, 11, 18):  # Wednesdays, 18:00 in Berlin: 2 clicks a post
        post(business, fb, datetime.datetime(2026, 11, day, 17, tzinfo=datetime.UTC), 2)
    found = best_times.cells(business, fb, NOW)
    cell, moment = best_times.best_free_time(business, fb, NOW, found)
    assert (cell.weekday, cell.hour) == (0, 10)
    assert moment == datetime.datetime(2026, 11, 30, 10, tzinfo=BERLIN)
    # Someone has Monday 10:20 already: the Monday after.
    post(business, fb, datetime.datetime(2026, 11, 30, 9, 20, tzinfo=datetime.UTC), status="draft")
    _cell, moment = best_times.best_free_time(business, fb, NOW, found)
    assert moment == datetime.datetime(2026, 12, 7, 10, tzinfo=BERLIN)


def test_every_best_hour_taken_is_said(client_for, business, editor, fb, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    monkeypatch.setattr(best_times, "SUGGEST_DAYS", 7)
    for day in (2, 9, 16):
        post(business, fb, datetime.datetime(2026, 11, day, 9, tzinfo=datetime.UTC), 10)
    post(business, fb, datetime.datetime(2026, 11, 30, 9, 5, tzinfo=datetime.UTC), status="idea")
    found = client_for(editor).get(reverse("best_time", args=[business.pk]), {"platform": fb.pk})
    assert found.json() == {
        "value": "",
        "label": "Every hour of Facebook @acme's best times in the next 7 days has a post already.",
    }


def test_a_time_the_clocks_skip_is_not_suggested():
    """Sunday 02:00 does not exist in Berlin on 2027-03-28."""
    cell = best_times.Cell(6, 2, posts=5, clicks=50)
    now = datetime.datetime(2027, 3, 25, 12, tzinfo=datetime.UTC)
    moments = [m for _c, m in best_times.candidates({(6, 2): cell}, now, BERLIN)]
    assert datetime.date(2027, 3, 28) not in [m.date() for m in moments]
    assert moments[0].date() == datetime.date(2027, 4, 4)


def test_the_button_answers_the_best_free_time(client_for, business, editor, fb, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    url = reverse("best_time", args=[business.pk])
    client = client_for(editor)
    assert "too few published posts" in client.get(url, {"platform": fb.pk}).json()["label"]
    for day in (2, 9, 16):
        post(business, fb, datetime.datetime(2026, 11, day, 9, tzinfo=datetime.UTC), 10, 3)
    found = client.get(url, {"platform": fb.pk}).json()
    assert found["value"] == "2026-11-30T10:00"
    assert found["label"] == "Mon 30 Nov 10:00: 10.0 clicks and 3.0 engagements per post (3 posts)"


def test_the_page_shows_both_maps(client_for, business, viewer, fb):
    for day in (2, 9, 16):
        post(business, fb, datetime.datetime(2026, 11, day, 9, tzinfo=datetime.UTC), 10, 3)
    html = client_for(viewer).get(reverse("insights_times", args=[business.pk])).content.decode()
    assert 'data-testid="heat-clicks"' in html and 'data-testid="heat-engagements"' in html
    assert "heat-5" in html and "Monday 10:00" in html


def test_another_business_platform_is_a_404(client_for, business, owner, other_business):
    theirs = PlatformFactory(business=other_business)
    client = client_for(owner)
    url = reverse("insights_times", args=[business.pk])
    assert client.get(url, {"platform": theirs.pk}).status_code == 404
    url = reverse("best_time", args=[business.pk])
    assert client.get(url, {"platform": theirs.pk}).status_code == 404
    assert client.get(url, {"platform": "x"}).status_code == 404


@pytest.mark.parametrize("posts", [3, 60])
def test_the_page_reads_a_fixed_number_of_queries(
    client_for, business, owner, fb, posts, django_assert_num_queries
):
    for n in range(posts):
        post(business, fb, NOW - datetime.timedelta(hours=7 * n + 1), 3)
    client = client_for(owner)
    url = reverse("insights_times", args=[business.pk])
    client.get(url)
    # session, user, membership, the first platform, the window's start, the cells, the
    # platform choices, navbar
    with django_assert_num_queries(8):
        client.get(url)
