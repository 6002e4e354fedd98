"""The content calendar: month and week views, filters, moving a post, and access."""

import datetime
import re
import zoneinfo
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from planner import calendar_feed, calendar_page
from planner.models import DailyRollup, Task
from tests.factories import (
    CampaignFactory,
    PlatformFactory,
    SmmTaskFactory,
    SmoTaskFactory,
)

AUCKLAND = zoneinfo.ZoneInfo("Pacific/Auckland")
D = Decimal


def at(day, hour, minute=0, tz=datetime.UTC):
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)


def nz(day, hour, minute=0):
    """A time in Auckland (UTC+13 in December): the business's time in most tests."""
    return at(day, hour, minute, tz=AUCKLAND)


def DEC(day):  # noqa: N802 - reads like a date
    return datetime.date(2026, 12, day)


def days(html):
    """{"YYYY-MM-DD": the HTML of that day's cell} for every day the page shows."""
    starts = list(re.finditer(r'<div class="cal-day[^"]*" data-date="([\d-]+)"', html))
    cells = {}
    for match, following in zip(starts, [*starts[1:], None], strict=True):
        cell = html[match.start() : following.start() if following else len(html)]
        cells[match.group(1)] = cell.split('<div class="cal-week"')[0]
    return cells


def bars(html):
    """{task id: the bar's classes} for the ad bars of the page (one per task and week)."""
    found = {}
    for classes, pk in re.findall(r'<li class="cal-bar ([^"]*)" data-task="(\d+)"', html):
        found.setdefault(int(pk), []).append(classes.split())
    return found


