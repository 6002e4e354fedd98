"""Bad input on the business forms (create and settings): a message at the field, nothing saved."""

from decimal import Decimal

import pytest
from django.urls import reverse

from planner.models import Business, Membership, Role
from tests.factories import ResultEntryFactory
from tests.form_checks import assert_refused

VALID = {
    "name": "Bean Co",
    "website_url": "https://bean.example",
    "currency": "EUR",
    "time_zone": "Europe/Berlin",
    "hourly_rate": "42.50",
    "approval_mode": "off",
}
NOT_NEGATIVE = "Ensure this value is greater than or equal to 0."
BAD_URL = "Enter a valid URL."

BAD_INPUT = [
    pytest.param("hourly_rate", "-1", NOT_NEGATIVE, id="negative-rate"),
    pytest.param("hourly_rate", "-0.01", NOT_NEGATIVE, id="negative-cent-rate"),
    pytest.param("hourly_rate", "fifty", "Enter a number.", id="non-numeric-rate"),
    pytest.param("website_url", "ftp://x.example", BAD_URL, id="ftp-url"),
    pytest.param("website_url", "javascript:alert(1)", BAD_URL, id="javascript-url"),
    pytest.param(
        "currency",
        "ZZZ",
        "Select a valid choice. ZZZ is not one of the available choices.",
        id="unknown-currency",
    ),
    pytest.param(
        "time_zone",
        "Mars/Olympus_Mons",
        "Select a valid choice. Mars/Olympus_Mons is not one of the available choices.",
        id="unknown-time-zone",
    ),
    pytest.param("name", "", "This field is required.", id="no-name"),
]


def test_valid_create_makes_the_creator_the_owner(client_for, new_user):
    response = client_for(new_user).post(reverse("business_create"), VALID)
    business = Business.objects.get(name="Bean Co")
    assert response.status_code == 302
    assert business.hourly_rate == Decimal("42.50")
    assert (business.currency, business.time_zone) == ("EUR", "Europe/Berlin")
    assert list(Membership.objects.filter(business=business).values_list("user", "role")) == [
        (new_user.pk, Role.OWNER)
    ]


def test_website_without_scheme_is_taken_as_https(client_for, new_user):
    client_for(new_user).post(reverse("business_create"), {**VALID, "website_url": "bean.example"})
    assert Business.objects.get(name="Bean Co").website_url == "https://bean.example"


@pytest.mark.parametrize("field, value, message", BAD_INPUT)
def test_bad_input_on_create_is_refused_at_the_field(client_for, new_user, field, value, message):
    response = client_for(new_user).post(reverse("business_create"), {**VALID, field: value})
    assert_refused(response, field, message)
    assert not Business.objects.exists()
    assert not Membership.objects.filter(user=new_user).exists()


def test_valid_settings_are_saved(client_for, business, owner):
    response = client_for(owner).post(
        reverse("business_edit", args=[business.pk]), {**VALID, "hourly_rate": "60"}
    )
    business.refresh_from_db()
    assert response.status_code == 302
    assert (business.name, business.hourly_rate) == ("Bean Co", Decimal("60.00"))


@pytest.mark.parametrize("field, value, message", BAD_INPUT)
def test_bad_input_on_settings_is_refused_at_the_field(
    client_for, business, owner, field, value, message
):
    before = Business.objects.filter(pk=business.pk).values().get()
    response = client_for(owner).post(
        reverse("business_edit", args=[business.pk]), {**VALID, field: value}
    )
    assert_refused(response, field, message)
    assert Business.objects.filter(pk=business.pk).values().get() == before


def test_refused_settings_page_shows_the_saved_name(client_for, business, owner):
    response = client_for(owner).post(
        reverse("business_edit", args=[business.pk]),
        {**VALID, "name": "Renamed Co", "hourly_rate": "-1"},
    )
    assert response.status_code == 400
    assert Business.objects.get(pk=business.pk).name == "Acme Roasters"
    assert response.wsgi_request.business.name == "Acme Roasters"
    assert "Settings of Renamed Co" not in response.content.decode()


def test_the_long_selects_render_escaped_with_the_choice_selected():
    from planner.forms.base import LongSelect

    widget = LongSelect(choices=[("a", "Plain"), ('"><script>', "<b>&</b>"), ("UTC", "UTC")])
    html = widget.render("time_zone", "UTC", attrs={"id": "id_tz", "required": True})
    assert html.startswith('<select id="id_tz" name="time_zone" required>')
    assert '<option value="UTC" selected>UTC</option>' in html
    assert '<option value="a">Plain</option>' in html
    assert "<script>" not in html and "&lt;b&gt;&amp;&lt;/b&gt;" in html
    assert '<option value="&quot;&gt;&lt;script&gt;">' in html


def test_a_new_business_states_its_hourly_rate(client_for, new_user):
    page = client_for(new_user).get(reverse("business_create")).content.decode()
    assert "organic work looks free" in page
    response = client_for(new_user).post(reverse("business_create"), {**VALID, "hourly_rate": ""})
    assert_refused(response, "hourly_rate", "This field is required.")
    assert not Business.objects.exists()


def test_a_currency_change_with_money_recorded_needs_a_confirmation(
    client_for, business, owner, smm_task
):
    ResultEntryFactory(task=smm_task, spend=Decimal("50"))
    url = reverse("business_edit", args=[business.pk])
    before = business.currency
    new = "EUR" if before != "EUR" else "USD"
    refused = client_for(owner).post(url, {**VALID, "currency": new})
    assert_refused(refused, "confirm_currency", "Amounts are not converted")
    business.refresh_from_db()
    assert business.currency == before
    confirmed = client_for(owner).post(url, {**VALID, "currency": new, "confirm_currency": "on"})
    assert confirmed.status_code == 302
    business.refresh_from_db()
    assert business.currency == new


def test_a_currency_change_with_nothing_recorded_needs_none(client_for, business, owner):
    new = "EUR" if business.currency != "EUR" else "USD"
    response = client_for(owner).post(
        reverse("business_edit", args=[business.pk]), {**VALID, "currency": new}
    )
    assert response.status_code == 302


def test_the_dashboard_flags_an_hourly_rate_of_zero(client_for, business, owner, viewer):
    business.hourly_rate = 0
    business.save(update_fields=["hourly_rate"])
    url = reverse("dashboard", args=[business.pk])
    owners = client_for(owner).get(url).content.decode()
    assert 'data-testid="zero-rate"' in owners
    assert (
        reverse("business_edit", args=[business.pk]) in owners.split('data-testid="zero-rate"')[1]
    )
    assert "An owner can set" in client_for(viewer).get(url).content.decode()
    business.hourly_rate = Decimal("40")
    business.save(update_fields=["hourly_rate"])
    assert 'data-testid="zero-rate"' not in client_for(owner).get(url).content.decode()
