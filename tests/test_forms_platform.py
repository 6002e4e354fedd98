"""Bad input on the platform form: duplicates and non-web profile URLs are refused at the field."""

import pytest
from django.urls import reverse

from planner.models import Platform
from tests.factories import PlatformFactory
from tests.form_checks import assert_refused

DUPLICATE = "This business already has this profile."
BAD_URL = "Enter a valid URL."


def post_create(client, to_business, **data):
    return client.post(
        reverse("platform_create", args=[to_business.pk]), {"kind": "facebook", **data}
    )


def test_valid_platform_is_saved_in_the_business(client_for, business, editor, other_business):
    response = post_create(
        client_for(editor),
        business,
        kind="x",
        handle="@AcmeRoasters",
        profile_url="https://x.com/AcmeRoasters",
        has_bio="on",
        business=other_business.pk,  # ignored: the business comes from the URL
    )
    platform = Platform.objects.get(handle="AcmeRoasters")
    assert response.status_code == 302
    assert (platform.business, platform.kind, platform.has_bio) == (business, "x", True)


@pytest.mark.parametrize("handle", ["acme", "ACME", "Acme", "@acme", "@ACME", "  @Acme  "])
def test_duplicate_handle_of_the_same_kind_is_refused(
    client_for, business, editor, platform, handle
):
    assert (platform.kind, platform.handle) == ("facebook", "acme")
    response = post_create(client_for(editor), business, kind="facebook", handle=handle)
    assert_refused(response, "handle", DUPLICATE)
    assert Platform.objects.count() == 1


def test_duplicate_handle_differing_in_non_ascii_case_is_refused(client_for, business, editor):
    PlatformFactory(business=business, kind="facebook", handle="Café")
    response = post_create(client_for(editor), business, kind="facebook", handle="CAFÉ")
    assert_refused(response, "handle", DUPLICATE)
    assert Platform.objects.count() == 1


def test_same_handle_on_another_kind_is_allowed(client_for, business, editor, platform):
    response = post_create(client_for(editor), business, kind="instagram", handle="@acme")
    assert response.status_code == 302
    assert Platform.objects.filter(business=business, handle="acme").count() == 2


def test_same_handle_in_another_business_is_allowed(client_for, business, editor, other_business):
    PlatformFactory(business=other_business, kind="facebook", handle="rival")
    response = post_create(client_for(editor), business, kind="facebook", handle="@Rival")
    assert response.status_code == 302
    assert Platform.objects.get(business=business).handle == "Rival"
    assert Platform.objects.filter(handle__iexact="rival").count() == 2


def test_renaming_onto_another_profile_is_refused(client_for, business, editor, platform):
    second = PlatformFactory(business=business, kind="facebook", handle="acme_shop")
    response = client_for(editor).post(
        reverse("platform_edit", args=[business.pk, second.pk]),
        {"kind": "facebook", "handle": "@Acme"},
    )
    assert_refused(response, "handle", DUPLICATE)
    second.refresh_from_db()
    assert second.handle == "acme_shop"


def test_changing_the_case_of_its_own_handle_is_allowed(client_for, business, editor, platform):
    response = client_for(editor).post(
        reverse("platform_edit", args=[business.pk, platform.pk]),
        {"kind": "facebook", "handle": "Acme"},
    )
    assert response.status_code == 302
    platform.refresh_from_db()
    assert platform.handle == "Acme"


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("profile_url", "ftp://x.example/acme", BAD_URL),
        ("profile_url", "javascript:alert(1)", BAD_URL),
        ("handle", "@", "Enter the profile's handle."),
        ("handle", "", "This field is required."),
        ("kind", "myspace", "Select a valid choice."),
    ],
)
def test_bad_input_on_create_is_refused(client_for, business, editor, field, value, message):
    response = post_create(client_for(editor), business, **{"handle": "acme", field: value})
    assert_refused(response, field, message)
    assert not Platform.objects.exists()


@pytest.mark.parametrize("url", ["ftp://x.example/acme", "javascript:alert(1)"])
def test_bad_profile_url_on_edit_changes_nothing(client_for, business, editor, platform, url):
    platform.profile_url = "https://facebook.com/acme"
    platform.save()
    response = client_for(editor).post(
        reverse("platform_edit", args=[business.pk, platform.pk]),
        {"kind": "facebook", "handle": "acme", "profile_url": url},
    )
    assert_refused(response, "profile_url", BAD_URL)
    platform.refresh_from_db()
    assert platform.profile_url == "https://facebook.com/acme"