def cal_url(business, **query):
    url = reverse("calendar", args=[business.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def auckland(business):
    business.time_zone = "Pacific/Auckland"
    business.save()
    return business


# --- Where things go -------------------------------------------------------------------------


def test_month_puts_posts_on_their_local_day(client_for, auckland, editor, platform):
    # 00:30 on 9 December in Auckland is still 8 December in UTC.
    post = SmoTaskFactory(
        business=auckland, platform=platform, title="Early bird", scheduled_at=nz(DEC(9), 0, 30)
    )
    assert post.scheduled_at.astimezone(datetime.UTC).date() == DEC(8)

    response = client_for(editor).get(cal_url(auckland, view="month", date="2026-12-01"))

    assert response.status_code == 200
    cells = days(response.content.decode())
    assert list(cells)[0] == "2026-11-30" and list(cells)[-1] == "2027-01-03"  # Mon to Sun
    assert "Early bird" in cells["2026-12-09"]
    assert "Early bird" not in cells["2026-12-08"]
    assert ">00:30<" in cells["2026-12-09"]  # shown in the business's time
    assert reverse("smo_detail", args=[auckland.pk, post.pk]) in cells["2026-12-09"]


def test_week_loads_only_its_own_local_days(client_for, auckland, editor, platform):
    def post(title, moment):
        SmoTaskFactory(business=auckland, platform=platform, title=title, scheduled_at=moment)

    post("Sunday night before", nz(DEC(6), 23, 30))
    post("Monday dawn", nz(DEC(7), 0, 30))  # 6 December, 11:30 in UTC
    post("Sunday night", nz(DEC(13), 23, 59))
    post("Next Monday", nz(DEC(14), 0, 30))

    html = client_for(editor).get(cal_url(auckland, view="week", date="2026-12-10")).content
    html = html.decode()
    cells = days(html)

    assert list(cells) == [f"2026-12-{d:02}" for d in range(7, 14)]
    assert "Monday dawn" in cells["2026-12-07"]
    assert "Sunday night" in cells["2026-12-13"]
    assert "Sunday night before" not in html and "Next Monday" not in html
    assert "7–13 December 2026" in html


def test_ads_are_bars_across_their_flight(client_for, business, editor, platform):
    inside = SmmTaskFactory(
        business=business, platform=platform, title="Mid-week ad",
        flight_start=DEC(9), flight_end=DEC(11),
    )  # fmt: skip
    across = SmmTaskFactory(
        business=business, platform=platform, title="Long ad",
        flight_start=DEC(1), flight_end=DEC(20),
    )  # fmt: skip
    SmmTaskFactory(
        business=business, platform=platform, title="Finished ad",
        flight_start=DEC(1), flight_end=DEC(6),
    )  # fmt: skip

    html = client_for(editor).get(cal_url(business, view="week", date="2026-12-07")).content
    html = html.decode()
    found = bars(html)

    assert found[inside.pk] == [["plat-facebook", "cal-s3", "cal-w3"]]  # Wed to Fri
    assert found[across.pk] == [
        ["plat-facebook", "cal-s1", "cal-w7", "cal-cont-before", "cal-cont-after"]
    ]
    assert "Finished ad" not in html
    assert reverse("smm_detail", args=[business.pk, inside.pk]) in html
    # On a phone the bars give way to one entry in the week's list, none on the days.
    assert not [day for day, cell in days(html).items() if "Mid-week ad" in cell]
    lists = html.split('data-testid="week-ads"')[1:]
    assert sum("Mid-week ad" in week.split("</ul>")[0] for week in lists) == 1


def test_month_bars_are_cut_at_week_ends(client_for, business, editor, platform):
    ad = SmmTaskFactory(
        business=business, platform=platform, flight_start=DEC(10), flight_end=DEC(16)
    )
    html = client_for(editor).get(cal_url(business, view="month", date="2026-12-05")).content
    assert bars(html.decode())[ad.pk] == [
        ["plat-facebook", "cal-s4", "cal-w4", "cal-cont-after"],  # Thu 10 to Sun 13
        ["plat-facebook", "cal-s1", "cal-w3", "cal-cont-before"],  # Mon 14 to Wed 16
    ]


def test_items_show_platform_and_kind_in_words(client_for, business, editor):
    instagram = PlatformFactory(business=business, kind="instagram", handle="acme.ig")
    SmoTaskFactory(business=business, platform=instagram, scheduled_at=at(DEC(3), 9))
    SmmTaskFactory(business=business, platform=instagram, flight_start=DEC(3), flight_end=DEC(3))

    html = client_for(editor).get(cal_url(business, date="2026-12-01")).content.decode()
    cell = days(html)["2026-12-03"]

    assert 'class="cal-item cal-post plat-instagram"' in cell
    assert '<span class="badge text-bg-success">SMO</span>' in cell
    week_ads = html.split('data-testid="week-ads"')[1].split("</ul>")[0]
    assert '<span class="badge text-bg-primary">SMM</span>' in week_ads
    assert "Instagram" in cell and "Instagram" in week_ads
    assert "SMO</span> organic post" in html  # the legend says what the badges mean


def test_today_is_marked(client_for, auckland, viewer):
    today = timezone.localdate(timezone=AUCKLAND)
    html = client_for(viewer).get(cal_url(auckland)).content.decode()  # this month by default
    cells = days(html)

    assert 'aria-current="date"' in cells[today.isoformat()]
    assert ">Today</span>" in cells[today.isoformat()]
    assert html.count('aria-current="date"') == 1


def test_previous_and_next_keep_the_view_and_filters(client_for, business, editor, platform):
    response = client_for(editor).get(
        cal_url(business, view="month", date="2026-12-17", platform=platform.pk)
    )
    html = response.content.decode()
    assert f"?view=month&amp;date=2026-11-01&amp;platform={platform.pk}" in html
    assert f"?view=month&amp;date=2027-01-01&amp;platform={platform.pk}" in html

    html = client_for(editor).get(cal_url(business, view="week", date="2026-12-17")).content
    html = html.decode()
    assert "December 2026" in html
    assert f'href="/b/{business.pk}/calendar/?view=week&amp;date=2026-12-07"' in html
    assert f'href="/b/{business.pk}/calendar/?view=week&amp;date=2026-12-21"' in html
    assert "Previous week" in html and "Next week" in html


def test_month_view_sends_busy_days_to_the_week(client_for, business, editor, platform):
    for hour in range(9, 15):
        SmoTaskFactory(business=business, platform=platform, scheduled_at=at(DEC(3), hour))
    html = client_for(editor).get(cal_url(business, date="2026-12-01")).content.decode()
    cell = days(html)["2026-12-03"]
    assert cell.count('data-testid="calendar-post"') == 4
    assert "+2 more posts" in cell and "view=week&amp;date=2026-12-03" in cell
    week = client_for(editor).get(cal_url(business, view="week", date="2026-12-03")).content
    assert days(week.decode())["2026-12-03"].count('data-testid="calendar-post"') == 6


def test_month_view_sends_busy_weeks_of_ads_to_the_week(client_for, business, editor, platform):
    ads = [
        SmmTaskFactory(business=business, platform=platform, flight_start=DEC(8), flight_end=DEC(9))
        for _ in range(8)
    ]
    client = client_for(editor)
    html = client.get(cal_url(business, date="2026-12-01")).content.decode()
    assert sum(len(found) for found in bars(html).values()) == 6
    assert "+2 more ad flights this week" in html
    # On a phone the week's flights are listed once above its days, none on the days.
    assert 'data-testid="calendar-ad"' not in days(html)["2026-12-08"]
    week = html.split('data-testid="week-ads"')[1].split("</ul>")[0]  # the only week with ads
    assert week.count('data-testid="calendar-ad"') == 6 and "+2 more ad flights" in week

    html = client.get(cal_url(business, view="week", date="2026-12-08")).content.decode()
    assert set(bars(html)) == {ad.pk for ad in ads} and "more ad flights" not in html
    assert html.count('data-testid="calendar-ad"') == 8


# --- Filters ---------------------------------------------------------------------------------


@pytest.fixture
def mixed(business, platform, campaign):
    linkedin = PlatformFactory(business=business, kind="linkedin", handle="acme-li")
    other_campaign = CampaignFactory(business=business, name="Autumn")
    return {
        "fb_post": SmoTaskFactory(
            business=business, platform=platform, campaign=campaign, title="FB post",
            status="scheduled", scheduled_at=at(DEC(2), 9),
        ),
        "li_post": SmoTaskFactory(
            business=business, platform=linkedin, campaign=other_campaign, title="LI post",
            status="draft", scheduled_at=at(DEC(3), 9),
        ),
        "fb_ad": SmmTaskFactory(
            business=business, platform=platform, campaign=other_campaign, title="FB ad",
            status="active", flight_start=DEC(4), flight_end=DEC(5),
        ),
        "linkedin": linkedin,
        "autumn": other_campaign,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ({}, {"FB post", "LI post", "FB ad"}),
        ({"platform": "fb"}, {"FB post", "FB ad"}),
        ({"platform": "li"}, {"LI post"}),
        ({"campaign": "autumn"}, {"LI post", "FB ad"}),
        ({"kind": "smo"}, {"FB post", "LI post"}),
        ({"kind": "smm"}, {"FB ad"}),
        ({"status": "draft"}, {"LI post"}),
        ({"status": "active"}, {"FB ad"}),
        ({"kind": "smo", "platform": "fb"}, {"FB post"}),
    ],
)
def test_filters(client_for, business, editor, platform, mixed, query, shown):
    ids = {"fb": platform.pk, "li": mixed["linkedin"].pk, "autumn": mixed["autumn"].pk}
    query = {key: ids.get(value, value) for key, value in query.items()}
    response = client_for(editor).get(cal_url(business, date="2026-12-01", **query))
    html = response.content.decode()
    assert response.status_code == 200
    assert {title for title in ("FB post", "LI post", "FB ad") if title in html} == shown


def test_filters_offer_only_the_business_rows(client_for, business, editor, mixed, outsider):
    other = outsider.memberships.get().business
    secret_platform = PlatformFactory(business=other, kind="facebook", handle="rival-secret")
    secret_campaign = CampaignFactory(business=other, name="Rival secret plan")
    SmoTaskFactory(
        business=other, platform=secret_platform, campaign=secret_campaign,
        title="Rival secret post", scheduled_at=at(DEC(2), 9),
    )  # fmt: skip

    html = client_for(editor).get(cal_url(business, date="2026-12-01")).content.decode()
    assert "acme-li" in html and "Autumn" in html  # the business's own choices
    assert "rival-secret" not in html and "Rival secret" not in html

    # Another business's ids are "not a valid choice": nothing of theirs shows, nothing is
    # filtered by them, and the page says what is wrong.
    response = client_for(editor).get(
        cal_url(
            business, date="2026-12-01", platform=secret_platform.pk, campaign=secret_campaign.pk
        )
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Select a valid choice" in html
    assert "Rival secret" not in html and "rival-secret" not in html
    assert "FB post" in html and "LI post" in html
    assert f"platform={secret_platform.pk}" not in html  # the links keep valid filters only


def test_bad_date_falls_back_to_today_with_a_message(client_for, business, editor):
    response = client_for(editor).get(cal_url(business, date="2026-02-31", view="decade"))
    # An unknown view is the month view; a date that does not exist is an error.
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a valid date" in html
    assert timezone.localdate().strftime("%B %Y") in html  # the month view of today


def test_far_away_dates_are_refused(client_for, business, editor):
    response = client_for(editor).get(cal_url(business, date="9999-12-31"))
    assert response.status_code == 400
    assert "Choose a date between 2000 and 2100" in response.content.decode()


# --- New post on an empty day ----------------------------------------------------------------


def test_empty_days_offer_a_new_post_to_editors(client_for, business, editor, platform):
    SmoTaskFactory(business=business, platform=platform, scheduled_at=at(DEC(9), 10))
    cells = days(client_for(editor).get(cal_url(business, date="2026-12-01")).content.decode())
    link = reverse("smo_create", args=[business.pk]) + "?scheduled_at=2026-12-10T09:00"

    assert link in cells["2026-12-10"] and "New SMO post here" in cells["2026-12-10"]
    assert "New SMO post here" not in cells["2026-12-09"]  # it has a post


def test_viewers_get_no_new_post_link_nor_move_form(client_for, business, viewer, platform):
    SmoTaskFactory(business=business, platform=platform, scheduled_at=at(DEC(9), 10))
    html = client_for(viewer).get(cal_url(business, date="2026-12-01")).content.decode()
    assert "New SMO post here" not in html
    assert "calendar/reschedule" not in html and 'name="scheduled_at"' not in html


def test_new_post_link_fills_the_publish_time(client_for, business, editor, platform):
    url = reverse("smo_create", args=[business.pk]) + "?scheduled_at=2026-12-10T09:00"
    html = client_for(editor).get(url).content.decode()
    assert 'value="2026-12-10T09:00"' in html


# --- Moving a post ---------------------------------------------------------------------------


@pytest.fixture
def scheduled_post(auckland, platform):
    return SmoTaskFactory(
        business=auckland,
        platform=platform,
        title="Roast day",
        status="scheduled",
        scheduled_at=nz(DEC(9), 10),
        production_cost=D("30.00"),
    )


def production_cost_on(business, day):
    rows = DailyRollup.objects.filter(business=business, date=day)
    return rows.aggregate(total=Sum("production_cost"))["total"] or D("0")


def move(client, post, when, next_url=None, business=None):
    business = business or post.business
    data = {"scheduled_at": when}
    if next_url is not None:
        data["next"] = next_url
    return client.post(reverse("calendar_reschedule", args=[business.pk, post.pk]), data)


def test_editor_moves_a_post_and_the_dashboard_follows(client_for, editor, scheduled_post):
    business = scheduled_post.business
    back = cal_url(business, view="week", date="2026-12-07", kind="smo")
    assert production_cost_on(business, DEC(9)) == D("30.00")
    version = scheduled_post.version

    response = move(client_for(editor), scheduled_post, "2026-12-15T08:15", back)

    assert response.status_code == 302 and response.url == back
    scheduled_post.refresh_from_db()
    assert scheduled_post.scheduled_at == nz(DEC(15), 8, 15)
    assert scheduled_post.work_date == DEC(15)
    assert scheduled_post.version == version + 1  # an edit opened before the move is refused
    assert (scheduled_post.title, scheduled_post.status) == ("Roast day", "scheduled")
    assert production_cost_on(business, DEC(9)) == D("0")
    assert production_cost_on(business, DEC(15)) == D("30.00")

    page = client_for(editor).get(back).content.decode()
    assert "“Roast day” moved to Tue 15 Dec 2026, 08:15." in page


def test_moved_post_shows_on_its_new_day(client_for, editor, scheduled_post):
    business = scheduled_post.business
    move(client_for(editor), scheduled_post, "2026-12-11T23:45")
    cells = days(client_for(editor).get(cal_url(business, date="2026-12-01")).content.decode())
    assert "Roast day" in cells["2026-12-11"] and "Roast day" not in cells["2026-12-09"]


def test_viewer_cannot_move(client_for, viewer, scheduled_post):
    response = move(client_for(viewer), scheduled_post, "2026-12-15T08:00")
    assert response.status_code == 403
    scheduled_post.refresh_from_db()
    assert scheduled_post.scheduled_at == nz(DEC(9), 10)


def test_another_business_post_is_a_404(client_for, owner, scheduled_post, outsider):
    other = outsider.memberships.get().business
    their_post = SmoTaskFactory(business=other, scheduled_at=at(DEC(9), 10))

    # Through this business's URL: not found, as if it did not exist.
    response = move(
        client_for(owner), their_post, "2026-12-15T08:00", business=scheduled_post.business
    )
    assert response.status_code == 404
    # And an outsider moving this business's post.
    response = move(client_for(outsider), scheduled_post, "2026-12-15T08:00")
    assert response.status_code == 404

    their_post.refresh_from_db()
    scheduled_post.refresh_from_db()
    assert their_post.scheduled_at == at(DEC(9), 10)
    assert scheduled_post.scheduled_at == nz(DEC(9), 10)


def test_ads_cannot_be_moved_as_posts(client_for, editor, business, smm_task):
    response = move(client_for(editor), smm_task, "2026-12-15T08:00")
    assert response.status_code == 404


def test_get_is_not_allowed(client_for, editor, scheduled_post):
    url = reverse("calendar_reschedule", args=[scheduled_post.business.pk, scheduled_post.pk])
    assert client_for(editor).get(url).status_code == 405


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "A scheduled post needs a publish time."),
        ("2026-13-45T25:00", "Enter a valid date/time."),
        ("next tuesday", "Enter a valid date/time."),
    ],
)
def test_bad_time_moves_nothing(client_for, editor, scheduled_post, value, message):
    business = scheduled_post.business
    back = cal_url(business, view="week", date="2026-12-07")
    response = move(client_for(editor), scheduled_post, value, back)

    assert response.status_code == 302 and response.url == back
    scheduled_post.refresh_from_db()
    assert scheduled_post.scheduled_at == nz(DEC(9), 10)
    assert production_cost_on(business, DEC(9)) == D("30.00")
    page = client_for(editor).get(back).content.decode()
    assert "“Roast day” was not moved" in page and message in page


