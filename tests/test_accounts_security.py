"""Login throttling (django-axes, the one lockout: allauth's own failed-login limit is off),
password change and password reset (allauth).

Logins here go through the real login form (client.post), as a person's would: that is what
axes watches. Other tests log in with client.force_login, which axes never sees, so however
many of them run, nobody is locked out.
"""

import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from planner.views.errors import client_ip, lockout_username
from tests.factories import PASSWORD, UserFactory

User = get_user_model()
WRONG = "not-the-password-123"
NEW_PASSWORD = "another-long-passphrase-77"
LOCKOUT_MESSAGE = "Too many failed log-ins"


@pytest.fixture
def lena(db):
    return UserFactory(username="lena", email="lena@example.com")


def log_in(client, username, password, **extra):
    return client.post(reverse("account_login"), {"login": username, "password": password}, **extra)


def logged_in_as(client):
    return client.session.get("_auth_user_id")


def is_locked_out(response):
    return response.status_code == 429 and LOCKOUT_MESSAGE in response.content.decode()


# Throttling


def test_five_failures_lock_the_account_even_for_the_right_password(client, lena):
    for attempt in range(1, 5):
        response = log_in(client, "lena", WRONG)
        assert response.status_code == 400, attempt
        assert "and/or password you specified are not correct" in response.content.decode()
    response = log_in(client, "lena", WRONG)  # the fifth failure locks
    assert is_locked_out(response)

    response = log_in(client, "lena", PASSWORD)  # the sixth, with the right password
    assert is_locked_out(response)
    assert logged_in_as(client) is None
    html = response.content.decode()
    assert "After 5 wrong passwords in a row" in html
    assert "Try again in 15 minutes, after" in html
    assert "UTC" in html
    assert reverse("account_reset_password") in html  # and a way out
    assert 14 * 60 < int(response.headers["Retry-After"]) <= 15 * 60
    # The page is in the app's style and under the same strict policy as every page.
    assert "vendor/bootstrap/bootstrap.min.css" in html
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_the_lock_is_per_username_and_ip_address(client, lena):
    other = UserFactory(username="omar")
    for _ in range(5):
        log_in(client, "lena", WRONG)
    assert is_locked_out(log_in(client, "lena", PASSWORD))

    # Another username from the same address logs in.
    response = log_in(client, "omar", PASSWORD)
    assert response.status_code == 302
    assert int(logged_in_as(client)) == other.pk
    client.post(reverse("account_logout"))

    # The same username from another address logs in.
    response = log_in(client, "lena", PASSWORD, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 302
    assert int(logged_in_as(client)) == lena.pk


def test_username_and_email_in_any_case_share_one_counter(client, lena):
    for identifier in ("lena", "lena@example.com", "LENA@example.com", "Lena@Example.com"):
        assert log_in(client, identifier, WRONG).status_code == 400
    assert is_locked_out(log_in(client, "lena@EXAMPLE.com", WRONG))
    assert is_locked_out(log_in(client, "lena", PASSWORD))
    attempt = AccessAttempt.objects.get()
    assert attempt.username == "lena"
    assert WRONG not in attempt.post_data  # failures are recorded without the password


def test_the_lockout_page_does_not_reveal_the_username_behind_an_email(client, lena):
    for _ in range(5):
        response = log_in(client, "lena@example.com", WRONG)
    assert is_locked_out(response)
    assert "lena<" not in response.content.decode()
    assert ">lena" not in response.content.decode()


def test_a_successful_login_resets_the_count(client, lena):
    for _ in range(4):
        log_in(client, "lena", WRONG)
    assert log_in(client, "lena", PASSWORD).status_code == 302
    client.post(reverse("account_logout"))
    for _ in range(4):
        assert log_in(client, "lena", WRONG).status_code == 400
    assert log_in(client, "lena", PASSWORD).status_code == 302


def test_the_lock_ends_after_the_cool_off(client, lena):
    for _ in range(5):
        log_in(client, "lena", WRONG)
    assert is_locked_out(log_in(client, "lena", PASSWORD))
    # Attempts during the lock do not extend it: 15 minutes after the fifth failure, it is over.
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16)
    )
    response = log_in(client, "lena", PASSWORD)
    assert response.status_code == 302
    assert int(logged_in_as(client)) == lena.pk


