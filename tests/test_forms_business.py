"""Bad input on the business forms (create and settings): a message at the field, nothing saved."""

from decimal import Decimal

import pytest
from django.urls import reverse

from planner.models import Business, Membership, Role
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