def test_every_rule_of_the_post_form_applies(client_for, editor, business):
    """A post saved before a rule existed (here: too long for X) cannot be moved unfixed."""
    x = PlatformFactory(business=business, kind="x", handle="acme_x")
    post = SmoTaskFactory(
        business=business, platform=x, post_text="a" * 300, scheduled_at=at(DEC(9), 10)
    )
    move(client_for(editor), post, "2026-12-15T08:00")
    post.refresh_from_db()
    assert post.scheduled_at == at(DEC(9), 10)
    page = client_for(editor).get(cal_url(business)).content.decode()
    assert "was not moved: Post text:" in page


def test_a_draft_may_lose_its_time(client_for, editor, business, platform):
    post = SmoTaskFactory(business=business, platform=platform, scheduled_at=at(DEC(9), 10))
    move(client_for(editor), post, "")
    post.refresh_from_db()
    assert post.scheduled_at is None


def test_move_redirects_only_to_local_urls(client_for, editor, scheduled_post):
    response = move(client_for(editor), scheduled_post, "2026-12-15T08:00", "https://evil.example/")
    assert response.url == reverse("calendar", args=[scheduled_post.business.pk])
    response = move(client_for(editor), scheduled_post, "2026-12-16T08:00", "//evil.example/x")
    assert response.url == reverse("calendar", args=[scheduled_post.business.pk])


