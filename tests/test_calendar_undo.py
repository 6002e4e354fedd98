"""Moving a post on the calendar (a drag fills the "Move" form): the version the calendar
showed is checked, and the member's last move can be undone from the calendar while the post
still has the version that move gave it."""

import datetime

import pytest
from django.urls import reverse

from planner.models import Task
from tests.factories import SmoTaskFactory

MOMENT = datetime.datetime(2026, 12, 9, 9, 30, tzinfo=datetime.UTC)


@pytest.fixture
def post(business, platform):
    return SmoTaskFactory(business=business, platform=platform, title="Roast day",
                          scheduled_at=MOMENT, status="scheduled")  # fmt: skip


def _move(client, post, when, **extra):
    url = reverse("calendar_reschedule", args=[post.business_id, post.pk])
    return client.post(url, {"scheduled_at": when, **extra})


def _calendar(client, business):
    url = reverse("calendar", args=[business.pk]) + "?date=2026-12-01"
    return client.get(url).content.decode()


def test_a_move_can_be_undone_once(client_for, business, editor, post):
    client = client_for(editor)
    _move(client, post, "2026-12-16T09:30", seen_version=str(post.version))
    moved = Task.objects.get(pk=post.pk)
    assert moved.scheduled_at == MOMENT + datetime.timedelta(days=7)
    page = _calendar(client, business)
    assert 'data-testid="undo-move"' in page and "“Roast day” back to 2026-12-09 09:30" in page
    assert f'name="seen_version" value="{moved.version}"' in page
    response = _move(client, post, "2026-12-09T09:30", seen_version=str(moved.version), undo="1")
    assert response.status_code == 302
    assert Task.objects.get(pk=post.pk).scheduled_at == MOMENT
    assert "moved back to" in client.get(response.url).content.decode()
    assert 'data-testid="undo-move"' not in _calendar(client, business)


def test_no_undo_once_the_post_changed_again(client_for, business, editor, post):
    client = client_for(editor)
    _move(client, post, "2026-12-16T09:30")
    task = Task.objects.get(pk=post.pk)
    task.title = "Roast day, edited"
    from planner import services

    services.task_save(task, task.version)
    assert 'data-testid="undo-move"' not in _calendar(client, business)


def test_a_stale_drag_moves_nothing(client_for, business, editor, post):
    client = client_for(editor)
    response = _move(client, post, "2026-12-16T09:30", seen_version=str(post.version + 5))
    assert "was changed by someone else just now" in client.get(response.url).content.decode()
    assert Task.objects.get(pk=post.pk).scheduled_at == MOMENT


def test_posts_are_draggable_for_editors_only(client_for, business, editor, viewer, post):
    assert 'draggable="true" data-at="2026-12-09T' in _calendar(client_for(editor), business)
    page = _calendar(client_for(viewer), business)
    assert "draggable" not in page and 'data-testid="undo-move"' not in page


def test_the_undo_stays_with_its_business(client_for, business, editor, post, other_business):
    from planner.models import Membership

    Membership.objects.create(business=other_business, user=editor, role="editor")
    client = client_for(editor)
    _move(client, post, "2026-12-16T09:30")
    assert 'data-testid="undo-move"' not in _calendar(client, other_business)
    assert 'data-testid="undo-move"' in _calendar(client, business)


# An ad's flight dragged to start on another day.


@pytest.fixture
def ad(business, platform):
    from tests.factories import SmmTaskFactory

    return SmmTaskFactory(business=business, platform=platform, title="Winter ad",
                          flight_start=datetime.date(2026, 12, 1),
                          flight_end=datetime.date(2026, 12, 10))  # fmt: skip


def _move_flight(client, ad, start, **extra):
    url = reverse("calendar_move_flight", args=[ad.business_id, ad.pk])
    return client.post(url, {"flight_start": start, **extra})


def test_a_flight_starts_on_another_day_keeping_its_length(client_for, business, editor, ad):
    client = client_for(editor)
    response = _move_flight(client, ad, "2026-12-08", seen_version=str(ad.version))
    assert (
        "“Winter ad”: flight moved to Tue 8 Dec 2026." in client.get(response.url).content.decode()
    )
    moved = Task.objects.get(pk=ad.pk)
    assert (moved.flight_start, moved.flight_end) == (datetime.date(2026, 12, 8),
                                                      datetime.date(2026, 12, 17))  # fmt: skip
    page = _calendar(client, business)
    assert "“Winter ad” back to Tue 1 Dec 2026" in page
    assert 'data-move-url="' in page and 'data-start="2026-12-08"' in page
    _move_flight(client, ad, "2026-12-01", seen_version=str(moved.version), undo="1")
    back = Task.objects.get(pk=ad.pk)
    assert (back.flight_start, back.flight_end) == (ad.flight_start, ad.flight_end)


@pytest.mark.parametrize("start", ["", "2026-13-01", "yesterday"])
def test_a_bad_day_moves_nothing(client_for, business, editor, ad, start):
    client = client_for(editor)
    response = _move_flight(client, ad, start)
    assert "give the new first day of its flight" in client.get(response.url).content.decode()
    assert Task.objects.get(pk=ad.pk).flight_start == ad.flight_start


def test_a_stale_flight_drag_moves_nothing(client_for, business, editor, ad):
    client = client_for(editor)
    response = _move_flight(client, ad, "2026-12-08", seen_version=str(ad.version + 1))
    assert "changed by someone else" in client.get(response.url).content.decode()
    assert Task.objects.get(pk=ad.pk).flight_start == ad.flight_start


def test_a_post_is_not_a_flight(client_for, business, editor, post):
    url = reverse("calendar_move_flight", args=[business.pk, post.pk])
    assert client_for(editor).post(url, {"flight_start": "2026-12-08"}).status_code == 404
