"""API keys (the owner's page, hashing, scopes, expiry, revocation, "last used"), session
calls with their CSRF token, and the rate per caller (429 with Retry-After)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from planner import services
from planner.api import keys, throttling
from planner.api.models import ApiKey
from planner.models import Membership, Platform
from planner.teamwork.models import Activity
from tests.api_support import ApiClient, api, make_key
from tests.factories import MembershipFactory


def key_page(business):
    return reverse("api_key_list", args=[business.pk])


def test_the_owner_creates_a_key_that_is_shown_once(client, business, owner):
    client.force_login(owner)
    response = client.post(key_page(business), {"name": "Zapier", "scope": "write"})
    assert response.status_code == 200
    secret = response.context["created"][1]
    assert secret.startswith("cp_") and len(secret) > 40
    assert secret in response.content.decode()
    key = ApiKey.objects.get()
    assert key.key_hash == keys.key_hash(secret) and secret not in str(ApiKey.objects.values())
    assert key.created_by == owner and key.scope == "write" and key.expires_at is None
    assert Activity.objects.filter(business=business, verb="integration").count() == 1
    again = client.get(key_page(business)).content.decode()
    assert secret not in again and key.prefix in again  # listed by its first characters
    assert ApiClient(secret).get(api(business, "platforms/")).status_code == 200


def test_a_key_s_expiry_is_the_end_of_the_chosen_day(client, business, owner):
    business.time_zone = "Europe/Berlin"
    business.save(update_fields=["time_zone"])
    client.force_login(owner)
    day = timezone.localdate() + datetime.timedelta(days=3)
    client.post(key_page(business), {"name": "Temp", "scope": "read", "expires_on": day})
    expires = ApiKey.objects.get().expires_at.astimezone(
        datetime.timezone(datetime.timedelta(hours=1))
    )
    assert expires.date() == day + datetime.timedelta(days=1) and expires.hour == 0


@pytest.mark.parametrize(
    "data, field",
    [
        ({"name": " ", "scope": "read"}, "name"),
        ({"name": "K", "scope": "admin"}, "scope"),
        ({"name": "K", "scope": "read", "expires_on": "2001-01-01"}, "expires_on"),
        ({"name": "K", "scope": "read", "expires_on": "2999-01-01"}, "expires_on"),
    ],
)
def test_a_bad_key_form_says_why_and_creates_nothing(client, business, owner, data, field):
    client.force_login(owner)
    response = client.post(key_page(business), data)
    assert response.status_code == 400 and field in response.context["form"].errors
    assert not ApiKey.objects.exists()


def test_a_revoked_key_is_refused(client, business, owner):
    key, secret = make_key(business, owner)
    client.force_login(owner)
    response = client.post(reverse("api_key_revoke", args=[business.pk, key.pk]))
    assert response.status_code == 302
    refused = ApiClient(secret).get(api(business, "platforms/"))
    assert refused.status_code == 401 and "revoked" in refused.json()["detail"]


def test_an_expired_key_is_refused(business, owner):
    _key, secret = make_key(business, owner, state="expired")
    refused = ApiClient(secret).get(api(business, "platforms/"))
    assert refused.status_code == 401 and "expired" in refused.json()["detail"]


@pytest.mark.parametrize(
    "header",
    ["Bearer cp_nothing", "Bearer", "Bearer a b", "Bearer not-a-key", "Bearer " + "x" * 5000],
)
def test_a_wrong_key_is_401(client, business, header):
    response = client.get(api(business, "platforms/"), headers={"Authorization": header})
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Bearer"


def test_last_used_is_kept_without_a_write_per_request(business, owner):
    key, secret = make_key(business, owner)
    assert key.last_used_at is None
    caller = ApiClient(secret)
    caller.get(api(business, "platforms/"))
    first = ApiKey.objects.get(pk=key.pk).last_used_at
    assert first is not None
    caller.get(api(business, "platforms/"))
    assert ApiKey.objects.get(pk=key.pk).last_used_at == first  # within the minute
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=first - datetime.timedelta(minutes=5))
    caller.get(api(business, "platforms/"))
    assert ApiKey.objects.get(pk=key.pk).last_used_at > first


def test_a_read_key_reads_and_cannot_write(business, owner):
    _key, secret = make_key(business, owner, "read")
    caller = ApiClient(secret)
    assert caller.get(api(business, "platforms/")).status_code == 200
    assert caller.post(api(business, "platforms/"), {"kind": "x", "handle": "h"}).status_code == 403
    assert not Platform.objects.filter(handle="h").exists()


def test_a_key_never_acts_as_an_owner(business, owner):
    """A write key is an editor: the members list is there to read, not to manage."""
    _key, secret = make_key(business, owner, "write")
    caller = ApiClient(secret)
    assert caller.get(api(business, "members/")).status_code == 200
    assert caller.post(api(business, "members/"), {}).status_code == 405


def test_a_member_who_leaves_takes_their_keys_with_them(business, owner, editor):
    MembershipFactory(business=business, role="owner")  # so that the owner may go
    _key, secret = make_key(business, owner, "write")
    services.member_remove(Membership.objects.get(business=business, user=owner))
    assert ApiClient(secret).get(api(business, "platforms/")).status_code == 401


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_an_owner_made_editor_or_viewer_loses_their_keys(business, owner, role):
    MembershipFactory(business=business, role="owner")
    _key, secret = make_key(business, owner, "write")
    services.member_change_role(Membership.objects.get(business=business, user=owner), role)
    assert ApiClient(secret).get(api(business, "platforms/")).status_code == 401
    assert Activity.objects.filter(business=business, comment__contains="API keys revoked")


def test_an_owner_s_other_changes_keep_their_keys(business, owner):
    _key, secret = make_key(business, owner, "read")
    services.member_change_role(
        Membership.objects.get(business=business, user=owner), "owner", can_approve=False
    )
    assert ApiClient(secret).get(api(business, "platforms/")).status_code == 200


def test_session_writes_need_the_csrf_token(business, editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    url = api(business, "platforms/")
    body = '{"kind": "x", "handle": "fromjs"}'
    assert client.get(url).status_code == 200  # reading needs no token
    refused = client.post(url, body, content_type="application/json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    client.get(reverse("dashboard", args=[business.pk]))
    token = client.cookies["csrftoken"].value
    response = client.post(
        url, body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert response.status_code == 201
    # A key needs no token: a script has no cookie to steal.
    _key, secret = make_key(business, editor, "write")
    keyed = Client(enforce_csrf_checks=True)
    keyed_response = keyed.post(
        url,
        '{"kind": "x", "handle": "script"}',
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert keyed_response.status_code == 201


def test_a_business_that_requires_mfa_refuses_a_session_without_it(client, business, viewer):
    business.require_mfa = True
    business.save(update_fields=["require_mfa"])
    client.force_login(viewer)
    response = client.get(api(business, "platforms/"))
    assert response.status_code == 403 and "two-factor" in response.json()["detail"]


def test_the_rate_is_per_key_and_per_user(settings, client, business, owner, editor):
    settings.API_RATE_LIMIT = "3/minute"
    _key, first_secret = make_key(business, owner, name="First")
    _key, second_secret = make_key(business, owner, name="Second")
    first, second = ApiClient(first_secret), ApiClient(second_secret)
    url = api(business, "platforms/")
    assert [first.get(url).status_code for _ in range(3)] == [200, 200, 200]
    limited = first.get(url)
    assert limited.status_code == 429 and 0 < int(limited["Retry-After"]) <= 60
    assert second.get(url).status_code == 200  # another key counts on its own
    client.force_login(editor)
    assert ApiClient(client=client).get(url).status_code == 200  # and a user too


def test_wrong_keys_from_one_address_are_told_to_back_off(business, owner):
    url = api(business, "platforms/")
    wrong = ApiClient("cp_" + "x" * 43)
    codes = [wrong.get(url).status_code for _ in range(throttling.FAILED_KEYS_PER_MINUTE + 2)]
    assert codes[: throttling.FAILED_KEYS_PER_MINUTE] == [401] * throttling.FAILED_KEYS_PER_MINUTE
    backed_off = wrong.get(url)
    assert backed_off.status_code == 429 and int(backed_off["Retry-After"]) > 0
    _key, secret = make_key(business, owner)
    assert ApiClient(secret).get(url).status_code == 200  # a right key still passes


def test_forwarded_for_counts_only_behind_a_trusted_proxy(settings, monkeypatch, business):
    monkeypatch.setattr(throttling, "FAILED_KEYS_PER_MINUTE", 2)
    url = api(business, "platforms/")

    def wrong_key_from(address):
        headers = {"Authorization": "Bearer cp_wrong", "X-Forwarded-For": address}
        return Client().get(url, headers=headers).status_code

    forged = [wrong_key_from(f"203.0.113.{n}") for n in range(3)]
    assert forged == [401, 401, 429]  # one address (REMOTE_ADDR), whatever the header says
    settings.TRUSTED_PROXY_COUNT = 1
    assert wrong_key_from("198.51.100.9") == 401  # behind a proxy: the address it saw