# --- Anonymous and query counts --------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client, business, scheduled_post):
    response = client.get(cal_url(business))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    response = move(client, scheduled_post, "2026-12-15T08:00")
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    scheduled_post.refresh_from_db()
    assert scheduled_post.scheduled_at == nz(DEC(9), 10)


def make_tasks(business, count):
    platforms = [
        PlatformFactory(business=business, kind=kind, handle=f"h-{kind}-{count}")
        for kind in ("facebook", "x", "instagram", "linkedin")
    ]
    campaigns = [CampaignFactory(business=business) for _ in range(3)]
    for n in range(count):
        common = {"business": business, "platform": platforms[n % 4], "campaign": campaigns[n % 3]}
        if n % 3:
            SmoTaskFactory(**common, scheduled_at=at(DEC(1 + n % 28), 9 + n % 8))
        else:
            SmmTaskFactory(**common, flight_start=DEC(1 + n % 20), flight_end=DEC(5 + n % 20))


@pytest.mark.parametrize("view", ["month", "week"])
def test_query_count_does_not_grow_with_tasks(
    client_for, business, editor, view, django_assert_max_num_queries
):
    client = client_for(editor)
    url = cal_url(business, view=view, date="2026-12-09")
    client.get(url)  # the session's current business is stored once

    counts = []
    for total in (5, 50):
        make_tasks(business, total - Task.objects.count())
        # 10: one of them the posting slots (none here; with some, two more: tests/test_slots.py)
        with django_assert_max_num_queries(10), CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    shown = response.content.decode().count('data-testid="calendar-post"')
    assert shown > (5 if view == "week" else 20)


