"""The plannable years (1970–2200, planner.models FIRST_YEAR and LAST_YEAR) hold for a post's
local day too, not only for its publish time in UTC.

Found by tests/test_hostile_forms.py: 1969-12-31 23:59 in New York is 1970-01-01 04:59 in UTC,
so it passed the UTC check, and the post's work date (31 December 1969, local) then broke the
rule in the dashboard's rollups. These are that example and its neighbours, spelled out.
"""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from planner import portability, services
from planner.forms import SmoTaskForm
from planner.models import DailyRollup, Task, plannable_local_date
from tests.factories import PlatformFactory, SmoTaskFactory
from tests.form_checks import all_rows, assert_refused

NEW_YORK = "America/New_York"
OUTSIDE = "In the business's time zone (America/New_York) this is 31 December 1969"


def at(time_zone, *args):
    return datetime.datetime(*args, tzinfo=zoneinfo.ZoneInfo(time_zone))


@pytest.fixture
def new_york(business):
    business.time_zone = NEW_YORK
    services.business_update(business)
    return business


@pytest.fixture
def post(new_york):
    return SmoTaskFactory(
        business=new_york,
        platform=PlatformFactory(business=new_york, kind="x"),
        title="New year's eve",
        status="scheduled",
        scheduled_at=at(NEW_YORK, 2026, 12, 31, 20, 0),
        production_cost=Decimal("30.00"),
    )


def smo_data(post, scheduled_at):
    return {
        "platform": post.platform_id,
        "title": post.title,
        "status": "scheduled",
        "scheduled_at": scheduled_at,
        "estimated_hours": "0",
    }


# --- The post form ------------------------------------------------------------------------------


def test_the_smo_form_refuses_a_local_day_before_1970(post):
    with timezone.override(NEW_YORK):  # as on the business's pages
        form = SmoTaskForm(
            smo_data(post, "1969-12-31T23:59"), instance=post, business=post.business
        )
        assert not form.is_valid()
    assert list(form.errors) == ["scheduled_at"]
    assert form.errors["scheduled_at"] == [f"{OUTSIDE}; enter a time between 1970 and 2200 there."]


def test_creating_such_a_post_answers_400_and_saves_nothing(client_for, editor, post):
    before = all_rows()
    response = client_for(editor).post(
        reverse("smo_create", args=[post.business.pk]), smo_data(post, "1969-12-31T23:59")
    )
    assert_refused(response, "scheduled_at", OUTSIDE)
    assert all_rows() == before


def test_editing_a_post_to_it_answers_400_and_changes_nothing(client_for, editor, post):
    before = all_rows()
    response = client_for(editor).post(
        reverse("smo_edit", args=[post.business.pk, post.pk]), smo_data(post, "1969-12-31T23:59")
    )
    assert_refused(response, "scheduled_at", OUTSIDE)
    assert all_rows() == before


@pytest.mark.parametrize(
    ("time_zone", "local", "day"),
    [
        ("America/New_York", "1970-01-01T00:00", datetime.date(1970, 1, 1)),
        ("America/New_York", "2200-12-31T18:59", datetime.date(2200, 12, 31)),
        ("Pacific/Kiritimati", "2200-12-31T23:59", datetime.date(2200, 12, 31)),
    ],
)
def test_the_first_and_last_local_days_are_accepted(
    client_for, editor, business, time_zone, local, day
):
    business.time_zone = time_zone
    services.business_update(business)
    platform = PlatformFactory(business=business)
    response = client_for(editor).post(
        reverse("smo_create", args=[business.pk]),
        {
            "platform": platform.pk,
            "title": "At the edge",
            "status": "scheduled",
            "scheduled_at": local,
            "estimated_hours": "1",
        },
    )
    assert response.status_code == 302
    task = Task.objects.get(title="At the edge")
    assert task.work_date == day
    task.full_clean()
    for rollup in DailyRollup.objects.all():
        rollup.full_clean()


