"""Accounts on django-allauth: sign up, verify the e-mail address, log in (username or e-mail),
log out; no enumeration of accounts; the old addresses redirect."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

User = get_user_model()
NEW = {
    "username": "maria",
    "email": "maria@example.com",
    "password1": "roasted-beans-2026",
    "password2": "roasted-beans-2026",
}
MISMATCH = "and/or password you specified are not correct"


def sign_up(client, **fields):
    return client.post(reverse("account_signup"), {**NEW, **fields})


def log_in(client, login, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": login, "password": password})


def verification_link(message):
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def page_text(response):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_sign_up_sends_a_verification_email_and_verifying_logs_in(client, db):
    response = sign_up(client)
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session  # not in before the address is confirmed
    user = User.objects.get(username="maria")
    assert not EmailAddress.objects.get(user=user).verified

    assert len(mail.outbox) == 1
    link = verification_link(mail.outbox[0])
    assert mail.outbox[0].to == ["maria@example.com"]
    # Opening the link changes nothing (a mail scanner may open it); the button confirms.
    page = client.get(link)
    assert page.status_code == 200
    assert not EmailAddress.objects.get(user=user).verified
    response = client.post(link)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.get(reverse("business_create")).status_code == 200


def test_password_rules_apply(client, db):
    response = sign_up(client, password1="short1", password2="short1")
    assert response.status_code == 400
    assert "at least 12 characters" in response.content.decode()
    response = sign_up(client, password1="password1234", password2="password1234")
    assert "too common" in response.content.decode()
    response = sign_up(client, password1="maria-example", password2="maria-example")
    assert "too similar" in response.content.decode()
    assert not User.objects.filter(username="maria").exists()
    assert mail.outbox == []


def test_signing_up_with_a_taken_address_looks_the_same_and_tells_its_owner(client, db):
    UserFactory(username="first", email="taken@example.com")
    fresh = sign_up(client, username="fresh", email="fresh@example.com")
    taken = sign_up(client, username="second", email="TAKEN@example.com")
    assert fresh.status_code == taken.status_code == 302
    assert fresh.url == taken.url
    assert not User.objects.filter(username="second").exists()
    # The address's owner hears of it (and how to reset their password), nobody else does.
    to_owner = [m for m in mail.outbox if m.to == ["taken@example.com"]]
    assert len(to_owner) == 1
    assert "already exists" in to_owner[0].body


def test_log_in_with_username_or_email(client, db):
    user = UserFactory(username="lena", email="lena@example.com")
    for identifier in ("lena", "lena@example.com", "LENA@example.com"):
        response = log_in(client, identifier)
        assert response.status_code == 302, identifier
        assert int(client.session["_auth_user_id"]) == user.pk
        client.post(reverse("account_logout"))
        assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("login", ["lena", "lena@example.com", "ghost", "ghost@example.com"])
def test_a_wrong_password_and_an_unknown_account_get_the_same_answer(client, db, login):
    UserFactory(username="lena", email="lena@example.com")
    UserFactory(username="unverified", email="unverified@example.com", email_verified=False)
    response = log_in(client, login, "nope-nope-nope-1")
    assert response.status_code == 400
    assert MISMATCH in response.content.decode()
    assert "_auth_user_id" not in client.session
    wrong_for_unverified = log_in(client, "unverified", "nope-nope-nope-1")
    assert MISMATCH in wrong_for_unverified.content.decode()
    assert mail.outbox == []


def test_an_unverified_account_with_the_right_password_is_asked_to_verify(client, db):
    UserFactory(username="unverified", email="unverified@example.com", email_verified=False)
    response = log_in(client, "unverified")
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    assert [m.to for m in mail.outbox] == [["unverified@example.com"]]


def test_an_unverified_session_cannot_create_a_business(client, db):
    """A session from before e-mail verification existed keeps working, but creating (or
    joining) a business needs a verified address: the page says so and sends the link."""
    user = UserFactory(username="old", email="old@example.com", email_verified=False)
    client.force_login(user)
    page = client.get(reverse("business_create"))
    assert page.status_code == 200
    assert "Confirm your e-mail address" in page.content.decode()
    assert 'name="name"' not in page.content.decode()
    response = client.post(reverse("business_create"), {"name": "Sneaky", "currency": "EUR"})
    assert response.status_code == 200
    assert not user.memberships.exists()
    assert [m.to for m in mail.outbox] == [["old@example.com"]]


def test_pages_need_login(client, db):
    for url in (reverse("home"), reverse("business_create")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    assert client.get(reverse("account_signup")).status_code == 200
    assert client.get(reverse("account_login")).status_code == 200


@pytest.mark.parametrize(
    "old, new",
    [
        ("/login/", "account_login"),
        ("/signup/", "account_signup"),
        ("/password/reset/", "account_reset_password"),
        ("/password/change/", "account_change_password"),
    ],
)
def test_the_old_addresses_redirect(client, db, old, new):
    response = client.get(old + "?next=/b/1/")
    assert response.status_code == 302
    assert response.url == reverse(new) + "?next=/b/1/"


# Rate limits (allauth's, counted in the cache)


def test_sign_up_is_rate_limited_per_address(client, db):
    statuses = [
        sign_up(client, username=f"bot{n}", email=f"bot{n}@example.com").status_code
        for n in range(7)
    ]
    assert statuses[:5] == [302] * 5
    assert statuses[5:] == [429, 429]
    assert User.objects.filter(username__startswith="bot").count() == 5
    page = sign_up(client, username="bot9", email="bot9@example.com")
    assert "Too many attempts" in page.content.decode()
    assert "vendor/bootstrap/bootstrap.min.css" in page.content.decode()  # the app's style


def test_reset_emails_for_one_address_are_rate_limited(client, db):
    UserFactory(username="lena", email="lena@example.com")
    for _ in range(6):
        client.post(reverse("account_reset_password"), {"email": "lena@example.com"})
    assert len(mail.outbox) == 3


def test_verification_emails_are_not_resent_within_three_minutes(client, db):
    UserFactory(username="unverified", email="unverified@example.com", email_verified=False)
    for _ in range(3):
        log_in(client, "unverified")
    assert len(mail.outbox) == 1


def test_log_in_attempts_are_rate_limited_per_address(client, db):
    """Beside axes's lock per username: 30 log-in attempts a minute from one address."""
    statuses = [log_in(client, f"someone{n}", "nope-nope-nope-1").status_code for n in range(31)]
    assert set(statuses[:30]) == {400}
    assert statuses[30] == 429