def test_query_count_with_filters(client_for, business, editor, platform, campaign,
                                  django_assert_max_num_queries):  # fmt: skip
    make_tasks(business, 50)
    client = client_for(editor)
    url = cal_url(business, date="2026-12-01", platform=platform.pk, campaign=campaign.pk)
    client.get(url)
    with django_assert_max_num_queries(11):
        assert client.get(url + "&kind=smo&status=draft").status_code == 200


def test_only_the_visible_range_is_read(client_for, business, editor, platform):
    SmoTaskFactory(business=business, platform=platform, scheduled_at=at(DEC(9), 10))
    SmoTaskFactory(
        business=business, platform=platform, scheduled_at=at(datetime.date(2027, 3, 1), 10)
    )
    client = client_for(editor)
    url = cal_url(business, date="2026-12-01")
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    task_queries = [q["sql"] for q in queries if '"planner_task"' in q["sql"]]
    assert len(task_queries) == 2  # the items of each day and week, then those items
    assert "scheduled_at" in task_queries[0] and "LIMIT" in task_queries[0]
    assert '"planner_task"."id" IN' in task_queries[1]


def test_the_page_reads_local_days_and_overlapping_flights(auckland, platform):
    def post(title, moment):
        SmoTaskFactory(business=auckland, platform=platform, title=title, scheduled_at=moment)

    def ad(title, start, end):
        SmmTaskFactory(
            business=auckland, platform=platform, title=title, flight_start=start, flight_end=end
        )

    post("before", nz(DEC(6), 23, 59))
    post("first minute", nz(DEC(7), 0, 0))
    post("last minute", nz(DEC(13), 23, 59))
    post("after", nz(DEC(14), 0, 0))
    SmoTaskFactory(business=auckland, platform=platform, title="undated")
    ad("ended before", DEC(1), DEC(6))
    ad("ends inside", DEC(1), DEC(7))
    ad("spans", DEC(1), DEC(31))
    ad("starts inside", DEC(13), DEC(20))
    ad("starts after", DEC(14), DEC(20))
    ad("one day, no end", DEC(10), None)
    ad("old, no end", DEC(1), None)
    ad("no flight", None, None)

    span = calendar_feed.span_for(calendar_feed.WEEK, DEC(9))
    page = calendar_page.calendar_page(
        auckland, span, AUCKLAND, DEC(9), filters={}, posts_shown=20, flights_shown=20
    )
    (week,) = page.weeks
    posts = {post.title for day in week.days for post in day.posts}
    flights = {bar.task.title for bar in week.bars}
    assert posts | flights == {
        "first minute",
        "last minute",
        "ends inside",
        "spans",
        "starts inside",
        "one day, no end",
    }


def test_the_page_loads_only_the_visible_range(client_for, auckland, editor, platform, monkeypatch):
    loaded = []
    lay_out = calendar_page.lay_out

    def spy(span, tasks, *args, **kwargs):
        loaded.extend(task.title for task in tasks)
        return lay_out(span, tasks, *args, **kwargs)

    monkeypatch.setattr(calendar_page, "lay_out", spy)
    SmoTaskFactory(business=auckland, platform=platform, title="in", scheduled_at=nz(DEC(9), 9))
    SmoTaskFactory(business=auckland, platform=platform, title="out", scheduled_at=nz(DEC(14), 9))
    SmmTaskFactory(
        business=auckland, platform=platform, title="old ad", flight_start=DEC(1), flight_end=DEC(6)
    )
    client_for(editor).get(cal_url(auckland, view="week", date="2026-12-09"))
    assert loaded == ["in"]


def test_the_nav_links_to_the_calendar(client_for, business, viewer):
    html = client_for(viewer).get(reverse("dashboard", args=[business.pk])).content.decode()
    assert f'href="{reverse("calendar", args=[business.pk])}">Calendar</a>' in html