def test_a_local_day_after_2200_is_refused_too(client_for, editor, business):
    """Kiritimati is UTC+14: 2201-01-01 09:00 there is still 2200 in UTC."""
    business.time_zone = "Pacific/Kiritimati"
    services.business_update(business)
    platform = PlatformFactory(business=business)
    response = client_for(editor).post(
        reverse("smo_create", args=[business.pk]),
        {
            "platform": platform.pk,
            "title": "Too late",
            "status": "scheduled",
            "scheduled_at": "2201-01-01T09:00",
            "estimated_hours": "0",
        },
    )
    assert_refused(
        response,
        "scheduled_at",
        "In the business's time zone (Pacific/Kiritimati) this is 01 January 2201",
    )
    assert not Task.objects.filter(title="Too late").exists()


# --- The calendar -------------------------------------------------------------------------------


def test_moving_a_post_there_on_the_calendar_moves_nothing(client_for, editor, post):
    business = post.business
    back = reverse("calendar", args=[business.pk]) + "?view=week&date=2026-12-28"
    before = all_rows()
    client = client_for(editor)
    response = client.post(
        reverse("calendar_reschedule", args=[business.pk, post.pk]),
        {"scheduled_at": "1969-12-31T23:59", "next": back},
    )
    assert response.status_code == 302 and response.url == back
    assert all_rows() == before
    post.refresh_from_db()
    assert post.scheduled_at == at(NEW_YORK, 2026, 12, 31, 20, 0)
    assert post.work_date == datetime.date(2026, 12, 31)
    page = client.get(back).content.decode()
    assert "“New year&#x27;s eve” was not moved: Scheduled publish time: " in page
    assert escape(OUTSIDE) in page


# --- Below the forms ----------------------------------------------------------------------------


def test_the_model_refuses_it(post):
    post.scheduled_at = at(NEW_YORK, 1969, 12, 31, 23, 59)
    with pytest.raises(ValidationError) as refused:
        post.full_clean()
    assert list(refused.value.message_dict) == ["scheduled_at"]


def test_the_work_date_is_never_derived_outside_the_years(post):
    """A write that skips the forms is stopped too, instead of saving a 1969 rollup."""
    post.scheduled_at = at(NEW_YORK, 1969, 12, 31, 23, 59)
    with pytest.raises(ValidationError):
        services.task_save(post)
    assert not DailyRollup.objects.filter(date__year=1969).exists()


def test_the_local_day_itself():
    moment = at("UTC", 1970, 1, 1, 4, 59)  # 1969-12-31 23:59 in New York
    assert plannable_local_date(moment, "UTC") == datetime.date(1970, 1, 1)
    assert plannable_local_date(moment, "Asia/Tokyo") == datetime.date(1970, 1, 1)
    with pytest.raises(ValidationError):
        plannable_local_date(moment, NEW_YORK)


def test_a_time_zone_that_would_move_a_post_out_of_the_years_is_refused(client_for, owner, post):
    """1970-01-01 03:00 in UTC is plannable in a UTC business; in New York it is 1969."""
    business = post.business
    business.time_zone = "UTC"
    services.business_update(business)
    post.scheduled_at = at("UTC", 1970, 1, 1, 3, 0)
    services.task_save(post)
    before = all_rows()
    response = client_for(owner).post(
        reverse("business_edit", args=[business.pk]),
        {
            "name": business.name,
            "website_url": business.website_url,
            "currency": business.currency,
            "time_zone": NEW_YORK,
            "hourly_rate": business.hourly_rate,
        },
    )
    assert_refused(
        response,
        "time_zone",
        "In this time zone the post “New year's eve” would fall on 31 December 1969",
    )
    assert all_rows() == before


def test_an_import_with_such_a_post_is_refused(owner, post):
    document = portability.export_business(post.business)
    document["tasks"][0]["scheduled_at"] = "1970-01-01T04:59:00+00:00"
    document["tasks"][0]["work_date"] = "1969-12-31"
    with pytest.raises(portability.ImportError_, match=r"tasks\[0\]: scheduled_at: In the"):
        portability.import_business(document, owner)
