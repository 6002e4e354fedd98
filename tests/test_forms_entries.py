"""Bad input on the task page's two forms: time entries and result entries."""

import datetime
import re
from collections import Counter
from decimal import Decimal

import pytest
from django.urls import reverse

from planner.models import DailyRollup, ResultEntry, TimeEntry
from tests.factories import ResultEntryFactory
from tests.form_checks import all_rows, assert_refused

NOT_NEGATIVE = "Ensure this value is greater than or equal to 0."
NOT_A_CHOICE = "Select a valid choice. That choice is not one of the available choices."
POSITIVE_HOURS = "Enter a positive number of hours."
DAY = datetime.date(2026, 11, 10)


def post_time(client, business, task, **changes):
    data = {"date": DAY.isoformat(), "hours": "1.5", "note": "copy", **changes}
    return client.post(reverse("time_entry_create", args=[business.pk, task.pk]), data)


def post_results(client, business, task, **changes):
    data = {
        "date": DAY.isoformat(),
        "impressions": "1000",
        "reach": "800",
        "engagements": "40",
        "clicks": "25",
        "conversions": "2",
        "conversion_value": "60.00",
        "spend": "12.50",
        **changes,
    }
    return client.post(reverse("result_create", args=[business.pk, task.pk]), data)


# --- time entries -----------------------------------------------------------------------------


@pytest.mark.parametrize("hours", ["0.25", "1.5", "24"])
def test_valid_time_entry_is_saved(client_for, business, editor, smo_task, hours):
    confirm = {"confirm_warnings": "on"} if Decimal(hours) > 12 else {}  # a long day: confirmed
    response = post_time(
        client_for(editor), business, smo_task, user=editor.pk, hours=hours, **confirm
    )
    entry = TimeEntry.objects.get()
    assert response.status_code == 302
    assert (entry.business, entry.task, entry.user) == (business, smo_task, editor)
    assert (entry.date, entry.hours) == (DAY, Decimal(hours))
    assert DailyRollup.objects.get(date=DAY).hours == Decimal(hours)


@pytest.mark.parametrize(
    "hours, message",
    [
        pytest.param("-1", POSITIVE_HOURS, id="negative"),
        pytest.param("0", POSITIVE_HOURS, id="zero"),
        pytest.param("0.3", "Hours are counted in quarter hours", id="not-a-quarter"),
        pytest.param("25", "A day has at most 24 hours.", id="25"),
        pytest.param("24.25", "A day has at most 24 hours.", id="24.25"),
        pytest.param("two", "Enter a number.", id="non-numeric"),
        pytest.param("NaN", "Enter a number.", id="nan"),
        pytest.param("", "This field is required.", id="blank"),
    ],
)
def test_bad_hours_are_refused(client_for, business, editor, smm_task, hours, message):
    before = all_rows()
    response = post_time(client_for(editor), business, smm_task, user=editor.pk, hours=hours)
    assert_refused(response, "hours", message, form="time_form")
    assert all_rows() == before


def test_a_member_of_another_business_is_not_a_valid_user(
    client_for, business, editor, smm_task, outsider
):
    before = all_rows()
    response = post_time(client_for(editor), business, smm_task, user=outsider.pk)
    assert_refused(response, "user", NOT_A_CHOICE, form="time_form")
    assert all_rows() == before


def test_time_entry_needs_a_user_and_a_date(client_for, business, editor, smm_task):
    before = all_rows()
    response = post_time(client_for(editor), business, smm_task, user="", date="")
    assert_refused(response, "user", "This field is required.", form="time_form")
    assert_refused(response, "date", "This field is required.", form="time_form")
    assert all_rows() == before


# --- result entries ---------------------------------------------------------------------------


