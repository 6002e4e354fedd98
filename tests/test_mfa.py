"""Two-factor authentication (allauth MFA, TOTP with recovery codes) in the planner's pages:
set-up, then log-in with a code from the app and with a recovery code."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory


def code_for(secret):
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def log_in(client, login="lena", password=PASSWORD):
    return client.post(reverse("account_login"), {"login": login, "password": password})


@pytest.fixture
def lena(db):
    return UserFactory(username="lena", email="lena@example.com")


def activate_totp(client):
    """Through the pages, as a person would: confirm the password (allauth asks before any
    change to MFA), the QR page, then a code from the app."""
    asked = client.get(reverse("mfa_activate_totp"))
    assert asked.status_code == 302 and asked.url.startswith(reverse("account_reauthenticate"))
    confirmed = client.post(asked.url, {"password": PASSWORD})
    assert confirmed.status_code == 302
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    assert "Authenticator App" in page.content.decode()
    secret = client.session[SECRET_SESSION_KEY]
    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert wrong.status_code == 400  # refused, next to the field
    assert "Incorrect code" in wrong.content.decode()
    response = client.post(reverse("mfa_activate_totp"), {"code": code_for(secret)})
    assert response.status_code == 302
    return secret


def test_set_up_totp_and_log_in_with_a_code(client, lena):
    assert log_in(client).status_code == 302
    secret = activate_totp(client)
    assert Authenticator.objects.filter(user=lena, type=Authenticator.Type.TOTP).exists()
    assert Authenticator.objects.filter(user=lena, type=Authenticator.Type.RECOVERY_CODES).exists()
    client.post(reverse("account_logout"))

    # The password alone no longer logs in: it asks for the code.
    response = log_in(client)
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    wrong = client.post(reverse("mfa_authenticate"), {"code": "123456"})
    assert wrong.status_code == 400
    assert "_auth_user_id" not in client.session
    # The code of the next 30-second step too, should the clock tick between the two lines.
    response = client.post(reverse("mfa_authenticate"), {"code": code_for(secret)})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == lena.pk


def test_log_in_with_a_recovery_code_once(client, lena):
    assert log_in(client).status_code == 302
    activate_totp(client)
    codes_page = client.get(reverse("mfa_view_recovery_codes"))
    assert codes_page.status_code == 200
    recovery = RecoveryCodes(
        Authenticator.objects.get(user=lena, type=Authenticator.Type.RECOVERY_CODES)
    )
    code = recovery.get_unused_codes()[0]
    assert code in codes_page.content.decode()
    client.post(reverse("account_logout"))

    log_in(client)
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == lena.pk
    client.post(reverse("account_logout"))

    log_in(client)  # the same recovery code does not work twice
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_the_mfa_pages_are_the_planners(client, lena):
    client.force_login(lena)
    html = client.get(reverse("mfa_index")).content.decode()
    assert "vendor/bootstrap/bootstrap.min.css" in html
    assert 'aria-label="Main"' in html  # the app's navigation bar


# A business that requires MFA


def require_mfa(business):
    business.require_mfa = True
    business.save(update_fields=["require_mfa"])


def give_totp(user):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(user, generate_totp_secret())


def test_a_member_without_mfa_is_sent_to_set_it_up(client_for, business, editor):
    require_mfa(business)
    client = client_for(editor)
    for url in (reverse("dashboard", args=[business.pk]), reverse("smo_list", args=[business.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response.url == reverse("mfa_index")
    page = client.get(reverse("mfa_index"))
    assert f"{business.name} requires two-factor authentication" in page.content.decode()
    before = business.platforms.count()
    client.post(reverse("platform_create", args=[business.pk]), {"kind": "x", "handle": "sneak"})
    assert business.platforms.count() == before  # no write gets through either
    give_totp(editor)
    assert client.get(reverse("dashboard", args=[business.pk])).status_code == 200


def test_the_rule_reveals_nothing_to_outsiders(client_for, business, outsider):
    require_mfa(business)
    assert client_for(outsider).get(reverse("dashboard", args=[business.pk])).status_code == 404


def test_other_businesses_of_the_member_are_not_affected(client_for, business, editor):
    from tests.factories import MembershipFactory

    other = MembershipFactory(user=editor, role="editor").business
    require_mfa(business)
    assert client_for(editor).get(reverse("dashboard", args=[other.pk])).status_code == 200


def settings_post(business, **fields):
    return {
        "name": business.name,
        "website_url": business.website_url,
        "currency": business.currency,
        "time_zone": business.time_zone,
        "hourly_rate": str(business.hourly_rate),
        "approval_mode": business.approval_mode,
        **fields,
    }


def test_an_owner_must_have_mfa_before_requiring_it(client_for, business, owner):
    client = client_for(owner)
    url = reverse("business_edit", args=[business.pk])
    response = client.post(url, settings_post(business, require_mfa="on"))
    assert response.status_code == 400
    assert "for your own account first" in response.content.decode()
    business.refresh_from_db()
    assert not business.require_mfa
    give_totp(owner)
    assert client.post(url, settings_post(business, require_mfa="on")).status_code == 302
    business.refresh_from_db()
    assert business.require_mfa


def test_editors_and_viewers_cannot_change_the_rule(client_for, business, editor, viewer):
    for user in (editor, viewer):
        give_totp(user)
        response = client_for(user).post(
            reverse("business_edit", args=[business.pk]), settings_post(business, require_mfa="on")
        )
        assert response.status_code == 403
    business.refresh_from_db()
    assert not business.require_mfa


def test_wrong_codes_are_limited_per_account(client, lena):
    """With the password known, the second factor must not be guessable: five wrong codes in
    five minutes, then even the right one is refused for a while."""
    give_totp(lena)
    secret = Authenticator.objects.get(user=lena, type=Authenticator.Type.TOTP).wrap().instance
    log_in(client)
    statuses = [
        client.post(reverse("mfa_authenticate"), {"code": "000000"}).status_code for _ in range(6)
    ]
    assert statuses == [400] * 6
    page = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert "Too many failed login attempts" in page.content.decode()
    assert "_auth_user_id" not in client.session
    assert secret is not None


def test_a_member_without_mfa_can_still_leave(client_for, business, owner, editor):
    require_mfa(business)
    response = client_for(editor).post(reverse("member_leave", args=[business.pk]))
    assert response.status_code == 302 and response.url == reverse("home")
    assert not business.memberships.filter(user=editor).exists()


def test_requiring_mfa_gives_the_feed_a_new_address(client_for, business, owner):
    give_totp(owner)
    token = business.ical_token
    client_for(owner).post(
        reverse("business_edit", args=[business.pk]), settings_post(business, require_mfa="on")
    )
    business.refresh_from_db()
    assert business.require_mfa and business.ical_token != token