def test_unknown_usernames_are_throttled_too(client, db):
    for _ in range(5):
        response = log_in(client, "nobody", WRONG)
    assert is_locked_out(response)


def test_the_admin_login_goes_through_the_planners(client, db):
    """The admin's own form skipped MFA, e-mail verification and the limits: it now sends to
    the planner's log-in, which has them, and logs nobody in by itself."""
    UserFactory(username="root", is_staff=True, is_superuser=True)
    url = reverse("admin:login")
    for response in (client.get(url), client.post(url, {"username": "root", "password": PASSWORD})):
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    assert logged_in_as(client) is None
    for _ in range(5):
        log_in(client, "root", WRONG)
    assert is_locked_out(log_in(client, "root", PASSWORD))


def test_username_case_and_second_addresses_share_the_counter(client, lena):
    """allauth matches usernames without case and logs in with any of an account's
    addresses: every spelling is one account, so one counter."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=lena, email="lena.work@example.com", verified=True)
    for identifier in ("lena", "Lena", "LENA", "lena.work@example.com"):
        log_in(client, identifier, WRONG)
    assert is_locked_out(log_in(client, "lEna", WRONG))
    for identifier in ("LeNa", "lena.work@example.com", "lena@example.com"):
        assert is_locked_out(log_in(client, identifier, PASSWORD)), identifier


def test_an_ipv6_client_is_one_client_across_its_64(client, lena):
    for n in range(5):
        log_in(client, "lena", WRONG, REMOTE_ADDR=f"2001:db8::{n + 1}")
    assert is_locked_out(log_in(client, "lena", PASSWORD, REMOTE_ADDR="2001:db8::ffff"))
    response = log_in(client, "lena", PASSWORD, REMOTE_ADDR="2001:db8:1::1")  # another /64
    assert response.status_code == 302


def test_fewer_forwarded_entries_than_proxies_is_not_a_500(client, lena, settings):
    settings.TRUSTED_PROXY_COUNT = 2
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    response = log_in(client, "lena", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert response.status_code == 302


def test_force_login_is_not_throttled(client, lena):
    """What the rest of the suite does: axes only watches real login attempts."""
    for _ in range(5):
        log_in(client, "lena", WRONG)
    client.force_login(lena)
    assert client.get(reverse("business_create")).status_code == 200


def test_lockout_username_normalises_emails(lena):
    request = RequestFactory().post("/accounts/login/")
    both = {"email": "LENA@example.com", "username": "LENA@example.com"}  # allauth's, for e-mail
    assert lockout_username(request, both) == "lena"
    assert lockout_username(request, {"username": "lena"}) == "lena"
    assert lockout_username(request, {"username": "Ghost@Example.com"}) == "ghost@example.com"
    assert lockout_username(request, {"username": ""}) == ""
    assert lockout_username(RequestFactory().post("/", {"login": "lena@example.com"})) == "lena"


def test_client_ip_behind_trusted_proxies(settings):
    factory = RequestFactory()
    forwarded = factory.get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9"
    )
    settings.TRUSTED_PROXY_COUNT = 0  # the default: X-Forwarded-For is the client's to forge
    assert client_ip(forwarded) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1  # one proxy: the address it saw, the right-most
    assert client_ip(forwarded) == "203.0.113.9"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(forwarded) == "1.2.3.4"
    settings.TRUSTED_PROXY_COUNT = 3  # fewer entries than proxies: not trusted
    assert client_ip(forwarded) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    bad = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-address")
    assert client_ip(bad) == "10.0.0.2"


def test_behind_a_proxy_clients_are_told_apart(client, lena, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(5):
        log_in(client, "lena", WRONG, HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy)
    assert is_locked_out(
        log_in(client, "lena", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy)
    )
    # Lena herself, elsewhere, through the same proxy.
    response = log_in(client, "lena", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
    assert response.status_code == 302


# Password change


def change(client, old, new, again=None):
    return client.post(
        reverse("account_change_password"),
        {"oldpassword": old, "password1": new, "password2": again or new},
    )


def test_change_password(client, lena):
    assert log_in(client, "lena", PASSWORD).status_code == 302
    page = client.get(reverse("account_change_password"))
    assert page.status_code == 200
    assert "Change Password" in page.content.decode()

    response = change(client, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302
    assert "Password successfully changed." in client.get(response.url).content.decode()
    # Still logged in on this browser (the session hash was updated) ...
    assert client.get(reverse("business_create")).status_code == 200
    client.post(reverse("account_logout"))
    # ... the old password no longer works, the new one does.
    assert log_in(client, "lena", PASSWORD).status_code == 400
    assert log_in(client, "lena", NEW_PASSWORD).status_code == 302


def test_change_password_checks_the_old_one_and_the_rules(client, lena):
    client.force_login(lena)
    assert (
        "Please type your current password" in change(client, WRONG, NEW_PASSWORD).content.decode()
    )
    assert "at least 12 characters" in change(client, PASSWORD, "short1").content.decode()
    assert "too common" in change(client, PASSWORD, "password1234").content.decode()
    lena.refresh_from_db()
    assert lena.check_password(PASSWORD)


def test_change_password_needs_login(client, db):
    response = client.get(reverse("account_change_password"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_menu_links_to_the_account_pages(client, lena):
    client.force_login(lena)
    html = client.get(reverse("business_create")).content.decode()
    assert f'href="{reverse("account_change_password")}">Change password</a>' in html
    assert f'href="{reverse("account_email")}">E-mail addresses</a>' in html
    assert f'href="{reverse("mfa_index")}">Two-factor authentication</a>' in html


# Password reset


def reset_link(message):
    match = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(0), match.group(1)


def test_reset_password_by_email(client, lena):
    assert (
        reverse("account_reset_password") in client.get(reverse("account_login")).content.decode()
    )
    response = client.post(reverse("account_reset_password"), {"email": "LENA@example.com"})
    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_done")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lena@example.com"]
    assert message.subject.startswith("Campaign planner: ")
    full_link, link = reset_link(message)
    assert full_link.startswith("http://testserver/accounts/password/reset/key/")

    # The link leads to a form (allauth swaps the key for a session marker first).
    response = client.get(link, follow=True)
    assert response.status_code == 200
    assert "Change Password" in response.content.decode()
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"password1": "short", "password2": "short"})
    assert "at least 12 characters" in response.content.decode()
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_from_key_done")

    assert log_in(client, "lena", PASSWORD).status_code == 400
    assert log_in(client, "lena", NEW_PASSWORD).status_code == 302
    client.post(reverse("account_logout"))

    # A used link does not work twice.
    response = client.get(link, follow=True)
    assert "Bad Token" in response.content.decode()


def test_reset_for_an_unknown_email_looks_the_same(client, lena):
    url = reverse("account_reset_password")
    known = client.post(url, {"email": "lena@example.com"}, follow=True)
    unknown = client.post(url, {"email": "ghost@example.com"}, follow=True)
    assert len(mail.outbox) == 1  # only the real account got one
    assert known.redirect_chain == unknown.redirect_chain
    assert known.status_code == unknown.status_code == 200

    def page(response):  # the CSRF token differs between any two pages
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())

    assert page(known) == page(unknown)


def test_reset_link_uses_https_behind_the_proxy(client, lena, settings):
    settings.ALLOWED_HOSTS = ["planner.example.com"]
    client.post(
        reverse("account_reset_password"),
        {"email": "lena@example.com"},
        HTTP_HOST="planner.example.com",
        HTTP_X_FORWARDED_PROTO="https",
    )
    full_link, _ = reset_link(mail.outbox[0])
    assert full_link.startswith("https://planner.example.com/accounts/password/reset/key/")


def test_a_tampered_reset_link_is_refused(client, lena):
    client.post(reverse("account_reset_password"), {"email": "lena@example.com"})
    _, link = reset_link(mail.outbox[0])
    tampered = link[:-3] + ("a" if link[-3] != "a" else "b") + link[-2:]
    response = client.get(tampered, follow=True)
    assert "Bad Token" in response.content.decode()
