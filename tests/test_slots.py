"""Posting slots (planner/compose): weekly times per platform, kept by editors; "next free slot"
finds the first with no post of the platform there yet; the calendar shows the free ones. The
allocation itself (planner/compose/slots.py) is pure, tested first."""

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from planner.compose import slots
from planner.compose.models import MAX_SLOTS_PER_PLATFORM, PostingSlot
from tests.factories import PlatformFactory, SmoTaskFactory

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
NINE = datetime.time(9, 0)


def _utc(*args):
    return datetime.datetime(*args, tzinfo=BERLIN).astimezone(datetime.UTC)


def test_slot_moments_keep_the_local_time_across_the_clock_change():
    rows = [(1, 6, datetime.time(2, 30)), (1, 0, NINE)]  # Sunday 02:30, Monday 09:00
    found = slots.moments(rows, datetime.date(2027, 3, 27), datetime.date(2027, 3, 29), BERLIN)
    assert [f"{s.local:%Y-%m-%d %H:%M %Z}" for s in found] == [
        "2027-03-28 03:30 CEST",  # 02:30 does not exist that night: moved on by the gap
        "2027-03-29 09:00 CEST",
    ]
    assert found[1].moment == _utc(2027, 3, 29, 9, 0)


def test_free_skips_taken_and_past_slots_in_time_order():
    rows = [(1, 0, NINE), (2, 0, NINE), (1, 2, datetime.time(13, 0))]
    candidates = slots.moments(rows, datetime.date(2027, 1, 4), datetime.date(2027, 1, 13), BERLIN)
    taken = {(1, _utc(2027, 1, 4, 9, 0))}
    after = _utc(2027, 1, 4, 8, 0)
    free = slots.free(candidates, taken, after)
    assert [(s.platform_id, f"{s.local:%m-%d %H:%M}") for s in free] == [
        (2, "01-04 09:00"),
        (1, "01-06 13:00"),
        (1, "01-11 09:00"),
        (2, "01-11 09:00"),
        (1, "01-13 13:00"),
    ]
    assert slots.free(candidates, taken, _utc(2027, 1, 13, 13, 0)) == []  # none later


@pytest.fixture
def berlin(business):
    business.time_zone = "Europe/Berlin"
    business.save()
    return business


def _url(business, name, *args):
    return reverse(name, args=[business.pk, *args])


def _slot(business, platform, weekday, at=NINE):
    return PostingSlot.objects.create(business=business, platform=platform, weekday=weekday, at=at)


def test_an_editor_adds_and_deletes_slots(client_for, berlin, editor, platform):
    client = client_for(editor)
    data = {"platform": platform.pk, "weekdays": ["0", "2", "4"], "at": "09:00"}
    assert client.post(_url(berlin, "slot_create"), data).status_code == 302
    assert client.post(_url(berlin, "slot_create"), data).status_code == 302  # kept once
    assert sorted(PostingSlot.objects.values_list("weekday", flat=True)) == [0, 2, 4]
    page = client.get(_url(berlin, "slot_list")).content.decode()
    assert "Monday 09:00" in page and "Friday 09:00" in page
    monday = PostingSlot.objects.get(weekday=0)
    assert client.post(_url(berlin, "slot_delete", monday.pk)).status_code == 302
    assert PostingSlot.objects.count() == 2


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"weekdays": [], "at": "09:00"}, "weekdays", "required"),
        ({"weekdays": ["7"], "at": "09:00"}, "weekdays", "valid choice"),
        ({"weekdays": ["1"], "at": "25:00"}, "at", "valid time"),
        ({"weekdays": ["1"], "at": ""}, "at", "required"),
    ],
)
def test_bad_slots_are_refused_next_to_their_field(
    client_for, berlin, editor, platform, data, field, message
):
    response = client_for(editor).post(
        _url(berlin, "slot_create"), {"platform": platform.pk, **data}
    )
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not PostingSlot.objects.exists()


def test_another_business_platform_is_refused(client_for, berlin, editor, other_business):
    theirs = PlatformFactory(business=other_business)
    data = {"platform": theirs.pk, "weekdays": ["1"], "at": "09:00"}
    response = client_for(editor).post(_url(berlin, "slot_create"), data)
    assert response.status_code == 400 and not PostingSlot.objects.exists()


