"""Recurring posts (planner/compose): the new-post form's Repeat makes a post per occurrence
in a series; each can be skipped alone, and an edit of one goes to this post, this and the
following, or all, as the editor chooses, all saved or none."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse

from planner import services
from planner.compose.models import MAX_SERIES_POSTS, PostSeries
from planner.models import Task
from tests.factories import PlatformFactory

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def _url(business, name, *args):
    return reverse(name, args=[business.pk, *args])


@pytest.fixture
def berlin(business):
    business.time_zone = "Europe/Berlin"
    business.save()
    return business


def _new_post(platform, **repeat):
    data = {
        "platform": platform.pk,
        "title": "Weekly roast",
        "post_text": "This week we roast.",
        "hashtags": "",
        "scheduled_at": "2027-03-18T09:00",  # a Thursday, ten days before summer time
        "status": "draft",
        "estimated_hours": "0.5",
    }
    data.update({f"repeat-{key}": value for key, value in repeat.items()})
    return data


def _local(task):
    return task.scheduled_at.astimezone(BERLIN)


def test_a_weekly_series_on_two_weekdays(client_for, berlin, editor, platform):
    data = _new_post(platform, unit="week", every="1", weekdays=["0", "3"], ends="count", count="6")
    response = client_for(editor).post(_url(berlin, "smo_create"), data)
    assert response.status_code == 302
    series = PostSeries.objects.get()
    posts = list(Task.objects.filter(series=series).order_by("scheduled_at"))
    assert [(_local(p).date().isoformat(), _local(p).strftime("%H:%M")) for p in posts] == [
        ("2027-03-18", "09:00"),
        ("2027-03-22", "09:00"),
        ("2027-03-25", "09:00"),
        ("2027-03-29", "09:00"),  # summer time: still 09:00 where the business is
        ("2027-04-01", "09:00"),
        ("2027-04-05", "09:00"),
    ]
    assert response.url == _url(berlin, "smo_detail", posts[0].pk)
    assert all(p.title == "Weekly roast" and p.post_group_id is None for p in posts)
    page = client_for(editor).get(response.url).content.decode()
    assert "Every week on Monday, Thursday, 6 times" in page


@pytest.mark.parametrize(
    ("repeat", "extra", "field", "message"),
    [
        ({"unit": "week", "ends": "count", "count": "4"}, {"scheduled_at": ""}, None,
         "first publish time"),
        ({"unit": "day", "ends": "count"}, {}, "count", "How many"),
        ({"unit": "day", "ends": "until"}, {}, "until", "last day"),
        ({"unit": "day", "ends": "until", "until": "2029-03-18"}, {}, "until",
         f"at most {MAX_SERIES_POSTS}"),
        ({"unit": "day", "ends": "until", "until": "2027-03-01"}, {}, None, "cannot end before"),
        ({"unit": "week", "every": "53", "ends": "count", "count": "2"}, {}, "every",
         "less than or equal"),
        ({"unit": "day", "weekdays": ["1"], "ends": "count", "count": "2"}, {}, None,
         "Weekdays go with"),
        ({"unit": "month", "ends": "count", "count": "2"}, {}, "unit", "valid choice"),
    ],
)  # fmt: skip
def test_a_bad_repeat_is_refused_and_nothing_is_saved(
    client_for, berlin, editor, platform, repeat, extra, field, message
):
    data = {**_new_post(platform, **repeat), **extra}
    response = client_for(editor).post(_url(berlin, "smo_create"), data)
    assert response.status_code == 400
    errors = response.context["repeat"].errors
    assert message in " ".join(errors[field] if field else errors["__all__"])
    assert not Task.objects.exists() and not PostSeries.objects.exists()


def test_a_post_that_does_not_repeat_is_one_post(client_for, berlin, editor, platform):
    response = client_for(editor).post(_url(berlin, "smo_create"), _new_post(platform, unit=""))
    assert response.status_code == 302
    assert Task.objects.get().series is None and not PostSeries.objects.exists()


@pytest.fixture
def series_posts(client_for, berlin, editor, platform):
    data = _new_post(platform, unit="week", weekdays=["3"], ends="count", count="4")
    client_for(editor).post(_url(berlin, "smo_create"), data)
    return list(Task.objects.order_by("scheduled_at"))


def test_skip_one_post(client_for, berlin, editor, series_posts):
    skipped = series_posts[1]
    client = client_for(editor)
    assert client.get(_url(berlin, "series_skip", skipped.pk)).status_code == 200  # confirm
    assert client.post(_url(berlin, "series_skip", skipped.pk)).status_code == 302
    assert not Task.objects.filter(pk=skipped.pk).exists()
    assert Task.objects.count() == 3 and PostSeries.objects.get().skipped == 1


def test_only_a_series_post_can_be_skipped(client_for, berlin, editor, smo_task):
    assert client_for(editor).post(_url(berlin, "series_skip", smo_task.pk)).status_code == 404
    assert Task.objects.filter(pk=smo_task.pk).exists()


def _edit(client, business, post, scope, **changes):
    data = {
        "platform": post.platform_id,
        "title": post.title,
        "post_text": post.post_text,
        "hashtags": post.hashtags,
        "scheduled_at": _local(post).strftime("%Y-%m-%dT%H:%M"),
        "status": post.status,
        "estimated_hours": str(post.estimated_hours),
        "seen_version": post.version,
        "series-scope": scope,
        **changes,
    }
    return client.post(_url(business, "smo_edit", post.pk), data)


@pytest.mark.parametrize(
    ("scope", "changed"),
    [("this", [False, True, False, False]), ("following", [False, True, True, True]),
     ("all", [True, True, True, True])],
)  # fmt: skip
def test_an_edit_goes_where_it_is_asked(client_for, berlin, editor, series_posts, scope, changed):
    second = series_posts[1]
    response = _edit(client_for(editor), berlin, second, scope, post_text="Now with cardamom.")
    assert response.status_code == 302
    texts = [Task.objects.get(pk=p.pk).post_text for p in series_posts]
    assert [text == "Now with cardamom." for text in texts] == changed


def test_a_new_time_moves_each_post_on_its_own_day(client_for, berlin, editor, series_posts):
    """09:00 → 10:30 on one post, for all: each at 10:30 local on its own day, across the
    change to summer time (2027-03-28)."""
    first = series_posts[0]
    response = _edit(client_for(editor), berlin, first, "all", scheduled_at="2027-03-18T10:30")
    assert response.status_code == 302
    moved = [_local(Task.objects.get(pk=p.pk)) for p in series_posts]
    assert [m.strftime("%Y-%m-%d %H:%M") for m in moved] == [
        "2027-03-18 10:30",
        "2027-03-25 10:30",
        "2027-04-01 10:30",
        "2027-04-08 10:30",
    ]


def test_an_edit_that_one_post_cannot_take_saves_nothing(client_for, berlin, editor, series_posts):
    """One post was moved to X alone; a long text for all fits Facebook but not X."""
    x = PlatformFactory(business=berlin, kind="x", handle="acme_x")
    third = series_posts[2]
    third.platform = x
    services.task_save(third, third.version)
    first = series_posts[0]
    response = _edit(client_for(editor), berlin, first, "all", post_text="A long story. " * 30)
    assert response.status_code == 400
    assert "2027-04-01" in str(response.context["form"].non_field_errors())
    assert {t.post_text for t in Task.objects.all()} == {
        "This week we roast."
    }  # not even the first


def test_the_edit_form_of_a_series_post_asks_where(
    client_for, berlin, editor, series_posts, smo_task
):
    client = client_for(editor)
    page = client.get(_url(berlin, "smo_edit", series_posts[0].pk)).content.decode()
    assert "This and the following posts" in page
    page = client.get(_url(berlin, "smo_edit", smo_task.pk)).content.decode()
    assert "This and the following posts" not in page


@pytest.mark.parametrize("actor", ["owner", "editor", "viewer", "outsider", "anonymous"])
def test_five_actors_skip(client, client_for, berlin, actor, request, series_posts):
    client.logout()
    user = None if actor == "anonymous" else request.getfixturevalue(actor)
    client = client_for(user) if user else client
    post = series_posts[0]
    status = client.post(_url(berlin, "series_skip", post.pk)).status_code
    expected = {"owner": 302, "editor": 302, "viewer": 403, "outsider": 404, "anonymous": 302}
    assert status == expected[actor]
    assert Task.objects.filter(pk=post.pk).exists() == (
        actor in ("viewer", "outsider", "anonymous")
    )


def test_a_year_of_daily_posts_is_made_at_once(client_for, berlin, editor, platform):
    data = _new_post(platform, unit="day", ends="count", count=str(MAX_SERIES_POSTS))
    started = datetime.datetime.now()
    assert client_for(editor).post(_url(berlin, "smo_create"), data).status_code == 302
    assert Task.objects.count() == MAX_SERIES_POSTS
    assert datetime.datetime.now() - started < datetime.timedelta(seconds=60)


def test_each_post_keeps_its_own_status_and_a_published_one_is_left_alone(
    client_for, berlin, editor, series_posts
):
    first, second = series_posts[0], series_posts[1]
    second.status, second.published_url = "published", "https://linkedin.example/p/2"
    services.task_save(second, second.version)
    response = _edit(
        client_for(editor), berlin, first, "all", post_text="New text.", status="scheduled"
    )
    assert response.status_code == 302
    posts = [Task.objects.get(pk=p.pk) for p in series_posts]
    assert [p.status for p in posts] == ["scheduled", "published", "draft", "draft"]
    assert [p.post_text for p in posts] == [
        "New text.", "This week we roast.", "New text.", "New text."]  # fmt: skip


def test_clearing_the_time_is_for_one_post_only(client_for, berlin, editor, series_posts):
    response = _edit(client_for(editor), berlin, series_posts[0], "all", scheduled_at="")
    assert response.status_code == 400
    assert "this post only" in str(response.context["form"].non_field_errors())
    assert all(Task.objects.get(pk=p.pk).scheduled_at for p in series_posts)


def test_a_published_post_does_not_repeat(client_for, berlin, editor, platform):
    data = _new_post(platform, unit="week", ends="count", count="3")
    data["status"] = "published"
    response = client_for(editor).post(_url(berlin, "smo_create"), data)
    assert response.status_code == 400
    assert "does not repeat" in str(response.context["repeat"].non_field_errors())
    assert not Task.objects.exists()


def test_a_post_that_does_not_repeat_ignores_the_repeat_fields(
    client_for, berlin, editor, platform
):
    data = _new_post(platform, unit="", count="abc", every="0", until="not a day")
    assert client_for(editor).post(_url(berlin, "smo_create"), data).status_code == 302
    assert Task.objects.count() == 1
