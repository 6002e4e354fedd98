"""Figures and hours that cannot be true are refused with the reason, next to the field: on the
task page's forms, through the API and in a bulk upsert (nothing saved); blanks are "not
reported" and set no ceiling."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from planner.entry_rules import hours_over_a_day, impossible_results
from planner.models import ResultEntry, Task, TimeEntry
from tests.api_support import ApiClient, api, make_key
from tests.factories import CampaignFactory, TimeEntryFactory

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


def post_time(client, business, task, user, hours, day=DAY, confirm=True):
    data = {"date": day.isoformat(), "hours": hours, "user": user.pk}
    if confirm:
        data["confirm_warnings"] = "on"  # long days are confirmed; 24 hours is a wall
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


# Unusual, not impossible: warnings the user confirms.


def test_a_long_day_is_saved_once_confirmed(client_for, business, editor, smo_task):
    client = client_for(editor)
    warned = post_time(client, business, smo_task, editor, "13", confirm=False)
    assert warned.status_code == 400
    form = warned.context["time_form"]
    assert "13 hours on one day" in " ".join(form.errors["confirm_warnings"])
    assert 'type="checkbox" name="confirm_warnings"' in warned.content.decode()
    assert not TimeEntry.objects.exists()
    assert post_time(client, business, smo_task, editor, "13").status_code == 302


def test_time_and_results_for_a_future_day_are_warned(client_for, business, editor, smm_task):
    client = client_for(editor)
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    warned = post_time(client, business, smm_task, editor, "1", day=tomorrow, confirm=False)
    assert "in the future" in " ".join(warned.context["time_form"].errors["confirm_warnings"])
    result = post_results(client, business, smm_task, date=tomorrow.isoformat(), clicks="1")
    assert "in the future" in " ".join(result.context["result_form"].errors["confirm_warnings"])
    assert not ResultEntry.objects.exists() and not TimeEntry.objects.exists()


def test_spend_outside_the_flight_is_warned(client_for, business, editor, smm_task):
    smm_task.flight_start, smm_task.flight_end = DAY, DAY + datetime.timedelta(days=5)
    smm_task.save(update_fields=["flight_start", "flight_end"])
    day_before = (DAY - datetime.timedelta(days=1)).isoformat()
    client = client_for(editor)
    warned = post_results(client, business, smm_task, date=day_before, spend="5")
    assert "outside the ad's flight" in " ".join(
        warned.context["result_form"].errors["confirm_warnings"]
    )
    no_spend = post_results(client, business, smm_task, date=day_before, clicks="3")
    assert no_spend.status_code == 302  # figures without spend outside the flight: fine


def smm(platform, campaign, **changes):
    return {
        "platform": platform.pk, "campaign": campaign.pk, "title": "Ad", "objective": "traffic",
        "bid_model": "cpc", "budget_type": "lifetime", "budget_amount": "100",
        "flight_start": "2026-12-01", "flight_end": "2026-12-10", "status": "draft",
        "estimated_hours": "1", **changes,
    }  # fmt: skip


def test_an_ad_outside_its_campaign_or_over_its_budget_is_warned(
    client_for, business, editor, platform
):
    campaign = CampaignFactory(
        business=business, start_date=datetime.date(2026, 12, 1),
        end_date=datetime.date(2026, 12, 31), budget=Decimal("500"),
    )  # fmt: skip
    client = client_for(editor)
    url = reverse("smm_create", args=[business.pk])
    assert client.post(url, smm(platform, campaign)).status_code == 302
    early = client.post(url, smm(platform, campaign, flight_start="2026-11-20"))
    assert "outside its campaign's dates" in " ".join(
        early.context["form"].errors["confirm_warnings"]
    )
    # 100 saved, and 30 a day for 15 days: 550 of a 500 budget.
    over = smm(platform, campaign, budget_type="daily", budget_amount="30", flight_end="2026-12-15")
    warned = client.post(url, over)
    assert "may spend 550.00" in " ".join(warned.context["form"].errors["confirm_warnings"])
    assert Task.objects.count() == 1
    assert client.post(url, {**over, "confirm_warnings": "on"}).status_code == 302


def test_the_api_confirms_a_warning_in_the_body(business, owner, smm_task):
    writer = ApiClient(make_key(business, owner, "write")[1])
    tomorrow = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    body = {"task": smm_task.pk, "date": tomorrow, "clicks": 1}
    warned = writer.post(api(business, "results/"), body)
    assert warned.status_code == 400 and "in the future" in warned.json()["confirm_warnings"][0]
    assert (
        writer.post(api(business, "results/"), {**body, "confirm_warnings": True}).status_code
        == 201
    )


def test_a_bulk_upsert_is_not_held_by_warnings(business, owner, smm_task):
    writer = ApiClient(make_key(business, owner, "write")[1])
    tomorrow = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    rows = [{"task": smm_task.pk, "date": tomorrow, "clicks": 1}]
    assert writer.post(api(business, "results/bulk/"), {"rows": rows}).status_code == 200