def test_a_platform_keeps_at_most_so_many_slots(client_for, berlin, editor, platform):
    for hour in range(MAX_SLOTS_PER_PLATFORM // 7 + 1):
        for day in range(7):
            if PostingSlot.objects.count() < MAX_SLOTS_PER_PLATFORM:
                _slot(berlin, platform, day, datetime.time(hour, 0))
    data = {"platform": platform.pk, "weekdays": ["0", "1"], "at": "23:00"}
    response = client_for(editor).post(_url(berlin, "slot_create"), data)
    assert response.status_code == 400
    assert "at most" in str(response.context["form"].non_field_errors())
    assert PostingSlot.objects.count() == MAX_SLOTS_PER_PLATFORM


def test_next_free_slot_skips_a_taken_one(client_for, berlin, editor, platform, settings):
    now = timezone.now().astimezone(BERLIN)
    tomorrow = (now + datetime.timedelta(days=1)).date()
    after = tomorrow + datetime.timedelta(days=1)
    _slot(berlin, platform, tomorrow.weekday())
    _slot(berlin, platform, after.weekday())
    SmoTaskFactory(
        business=berlin, platform=platform, scheduled_at=_utc(*tomorrow.timetuple()[:3], 9, 0)
    )
    response = client_for(editor).get(_url(berlin, "next_slot"), {"platform": platform.pk})
    assert response.status_code == 200
    assert response.json()["value"] == f"{after.isoformat()}T09:00"


def test_next_free_slot_says_when_there_is_none(client_for, berlin, editor, platform):
    response = client_for(editor).get(_url(berlin, "next_slot"), {"platform": platform.pk})
    assert response.json()["value"] == "" and "no free slot" in response.json()["label"]


@pytest.mark.parametrize("value", ["", "abc", "²", "99999999"])
def test_next_free_slot_of_no_platform_of_the_business_is_404(client_for, berlin, editor, value):
    assert client_for(editor).get(_url(berlin, "next_slot"), {"platform": value}).status_code == 404


def test_next_free_slot_of_another_business_platform_is_404(
    client_for, berlin, editor, other_business
):
    theirs = PlatformFactory(business=other_business)
    _slot(other_business, theirs, 0)
    response = client_for(editor).get(_url(berlin, "next_slot"), {"platform": theirs.pk})
    assert response.status_code == 404


def _next_week(day):
    return day + datetime.timedelta(days=7 - day.weekday())


def test_the_week_calendar_shows_the_free_slots(client_for, berlin, editor, platform):
    monday = _next_week(timezone.now().astimezone(BERLIN).date())
    linkedin = PlatformFactory(business=berlin, kind="linkedin", handle="acme-in")
    _slot(berlin, platform, 0)
    _slot(berlin, linkedin, 0)
    SmoTaskFactory(
        business=berlin, platform=platform, scheduled_at=_utc(*monday.timetuple()[:3], 9, 0)
    )
    client = client_for(editor)
    response = client.get(_url(berlin, "calendar"), {"view": "week", "date": monday.isoformat()})
    day = next(d for w in response.context["weeks"] for d in w.days if d.date == monday)
    assert [(s.platform_id, f"{s.local:%H:%M}") for s in day.free_slots] == [(linkedin.pk, "09:00")]
    page = response.content.decode()
    assert f"platform={linkedin.pk}&amp;scheduled_at={monday.isoformat()}T09:00" in page
    ads_only = client.get(
        _url(berlin, "calendar"), {"view": "week", "date": monday.isoformat(), "kind": "smm"}
    )
    assert 'data-testid="free-slots"' not in ads_only.content.decode()


def test_the_calendar_reads_a_fixed_number_of_queries_with_slots(
    client_for, berlin, editor, platform
):
    monday = _next_week(timezone.now().astimezone(BERLIN).date())
    for day in range(7):
        _slot(berlin, platform, day)
    client = client_for(editor)
    for n in range(3):
        when = _utc(*(monday + datetime.timedelta(days=n)).timetuple()[:3], 11, 0)
        SmoTaskFactory(business=berlin, platform=platform, scheduled_at=when)

    def count(view):
        with CaptureQueriesContext(connection) as captured:
            client.get(_url(berlin, "calendar"), {"view": view, "date": monday.isoformat()})
        return len(captured)

    count("week")  # the session's first save is not the page's
    small = [count("week"), count("month")]
    for n in range(40):
        when = _utc(*(monday + datetime.timedelta(days=n % 7)).timetuple()[:3], 10 + n % 8, 0)
        SmoTaskFactory(business=berlin, platform=platform, scheduled_at=when)
    _slot(berlin, PlatformFactory(business=berlin, kind="x"), 3)
    assert [count("week"), count("month")] == small


@pytest.mark.parametrize("actor", ["owner", "editor", "viewer", "outsider", "anonymous"])
def test_five_actors(client, client_for, berlin, actor, request, platform):
    user = None if actor == "anonymous" else request.getfixturevalue(actor)
    client = client_for(user) if user else client
    slot = _slot(berlin, platform, 1)
    data = {"platform": platform.pk, "weekdays": ["2"], "at": "10:00"}
    statuses = (
        client.get(_url(berlin, "slot_list")).status_code,
        client.post(_url(berlin, "slot_create"), data).status_code,
        client.get(_url(berlin, "next_slot"), {"platform": platform.pk}).status_code,
        client.post(_url(berlin, "slot_delete", slot.pk)).status_code,
    )
    assert (
        statuses
        == {
            "owner": (200, 302, 200, 302),
            "editor": (200, 302, 200, 302),
            "viewer": (200, 403, 403, 403),
            "outsider": (404, 404, 404, 404),
            "anonymous": (302, 302, 302, 302),
        }[actor]
    )
    writes = actor in ("owner", "editor")
    assert PostingSlot.objects.filter(pk=slot.pk).exists() != writes
    assert PostingSlot.objects.filter(weekday=2).exists() == writes


def test_a_doubled_time_is_no_slot_and_a_gap_is_one():
    spring = slots.moments(
        [(1, 6, datetime.time(2, 30)), (1, 6, datetime.time(3, 30))],
        datetime.date(2027, 3, 28), datetime.date(2027, 3, 28), BERLIN,
    )  # fmt: skip
    assert [f"{s.local:%H:%M}" for s in spring] == ["03:30"]  # both land on 03:30: one slot
    autumn = slots.moments(
        [(1, 6, datetime.time(2, 30)), (1, 6, datetime.time(9, 0))],
        datetime.date(2027, 10, 31), datetime.date(2027, 10, 31), BERLIN,
    )  # fmt: skip
    assert [f"{s.local:%H:%M}" for s in autumn] == ["09:00"]  # 02:30 happens twice that night
