"""Bad input on the campaign form: dates in order, a budget that is a non-negative number."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from planner.models import Campaign
from tests.form_checks import assert_refused

VALID = {
    "name": "Spring push",
    "objective": "More café customers",
    "start_date": "2026-03-01",
    "end_date": "2026-03-31",
    "budget": "1500.00",
    "notes": "",
}
REQUIRED = "This field is required."

BAD_INPUT = [
    pytest.param(
        {"start_date": "2026-03-31", "end_date": "2026-03-30"},
        "end_date",
        "The end date cannot be before the start date.",
        id="end-before-start",
    ),
    pytest.param(
        {"budget": "-1"},
        "budget",
        "Ensure this value is greater than or equal to 0.",
        id="negative-budget",
    ),
    pytest.param({"budget": "lots"}, "budget", "Enter a number.", id="non-numeric-budget"),
    pytest.param({"budget": "1e400"}, "budget", "Ensure that there are no more than", id="huge"),
    pytest.param({"start_date": ""}, "start_date", REQUIRED, id="no-start"),
    pytest.param({"end_date": ""}, "end_date", REQUIRED, id="no-end"),
    pytest.param({"end_date": "2026-02-30"}, "end_date", "Enter a valid date.", id="bad-date"),
    pytest.param({"name": ""}, "name", REQUIRED, id="no-name"),
]


def test_valid_campaign_is_saved_in_the_business(client_for, business, editor, other_business):
    response = client_for(editor).post(
        reverse("campaign_create", args=[business.pk]),
        {**VALID, "business": other_business.pk},  # ignored: the business comes from the URL
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert campaign.business == business
    assert campaign.budget == Decimal("1500.00")


def test_one_day_campaign_is_allowed(client_for, business, editor):
    response = client_for(editor).post(
        reverse("campaign_create", args=[business.pk]),
        {**VALID, "start_date": "2026-03-01", "end_date": "2026-03-01"},
    )
    assert response.status_code == 302
    assert Campaign.objects.get().end_date == datetime.date(2026, 3, 1)


@pytest.mark.parametrize("changes, field, message", BAD_INPUT)
def test_bad_input_on_create_is_refused(client_for, business, editor, changes, field, message):
    response = client_for(editor).post(
        reverse("campaign_create", args=[business.pk]), {**VALID, **changes}
    )
    assert_refused(response, field, message)
    assert not Campaign.objects.exists()


@pytest.mark.parametrize("changes, field, message", BAD_INPUT)
def test_bad_input_on_edit_changes_nothing(
    client_for, business, editor, campaign, changes, field, message
):
    before = Campaign.objects.filter(pk=campaign.pk).values().get()
    response = client_for(editor).post(
        reverse("campaign_edit", args=[business.pk, campaign.pk]), {**VALID, **changes}
    )
    assert_refused(response, field, message)
    assert Campaign.objects.filter(pk=campaign.pk).values().get() == before
