"""The iCalendar feed: RFC 5545 events from a secret URL, and replacing that URL."""

import datetime
import zoneinfo

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from planner import calendar_feed, services
from planner.models import Business, Campaign
from tests.factories import CampaignFactory, PlatformFactory, SmmTaskFactory, SmoTaskFactory

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def feed_url(business):
    return reverse("ical_feed", args=[business.ical_token])


def read_feed(client, business):
    response = client.get(feed_url(business))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(body_of(response))


def body_of(response):
    """The feed streams, one event at a time."""
    return b"".join(response.streaming_content)


def unfolded(response):
    """The feed's text with folded lines joined again (RFC 5545 3.1)."""
    return unfolded_bytes(body_of(response))


def unfolded_bytes(body):
    return body.replace(b"\r\n ", b"")


def events(calendar):
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def new_york(business):
    business.time_zone = "America/New_York"
    business.save()
    return business


@pytest.fixture
def today():
    return timezone.localdate(timezone=NEW_YORK)


def local(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=NEW_YORK)


def test_feed_lists_posts_and_flights(client, new_york, platform, today):
    post = SmoTaskFactory(
        business=new_york,
        platform=platform,
        title="Roast day",
        post_text="We roast on Fridays, come by; it smells great.\nSecond line.",
        status="scheduled",
        scheduled_at=local(today + datetime.timedelta(days=10), 9, 30),
    )
    ad = SmmTaskFactory(
        business=new_york,
        platform=PlatformFactory(business=new_york, kind="linkedin", handle="acme-li"),
        title="Lead ads",
        status="active",
        flight_start=today + datetime.timedelta(days=5),
        flight_end=today + datetime.timedelta(days=8),
    )

    calendar = read_feed(client, new_york)  # no login: the token is the key

    assert str(calendar["VERSION"]) == "2.0"
    assert "Campaign planner" in str(calendar["PRODID"])
    assert str(calendar["X-WR-CALNAME"]) == "Acme Roasters: content calendar"
    found = events(calendar)
    assert set(found) == {f"task-{post.pk}@campaign-planner", f"task-{ad.pk}@campaign-planner"}

    event = found[f"task-{post.pk}@campaign-planner"]
    assert str(event["SUMMARY"]) == "[SMO] Facebook: Roast day"
    start = event["DTSTART"].dt
    assert start == post.scheduled_at and start.utcoffset() == datetime.timedelta(0)  # UTC
    assert start.astimezone(NEW_YORK).time() == datetime.time(9, 30)  # as planned, in New York
    assert event["DTEND"].dt - start == datetime.timedelta(minutes=30)
    assert "We roast on Fridays, come by; it smells great.\nSecond line." in str(
        event["DESCRIPTION"]
    )
    detail = reverse("smo_detail", args=[new_york.pk, post.pk])
    assert str(event["URL"]) == f"http://testserver{detail}"
    assert event["DTSTAMP"].dt.tzinfo is not None
    assert str(event["STATUS"]) == "CONFIRMED"

    event = found[f"task-{ad.pk}@campaign-planner"]
    assert str(event["SUMMARY"]) == "[SMM] LinkedIn: Lead ads"
    # All day, from the first flight day to the day after the last (DTEND is exclusive).
    assert event["DTSTART"].dt == ad.flight_start and not isinstance(
        event["DTSTART"].dt, datetime.datetime
    )
    assert event["DTEND"].dt == ad.flight_end + datetime.timedelta(days=1)
    assert event["DTSTART"].params.get("VALUE") == "DATE"
    assert str(event["URL"]).endswith(reverse("smm_detail", args=[new_york.pk, ad.pk]))


def test_the_raw_text_is_rfc5545(client, business, smo_task, today):
    smo_task.scheduled_at = local(today, 12)
    smo_task.save()
    body = body_of(client.get(feed_url(business))).decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert "\r\nDTSTART:" in body and "Z\r\n" in body  # a UTC time
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))  # folded lines


def test_a_wrong_token_is_a_404(client, business, smo_task):
    assert client.get(reverse("ical_feed", args=["not-the-token"])).status_code == 404
    assert client.get(reverse("ical_feed", args=[business.ical_token[:-1]])).status_code == 404


