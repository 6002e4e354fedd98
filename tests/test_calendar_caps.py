"""The calendar shows a few items per day and week, counts the rest in the database ("+K
more" from CalendarTally), and the week view pages through them: a page never grows with the
number of tasks."""

import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from planner.views.calendar import MONTH_BARS_SHOWN, MONTH_POSTS_SHOWN, WEEK_SHOWN
from tests.factories import PlatformFactory, SmmTaskFactory, SmoTaskFactory
from tests.test_calendar import DEC, at, bars, cal_url, days


def posts_on(business, platform, day, count, hour=8):
    for n in range(count):
        SmoTaskFactory(
            business=business, platform=platform, title=f"Post {day:%d}-{n:02}",
            scheduled_at=at(day, hour, n),
        )  # fmt: skip


def titles(cell):
    return re.findall(r'<span class="cal-title">([^<]+)</span>', cell)


def test_the_month_shows_the_first_posts_of_a_busy_day_and_counts_the_rest(
    client_for, business, editor, platform
):
    posts_on(business, platform, DEC(9), MONTH_POSTS_SHOWN + 3)
    html = client_for(editor).get(cal_url(business, date="2026-12-09")).content.decode()
    cell = days(html)["2026-12-09"]
    assert titles(cell) == [f"Post 09-{n:02}" for n in range(MONTH_POSTS_SHOWN)]  # by time
    assert "+3 more posts" in cell


def test_more_counts_follow_the_filters(client_for, business, editor, platform):
    other = PlatformFactory(business=business)
    posts_on(business, platform, DEC(9), 6)
    posts_on(business, other, DEC(9), 2, hour=6)
    client = client_for(editor)
    html = client.get(cal_url(business, date="2026-12-09", platform=platform.pk)).content.decode()
    cell = days(html)["2026-12-09"]
    assert titles(cell) == [f"Post 09-{n:02}" for n in range(4)] and "+2 more posts" in cell
    html = client.get(cal_url(business, date="2026-12-09", kind="smm")).content.decode()
    assert "calendar-post" not in days(html)["2026-12-09"]


def test_the_week_view_pages_through_a_busy_day(client_for, business, editor, platform):
    posts_on(business, platform, DEC(9), WEEK_SHOWN + 5)
    client = client_for(editor)
    html = client.get(cal_url(business, view="week", date="2026-12-09")).content.decode()
    cell = days(html)["2026-12-09"]
    assert len(titles(cell)) == WEEK_SHOWN and "+5 more posts" in cell
    assert 'data-testid="week-pages"' in html and "More items" in html

    html = client.get(cal_url(business, view="week", date="2026-12-09", page=2)).content.decode()
    cell = days(html)["2026-12-09"]
    assert titles(cell) == [f"Post 09-{n:02}" for n in range(WEEK_SHOWN, WEEK_SHOWN + 5)]
    assert "more posts" not in cell and "Earlier items" in html and "More items" not in html
    # A page past the end is empty, and a page that is not a number is the first.
    html = client.get(cal_url(business, view="week", date="2026-12-09", page=9)).content.decode()
    assert titles(days(html)["2026-12-09"]) == []
    html = client.get(cal_url(business, view="week", date="2026-12-09", page="x")).content.decode()
    assert len(titles(days(html)["2026-12-09"])) == WEEK_SHOWN


def test_a_busy_week_shows_running_flights_first_and_counts_the_rest(
    client_for, business, editor, platform
):
    def ad(title, start, end):
        return SmmTaskFactory(
            business=business, platform=platform, title=title, flight_start=start, flight_end=end
        ).pk

    # The week of Mon 7 December: two flights carried in, seven starting in it.
    old = ad("running since November", datetime.date(2026, 11, 20), DEC(8))
    recent = ad("running since Friday", DEC(4), DEC(10))
    ad("ended before", DEC(1), DEC(6))
    starting = [ad(f"starts {n}", DEC(7 + n % 7), DEC(13)) for n in range(7)]
    client = client_for(editor)
    html = client.get(cal_url(business, date="2026-12-09")).content.decode()
    week = html.split('aria-label="Paid ad flights in the week of 7 December"')[1].split("</ul>")[0]
    shown = [int(pk) for pk in re.findall(r'data-task="(\d+)"', week)]
    assert len(shown) == MONTH_BARS_SHOWN
    assert shown[:2] == [old, recent]  # by first day; both carried in
    assert shown[2:] == starting[:4]
    assert f"+{2 + 7 - MONTH_BARS_SHOWN} more ad flights this week" in week

    html = client.get(cal_url(business, view="week", date="2026-12-09")).content.decode()
    assert set(bars(html)) == {old, recent, *starting}  # 9 fit on one week page


def test_the_query_count_is_the_same_for_a_quiet_and_a_crowded_month(
    client_for, business, editor, platform
):
    client = client_for(editor)
    url = cal_url(business, date="2026-12-09")
    posts_on(business, platform, DEC(9), 1)
    SmmTaskFactory(business=business, platform=platform, flight_start=DEC(2), flight_end=DEC(3))
    client.get(url)
    counts = []
    for extra in (0, 30):
        for day in (3, 9, 16):
            posts_on(business, platform, DEC(day), extra // 3, hour=12)
        for n in range(extra // 3):
            SmmTaskFactory(
                business=business, platform=platform, flight_start=DEC(1 + n), flight_end=DEC(20)
            )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