# Verification links


def test_a_forged_verification_link_is_a_clear_page_and_changes_nothing(client, db):
    sign_up(client)
    link = verification_link(mail.outbox[0])
    forged = link[:-4] + ("a" if link[-4] != "a" else "b") + link[-3:]
    page = client.get(forged)
    assert page.status_code == 200
    assert "expired or is invalid" in page.content.decode()
    assert client.post(forged).status_code == 404
    assert not EmailAddress.objects.get(email="maria@example.com").verified
    assert "_auth_user_id" not in client.session


def test_a_replayed_verification_link_logs_nobody_in(client, db):
    """The link logs in only the browser that signed up; opened again elsewhere (a forwarded
    mail, a shared computer) it changes nothing and logs nobody in."""
    sign_up(client)
    link = verification_link(mail.outbox[0])
    client.post(link)
    assert "_auth_user_id" in client.session
    from django.test import Client

    elsewhere = Client()
    response = elsewhere.post(link)
    assert response.status_code in (302, 404)
    assert "_auth_user_id" not in elsewhere.session
    assert EmailAddress.objects.get(email="maria@example.com").verified


def test_an_overlong_login_is_refused_at_the_field(client, db):
    """Was a 500 on PostgreSQL: django-axes stores the login in 255 characters."""
    response = log_in(client, "x" * 300)
    assert response.status_code == 400
    assert "at most 254 characters" in response.content.decode()