def test_feed_keeps_to_its_window_and_skips_what_has_no_date(client, business, platform, today):
    def post(title, days_away, **fields):
        SmoTaskFactory(
            business=business,
            platform=platform,
            title=title,
            scheduled_at=local(today + datetime.timedelta(days=days_away), 12),
            **fields,
        )

    post("Last month", -30, status="published")
    post("Next year", 300)
    post("Long ago", -200)
    post("Far ahead", 400)
    post("Archived", 3, status="archived")
    SmoTaskFactory(business=business, platform=platform, title="Undated idea", status="idea")
    SmmTaskFactory(business=business, platform=platform, title="No flight", flight_start=None,
                   flight_end=None)  # fmt: skip
    SmmTaskFactory(
        business=business, platform=platform, title="Old ad",
        flight_start=today - datetime.timedelta(days=200),
        flight_end=today - datetime.timedelta(days=100),
    )  # fmt: skip
    SmmTaskFactory(
        business=business, platform=platform, title="Running ad",
        flight_start=today - datetime.timedelta(days=200),
        flight_end=today + datetime.timedelta(days=2),
    )  # fmt: skip

    titles = {
        str(event["SUMMARY"]).split(": ", 1)[1]
        for event in read_feed(client, business).walk("VEVENT")
    }
    assert titles == {"Last month", "Next year", "Running ad"}


def test_drafts_are_tentative(client, business, platform, today):
    SmoTaskFactory(business=business, platform=platform, scheduled_at=local(today, 12))
    (event,) = read_feed(client, business).walk("VEVENT")
    assert str(event["STATUS"]) == "TENTATIVE"


def test_another_business_never_appears(client, business, platform, outsider, today):
    other = outsider.memberships.get().business
    SmoTaskFactory(business=business, platform=platform, title="Ours", scheduled_at=local(today, 9))
    SmoTaskFactory(business=other, title="Theirs", scheduled_at=local(today, 9))
    SmmTaskFactory(business=other, title="Their ad", flight_start=today, flight_end=today)

    ours = [str(e["SUMMARY"]) for e in read_feed(client, business).walk("VEVENT")]
    theirs = [str(e["SUMMARY"]) for e in read_feed(client, other).walk("VEVENT")]
    assert ours == ["[SMO] Facebook: Ours"]
    assert sorted(theirs) == ["[SMM] Facebook: Their ad", "[SMO] Facebook: Theirs"]


