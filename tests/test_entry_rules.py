"""Figures and hours that cannot be true are refused with the reason, next to the field: on the
task page's forms, through the API and in a bulk upsert (nothing saved); blanks are "not
reported" and set no ceiling."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from planner.entry_rules import hours_over_a_day, impossible_results
from planner.models import ResultEntry, TimeEntry
from tests.api_support import ApiClient, api, make_key
from tests.factories import TimeEntryFactory

DAY = datetime.date(2026, 11, 10)


@pytest.mark.parametrize(
    "figures, fields",
    [
        ({"impressions": 10, "clicks": 500}, {"clicks"}),
        ({"impressions": 100, "reach": 101}, {"reach"}),
        ({"clicks": 500, "conversions": 900}, {"conversions"}),
        ({"impressions": 10, "reach": 20, "clicks": 11, "conversions": 12},
         {"clicks", "reach", "conversions"}),
        ({"impressions": 0, "clicks": 50}, set()),  # impressions not reported
        ({"clicks": 0, "conversions": 3}, set()),  # clicks not reported
        ({"impressions": 100, "reach": 100, "clicks": 100, "conversions": 100}, set()),
    ],
)  # fmt: skip
def test_what_cannot_be_true_together(figures, fields):
    assert set(impossible_results(figures)) == fields


def test_a_day_has_24_hours():
    assert hours_over_a_day(Decimal("20"), Decimal("4")) is None
    assert "24.25 hours" in hours_over_a_day(Decimal("20"), Decimal("4.25"))


def post_results(client, business, task, **figures):
    data = {"date": DAY.isoformat(), **figures}
    return client.post(reverse("result_create", args=[business.pk, task.pk]), data)


@pytest.mark.parametrize(
    "figures, field, words",
    [
        ({"impressions": "10", "clicks": "500"}, "clicks", "each click needs an impression"),
        ({"impressions": "10", "reach": "50"}, "reach", "cannot exceed impressions"),
        ({"clicks": "500", "conversions": "900"}, "conversions", "900 conversions from 500"),
    ],
)
def test_the_form_refuses_impossible_figures(
    client_for, business, editor, smm_task, figures, field, words
):
    response = post_results(client_for(editor), business, smm_task, **figures)
    assert response.status_code == 400
    assert words in " ".join(response.context["result_form"].errors[field])
    assert not ResultEntry.objects.exists()


def test_the_api_refuses_them_too(business, owner, smm_task):
    writer = ApiClient(make_key(business, owner, "write")[1])
    body = {"task": smm_task.pk, "date": DAY.isoformat(), "impressions": 10, "clicks": 500}
    response = writer.post(api(business, "results/"), body)
    assert response.status_code == 400 and "clicks" in response.json()
    bulk = writer.post(
        api(business, "results/bulk/"),
        {"rows": [{"task": smm_task.pk, "date": "2026-11-11", "clicks": 5}, body]},
    )
    assert bulk.status_code == 400
    assert [error["row"] for error in bulk.json()["errors"]] == [1]
    assert "clicks" in bulk.json()["errors"][0]
    assert not ResultEntry.objects.exists()


def post_time(client, business, task, user, hours):
    data = {"date": DAY.isoformat(), "hours": hours, "user": user.pk}
    return client.post(reverse("time_entry_create", args=[business.pk, task.pk]), data)


def test_one_person_s_day_holds_24_hours_at_most(client_for, business, editor, smo_task):
    client = client_for(editor)
    assert post_time(client, business, smo_task, editor, "20").status_code == 302
    refused = post_time(client, business, smo_task, editor, "20")
    assert refused.status_code == 400
    assert "40 hours on one day" in " ".join(refused.context["time_form"].errors["hours"])
    assert TimeEntry.objects.count() == 1
    assert post_time(client, business, smo_task, editor, "4").status_code == 302


def test_another_day_or_another_business_does_not_count(
    client_for, business, editor, smo_task, other_business
):
    TimeEntryFactory(task__business=other_business, user=editor, date=DAY, hours=Decimal("20"))
    TimeEntryFactory(task=smo_task, user=editor, date=DAY - datetime.timedelta(days=1), hours=20)
    assert post_time(client_for(editor), business, smo_task, editor, "20").status_code == 302