def test_valid_results_are_saved(client_for, business, editor, smm_task):
    response = post_results(client_for(editor), business, smm_task)
    entry = ResultEntry.objects.get()
    assert response.status_code == 302
    assert (entry.business, entry.task, entry.date) == (business, smm_task, DAY)
    assert (entry.clicks, entry.spend, entry.conversion_value) == (
        25,
        Decimal("12.50"),
        Decimal("60.00"),
    )
    assert DailyRollup.objects.get(date=DAY).clicks == 25


def test_blank_figures_are_zeros(client_for, business, editor, smm_task):
    blank = dict.fromkeys(
        ["impressions", "reach", "engagements", "conversions", "conversion_value", "spend"], ""
    )
    response = post_results(client_for(editor), business, smm_task, **blank)
    entry = ResultEntry.objects.get()
    assert response.status_code == 302
    assert (entry.impressions, entry.clicks, entry.spend) == (0, 25, Decimal("0"))


@pytest.mark.parametrize(
    "field, value, message",
    [
        pytest.param("clicks", "-1", NOT_NEGATIVE, id="negative-clicks"),
        pytest.param("impressions", "a lot", "Enter a whole number.", id="text-impressions"),
        pytest.param("impressions", "1.5", "Enter a whole number.", id="fractional-impressions"),
        pytest.param("conversions", "-2", NOT_NEGATIVE, id="negative-conversions"),
        pytest.param("conversion_value", "-0.01", NOT_NEGATIVE, id="negative-value"),
        pytest.param("conversion_value", "ten", "Enter a number.", id="text-value"),
        pytest.param("spend", "-5", NOT_NEGATIVE, id="negative-spend"),
        pytest.param("spend", "5 dollars", "Enter a number.", id="text-spend"),
        pytest.param("date", "", "This field is required.", id="no-date"),
        pytest.param("date", "2026-11-31", "Enter a valid date.", id="bad-date"),
    ],
)
def test_bad_figures_are_refused(client_for, business, editor, smm_task, field, value, message):
    before = all_rows()
    response = post_results(client_for(editor), business, smm_task, **{field: value})
    assert_refused(response, field, message, form="result_form")
    assert all_rows() == before


@pytest.mark.parametrize("task_fixture", ["smo_task", "smm_task"])
def test_a_second_result_for_the_same_day_is_refused(
    client_for, business, editor, task_fixture, request
):
    task = request.getfixturevalue(task_fixture)
    ResultEntryFactory(task=task, date=DAY, clicks=7)
    before = all_rows()
    response = post_results(client_for(editor), business, task, clicks="99")
    assert_refused(
        response, "date", "Results for this day are already recorded", form="result_form"
    )
    assert all_rows() == before
    assert ResultEntry.objects.get(task=task).clicks == 7


def test_the_same_day_on_another_task_is_allowed(client_for, business, editor, smo_task, smm_task):
    ResultEntryFactory(task=smo_task, date=DAY)
    response = post_results(client_for(editor), business, smm_task)
    assert response.status_code == 302
    assert ResultEntry.objects.filter(date=DAY).count() == 2


@pytest.mark.parametrize("spend", ["99.00", "-5", "not money"])
def test_organic_results_ignore_spend(client_for, business, editor, smo_task, spend):
    response = post_results(client_for(editor), business, smo_task, spend=spend)
    entry = ResultEntry.objects.get()
    assert response.status_code == 302
    assert (entry.task, entry.clicks, entry.spend) == (smo_task, 25, Decimal("0"))
    assert DailyRollup.objects.get(date=DAY, kind="smo").spend == Decimal("0")


@pytest.mark.parametrize("refused", ["time", "results"])
def test_the_task_page_forms_have_distinct_field_ids(
    client_for, business, editor, smm_task, refused
):
    """Both forms have a "date" field: each label and error must point at its own input."""
    client = client_for(editor)
    if refused == "time":
        response = post_time(client, business, smm_task, date="")
    else:
        response = post_results(client, business, smm_task, date="")
    assert response.status_code == 400
    ids = re.findall(r'\sid="([^"]+)"', response.content.decode())
    assert [name for name, count in Counter(ids).items() if count > 1] == []