def test_feed_reads_in_a_fixed_number_of_queries(
    client, business, platform, today, django_assert_max_num_queries
):
    for n in range(30):
        SmoTaskFactory(business=business, platform=platform, scheduled_at=local(today, n % 24))
        SmmTaskFactory(business=business, platform=platform, flight_start=today, flight_end=today)
    # The business, the summaries of the upcoming and the past tasks behind the ETag, the
    # business's platforms and its campaigns' versions, then the tasks.
    with django_assert_max_num_queries(6):
        response = client.get(feed_url(business))
        assert response.status_code == 200
        body_of(response)
    with django_assert_max_num_queries(1):  # unchanged, its ETag remembered: the business
        again = client.get(feed_url(business), HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304
    cache.clear()  # the remembered ETag expired: summarised again, no task read whole
    with django_assert_max_num_queries(5):
        again = client.get(feed_url(business), HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304


# --- The secret address ----------------------------------------------------------------------


def regenerate(client, business):
    return client.post(
        reverse("calendar_feed_token", args=[business.pk]),
        {"next": reverse("calendar", args=[business.pk]) + "?view=week&date=2026-12-07"},
    )


def test_owner_replaces_the_address_and_the_old_one_dies(client_for, business, owner, smo_task):
    old_url = feed_url(business)
    client = client_for(owner)

    response = regenerate(client, business)

    assert response.status_code == 302
    assert response.url == reverse("calendar", args=[business.pk]) + "?view=week&date=2026-12-07"
    business.refresh_from_db()
    assert feed_url(business) != old_url
    assert client.get(old_url).status_code == 404
    assert client.get(feed_url(business)).status_code == 200
    page = client.get(response.url).content.decode()
    assert "the old one no longer works" in page
    assert f"http://testserver{feed_url(business)}" in page


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_only_the_owner_may_replace_the_address(client_for, business, request, role):
    token = business.ical_token
    response = regenerate(client_for(request.getfixturevalue(role)), business)
    assert response.status_code == 403
    assert Business.objects.get(pk=business.pk).ical_token == token


def test_outsiders_and_anonymous_cannot_replace_it(client, client_for, business, outsider):
    token = business.ical_token
    assert regenerate(client, business).status_code == 302  # to the login page
    assert regenerate(client_for(outsider), business).status_code == 404
    assert (
        client_for(outsider).get(reverse("calendar_feed_token", args=[business.pk])).status_code
        == 404
    )
    assert Business.objects.get(pk=business.pk).ical_token == token


def test_get_does_not_replace_it(client_for, business, owner):
    token = business.ical_token
    response = client_for(owner).get(reverse("calendar_feed_token", args=[business.pk]))
    assert response.status_code == 405
    assert Business.objects.get(pk=business.pk).ical_token == token


def test_members_see_the_address_and_owners_the_button(client_for, business, owner, viewer):
    url = reverse("calendar", args=[business.pk])
    absolute = f"http://testserver{feed_url(business)}"

    page = client_for(viewer).get(url).content.decode()
    assert absolute in page and 'data-copy="#ical-url"' in page
    assert "Make a new address" not in page

    page = client_for(owner).get(url).content.decode()
    assert absolute in page and "Make a new address" in page
    assert reverse("calendar_feed_token", args=[business.pk]) in page


def test_an_unchanged_feed_answers_304_and_a_change_makes_it_whole_again(
    client, business, smo_task
):
    """Calendar apps poll every few hours: an unchanged feed costs one aggregate and a 304."""
    import datetime

    from django.utils import timezone

    smo_task.status = "scheduled"
    smo_task.scheduled_at = timezone.now() + datetime.timedelta(days=2)
    smo_task = services.task_save(smo_task)
    url = reverse("ical_feed", args=[business.ical_token])
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"].startswith('W/"')
    assert "Last-Modified" in first
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    since = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    smo_task.title = "Renamed post"
    smo_task = services.task_save(smo_task)
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert b"Renamed post" in body_of(changed)
    services.task_delete(smo_task)
    after_delete = client.get(url, HTTP_IF_NONE_MATCH=changed["ETag"])
    assert after_delete.status_code == 200


def test_an_unchanged_feed_is_sent_as_kept_until_it_changes(
    client, business, platform, today, django_assert_num_queries
):
    """Apps that poll without If-None-Match get the body built after the last change: the
    tasks are not read again, and the DTSTAMP lines are those of that answer."""
    post = SmoTaskFactory(business=business, platform=platform, scheduled_at=local(today, 12))
    url = feed_url(business)
    first = body_of(client.get(url))
    with django_assert_num_queries(1):  # the business: its ETag is remembered, its body kept
        assert body_of(client.get(url)) == first
    post.title = "Edited"
    services.task_save(post)
    assert b"Edited" in body_of(client.get(url))
    # Another host name gets its own links, not the kept ones.
    other = body_of(client.get(url, HTTP_HOST="127.0.0.1"))
    assert b"http://127.0.0.1/" in unfolded_bytes(other)
    assert b"http://testserver/" not in unfolded_bytes(other)


def test_a_feed_too_big_to_keep_is_built_each_time(
    client, business, platform, today, monkeypatch, django_assert_num_queries
):
    from planner import calendar_feed

    monkeypatch.setattr(calendar_feed, "FEED_CACHE_MAX_BYTES", 100)
    SmoTaskFactory(business=business, platform=platform, scheduled_at=local(today, 12))
    body_of(client.get(feed_url(business)))
    with django_assert_num_queries(5):  # the business, then the summary, platforms and tasks
        assert b"BEGIN:VEVENT" in body_of(client.get(feed_url(business)))


def test_the_remembered_etag_is_the_day_s_and_forgotten_on_a_change(
    client, new_york, platform, today
):
    """The feed's day is the business's: `today` is New York's, so the business is there too
    (in UTC the test failed between midnight UTC and midnight in New York)."""
    from planner import calendar_feed

    business = new_york
    SmoTaskFactory(business=business, platform=platform, scheduled_at=local(today, 12))
    first = client.get(feed_url(business))
    assert calendar_feed.remembered_etag(business, today)[0] == first["ETag"]
    assert calendar_feed.remembered_etag(business, today + datetime.timedelta(days=1)) is None
    business.name = "Renamed"
    services.business_update(business)
    assert calendar_feed.remembered_etag(business, today) is None
    assert client.get(feed_url(business), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_renaming_a_platform_or_campaign_changes_the_feed(client, business, platform, today):
    """An event shows its platform and campaign by name: their edits are changes of the feed,
    though no task was saved."""
    campaign = CampaignFactory(business=business, name="Spring")
    SmoTaskFactory(
        business=business, platform=platform, campaign=campaign, scheduled_at=local(today, 12)
    )
    url = feed_url(business)
    first = client.get(url)
    assert b"campaign Spring" in unfolded(first)
    campaign.name = "Summer"
    services.save_checked(campaign, campaign.version)
    renamed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert renamed.status_code == 200 and b"campaign Summer" in unfolded(renamed)
    platform.handle = "renamed"
    services.save_checked(platform, platform.version)
    again = client.get(url, HTTP_IF_NONE_MATCH=renamed["ETag"])
    assert again.status_code == 200 and b"@renamed" in unfolded(again)
    assert client.get(url, HTTP_IF_NONE_MATCH=again["ETag"]).status_code == 304


def test_names_edited_without_a_version_and_deleted_campaigns_change_the_feed(
    client, business, platform, today
):
    """The admin saves without bumping versions, and deleting an empty campaign lowers any
    sum of versions: the names themselves are in the ETag, so neither brings back an old body."""
    spring = CampaignFactory(business=business, name="Spring")
    spare = CampaignFactory(business=business, name="Spare")
    SmoTaskFactory(business=business, platform=platform, campaign=spring,
                   scheduled_at=local(today, 9))  # fmt: skip
    url = feed_url(business)
    first = client.get(url)
    assert b"campaign Spring" in unfolded(first)
    cache.clear()
    Campaign.objects.filter(pk=spring.pk).update(name="Summer")  # as the admin would
    renamed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert renamed.status_code == 200 and b"campaign Summer" in unfolded(renamed)
    spare.delete()
    Campaign.objects.filter(pk=spring.pk).update(name="Spring")
    cache.delete(calendar_feed._etag_key(business.pk))  # only the remembered ETag expires
    back = client.get(url)
    assert b"campaign Spring" in unfolded(back) and back["ETag"] != first["ETag"]


def test_tasks_moved_off_a_deleted_campaign_change_the_feed(client, business, platform, today):
    """Moving tasks bumps their versions but not their edit times: the ETag still changes."""
    old, new = CampaignFactory(business=business, name="Old"), CampaignFactory(business=business)
    SmoTaskFactory(business=business, platform=platform, campaign=old, scheduled_at=local(today, 9))
    first = client.get(feed_url(business))
    body_of(first)
    services.move_tasks_and_delete(old, "campaign", new)
    moved = client.get(feed_url(business), HTTP_IF_NONE_MATCH=first["ETag"])
    assert moved.status_code == 200 and b"campaign Old" not in unfolded(moved)


def test_a_crowded_window_keeps_the_upcoming_then_the_latest_past(
    client, business, platform, today, monkeypatch
):
    from planner import calendar_feed

    monkeypatch.setattr(calendar_feed, "FEED_MAX_EVENTS", 3)

    def post(title, days_away):
        SmoTaskFactory(
            business=business, platform=platform, title=title,
            scheduled_at=local(today + datetime.timedelta(days=days_away), 12),
        )  # fmt: skip

    for title, days_away in [("in 2 days", 2), ("in 9 days", 9), ("3 days ago", -3),
                             ("10 days ago", -10), ("20 days ago", -20)]:  # fmt: skip
        post(title, days_away)
    titles = [
        str(e["SUMMARY"]).split(": ", 1)[1] for e in read_feed(client, business).walk("VEVENT")
    ]
    assert sorted(titles) == ["3 days ago", "in 2 days", "in 9 days"]
    post("tomorrow", 1)  # upcoming pushes the past out
    titles = [
        str(e["SUMMARY"]).split(": ", 1)[1] for e in read_feed(client, business).walk("VEVENT")
    ]
    assert sorted(titles) == ["in 2 days", "in 9 days", "tomorrow"]


def test_text_is_escaped_and_long_lines_folded_as_rfc5545_says(client, business, platform, today):
    title = "Café, crème; and a back\\slash " + "ü☕" * 40  # multi-byte characters across folds
    text = "Line one\r\nline two\x07 with a bell,\tand a tab"
    SmoTaskFactory(
        business=business, platform=platform, title=title, post_text=text, hashtags="#a,#b",
        scheduled_at=local(today, 12),
    )  # fmt: skip
    body = body_of(client.get(feed_url(business)))
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))  # octets, not characters
    (event,) = Calendar.from_ical(body).walk("VEVENT")
    assert str(event["SUMMARY"]) == f"[SMO] Facebook: {title}"
    description = str(event["DESCRIPTION"])
    assert description.startswith("Line one\nline two with a bell,\tand a tab\n\n#a,#b\n\n")
