"""Bad input on the SMM ad campaign form: flight, budget, bid, audience, destination, and rows of
another business smuggled into the POST."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from planner.models import DailyRollup, Task
from tests.factories import CampaignFactory, PlatformFactory
from tests.form_checks import all_rows, assert_refused

NOT_A_CHOICE = "Select a valid choice. That choice is not one of the available choices."
NOT_NEGATIVE = "Ensure this value is greater than or equal to 0."
BAD_URL = "Enter a valid URL."


def smm_data(platform, /, **changes):
    return {
        "platform": platform.pk,
        "title": "Cafe owners",
        "objective": "leads",
        "bid_model": "cpc",
        "max_bid": "1.20",
        "budget_type": "daily",
        "budget_amount": "30",
        "flight_start": "2026-12-01",
        "flight_end": "2026-12-31",
        "audience_age_min": "25",
        "audience_age_max": "54",
        "destination_url": "https://shop.example/b2b",
        "status": "draft",
        "estimated_hours": "4",
        **changes,
    }


def create(client, business, data):
    return client.post(reverse("smm_create", args=[business.pk]), data)


def test_valid_ad_campaign_is_saved_in_the_business(
    client_for, business, editor, platform, campaign, other_business
):
    data = smm_data(
        platform,
        campaign=campaign.pk,
        assignee=editor.pk,
        status="active",
        budget_type="lifetime",
        budget_amount="900",
        business=other_business.pk,  # ignored: the business comes from the URL
    )
    response = create(client_for(editor), business, data)
    task = Task.objects.get()
    assert response.status_code == 302
    assert (task.business, task.kind, task.platform, task.campaign, task.assignee) == (
        business,
        "smm",
        platform,
        campaign,
        editor,
    )
    assert (task.budget_type, task.budget_amount) == ("lifetime", Decimal("900.00"))
    assert (task.flight_start, task.flight_end) == (
        datetime.date(2026, 12, 1),
        datetime.date(2026, 12, 31),
    )
    assert DailyRollup.objects.filter(business=business, kind="smm").exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"flight_start": "2026-12-01", "flight_end": "2026-12-01"},  # a one-day flight
        {"audience_age_min": "30", "audience_age_max": "30"},
        {"audience_age_min": "13", "audience_age_max": "100"},
        {"audience_age_min": "", "audience_age_max": ""},
        {"max_bid": "0", "budget_amount": "0"},
        {"status": "draft", "flight_start": "", "flight_end": ""},  # a draft needs no flight
    ],
)
def test_edge_values_are_accepted(client_for, business, editor, platform, changes):
    response = create(client_for(editor), business, smm_data(platform, **changes))
    assert response.status_code == 302
    assert Task.objects.count() == 1


BAD_INPUT = [
    pytest.param(
        {"flight_start": "2026-12-10", "flight_end": "2026-12-09"},
        "flight_end",
        "The flight cannot end before it starts.",
        id="flight-end-before-start",
    ),
    pytest.param(
        {"budget_type": "lifetime", "budget_amount": ""},
        "budget_amount",
        "A lifetime budget needs an amount.",
        id="lifetime-without-amount",
    ),
    pytest.param({"max_bid": "-0.01"}, "max_bid", NOT_NEGATIVE, id="negative-bid"),
    pytest.param({"max_bid": "a euro"}, "max_bid", "Enter a number.", id="text-bid"),
    pytest.param({"budget_amount": "-1"}, "budget_amount", NOT_NEGATIVE, id="negative-budget"),
    pytest.param({"budget_amount": "lots"}, "budget_amount", "Enter a number.", id="text-budget"),
    pytest.param(
        {"status": "active", "flight_start": "", "flight_end": ""},
        "flight_start",
        "An active ad campaign needs a flight start.",
        id="active-without-flight-start",
    ),
    pytest.param(
        {"status": "active", "flight_start": "", "flight_end": ""},
        "flight_end",
        "An active ad campaign needs a flight end.",
        id="active-without-flight-end",
    ),
    pytest.param(
        {"status": "active", "flight_end": ""},
        "flight_end",
        "An active ad campaign needs a flight end.",
        id="active-with-start-only",
    ),
    pytest.param(
        {"audience_age_min": "35", "audience_age_max": "34"},
        "audience_age_max",
        "The maximum age cannot be below the minimum.",
        id="age-max-below-min",
    ),
    pytest.param({"destination_url": "ftp://x.example/"}, "destination_url", BAD_URL, id="ftp"),
    pytest.param(
        {"destination_url": "javascript:alert(1)"}, "destination_url", BAD_URL, id="js-url"
    ),
    pytest.param(
        {"status": "scheduled"},
        "status",
        "Select a valid choice. scheduled is not one of the available choices.",
        id="smo-status",
    ),
    pytest.param(
        {"budget_type": "weekly"},
        "budget_type",
        "Select a valid choice. weekly is not one of the available choices.",
        id="unknown-budget-type",
    ),
    pytest.param({"budget_type": ""}, "budget_type", "This field is required.", id="no-budget"),
    pytest.param({"objective": ""}, "objective", "This field is required.", id="no-objective"),
    pytest.param(
        {"flight_start": "2026-13-01"}, "flight_start", "Enter a valid date.", id="bad-date"
    ),
    pytest.param(
        {"estimated_hours": "1.3"},
        "estimated_hours",
        "Hours are counted in quarter hours",
        id="hours-not-quarter",
    ),
    pytest.param({"production_cost": "-5"}, "production_cost", NOT_NEGATIVE, id="negative-cost"),
]


@pytest.mark.parametrize("changes, field, message", BAD_INPUT)
def test_bad_input_on_create_is_refused(
    client_for, business, editor, platform, changes, field, message
):
    response = create(client_for(editor), business, smm_data(platform, **changes))
    assert_refused(response, field, message)
    assert not Task.objects.exists()
    assert not DailyRollup.objects.exists()


@pytest.mark.parametrize("changes, field, message", BAD_INPUT)
def test_bad_input_on_edit_changes_nothing(
    client_for, business, editor, platform, smm_task, changes, field, message
):
    before = all_rows()
    response = client_for(editor).post(
        reverse("smm_edit", args=[business.pk, smm_task.pk]),
        smm_data(platform, title="Renamed", **changes),
    )
    assert_refused(response, field, message)
    assert all_rows() == before


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("audience_age_min", "5", "Ensure this value is greater than or equal to 13."),
        ("audience_age_min", "12", "Ensure this value is greater than or equal to 13."),
        ("audience_age_max", "12", "Ensure this value is greater than or equal to 13."),
        ("audience_age_max", "101", "Ensure this value is less than or equal to 100."),
        ("audience_age_min", "-1", "Ensure this value is greater than or equal to"),
        ("audience_age_min", "thirty", "Enter a whole number."),
    ],
)
def test_age_outside_13_to_100_is_refused(
    client_for, business, editor, platform, field, value, message
):
    data = {**smm_data(platform, audience_age_min="", audience_age_max=""), field: value}
    response = create(client_for(editor), business, data)
    assert_refused(response, field, message)
    assert not Task.objects.exists()
    assert not DailyRollup.objects.exists()


@pytest.fixture
def foreign_ids(other_business, outsider):
    return {
        "platform": PlatformFactory(business=other_business, kind="linkedin", handle="rival").pk,
        "campaign": CampaignFactory(business=other_business).pk,
        "assignee": outsider.pk,
    }


@pytest.mark.parametrize("field", ["platform", "campaign", "assignee"])
def test_a_row_of_another_business_is_not_a_valid_choice(
    client_for, business, editor, platform, foreign_ids, field
):
    data = smm_data(platform, **{field: foreign_ids[field]})
    response = create(client_for(editor), business, data)
    assert_refused(response, field, NOT_A_CHOICE)
    assert not Task.objects.exists()
    assert not DailyRollup.objects.exists()


@pytest.mark.parametrize("field", ["platform", "campaign", "assignee"])
def test_editing_onto_a_row_of_another_business_changes_nothing(
    client_for, business, editor, platform, smm_task, foreign_ids, field
):
    before = all_rows()
    response = client_for(editor).post(
        reverse("smm_edit", args=[business.pk, smm_task.pk]),
        smm_data(platform, **{field: foreign_ids[field]}),
    )
    assert_refused(response, field, NOT_A_CHOICE)
    assert all_rows() == before
