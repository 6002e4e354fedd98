"""Login throttling (django-axes), password change and password reset.

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
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def logged_in_as(client):
    return client.session.get("_auth_user_id")


def is_locked_out(response):
    return response.status_code == 429 and LOCKOUT_MESSAGE in response.content.decode()


# Throttling


def test_five_failures_lock_the_account_even_for_the_right_password(client, lena):
    for attempt in range(1, 5):
        response = log_in(client, "lena", WRONG)
        assert response.status_code == 200, attempt
        assert "Please enter a correct username and password" in response.content.decode()
    response = log_in(client, "lena", WRONG)  # the fifth failure locks
    assert is_locked_out(response)

    response = log_in(client, "lena", PASSWORD)  # the sixth, with the right password
    assert is_locked_out(response)
    assert logged_in_as(client) is None
    html = response.content.decode()
    assert "After 5 wrong passwords in a row" in html
    assert "Try again in 15 minutes, after" in html
    assert "UTC" in html
    assert reverse("password_reset") in html  # and a way out
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
    client.post(reverse("logout"))

    # The same username from another address logs in.
    response = log_in(client, "lena", PASSWORD, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 302
    assert int(logged_in_as(client)) == lena.pk


def test_username_and_email_in_any_case_share_one_counter(client, lena):
    for identifier in ("lena", "lena@example.com", "LENA@example.com", "Lena@Example.com"):
        assert log_in(client, identifier, WRONG).status_code == 200
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
    client.post(reverse("logout"))
    for _ in range(4):
        assert log_in(client, "lena", WRONG).status_code == 200
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


def test_the_admin_login_is_throttled_too(client, db):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    url = reverse("admin:login")
    for _ in range(5):
        response = client.post(url, {"username": "root", "password": WRONG})
    assert is_locked_out(response)
    response = client.post(url, {"username": "root", "password": PASSWORD})
    assert is_locked_out(response)


def test_force_login_is_not_throttled(client, lena):
    """What the rest of the suite does: axes only watches real login attempts."""
    for _ in range(5):
        log_in(client, "lena", WRONG)
    client.force_login(lena)
    assert client.get(reverse("business_create")).status_code == 200


def test_lockout_username_normalises_emails(lena):
    request = RequestFactory().post("/login/")
    assert lockout_username(request, {"username": "LENA@example.com"}) == "lena"
    assert lockout_username(request, {"username": "lena"}) == "lena"
    assert lockout_username(request, {"username": "Ghost@Example.com"}) == "ghost@example.com"
    assert lockout_username(request, {"username": ""}) == ""
    assert lockout_username(RequestFactory().post("/", {"username": "lena@example.com"})) == "lena"


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


def test_change_password(client, lena):
    assert log_in(client, "lena", PASSWORD).status_code == 302
    url = reverse("password_change")
    page = client.get(url)
    assert page.status_code == 200
    assert "Change your password" in page.content.decode()

    response = client.post(
        url,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == reverse("password_change_done")
    assert "Your password has been changed" in client.get(response.url).content.decode()
    # Still logged in on this browser (the session hash was updated) ...
    assert client.get(reverse("business_create")).status_code == 200
    client.post(reverse("logout"))
    # ... the old password no longer works, the new one does.
    assert log_in(client, "lena", PASSWORD).status_code == 200
    assert log_in(client, "lena", NEW_PASSWORD).status_code == 302


def test_change_password_checks_the_old_one_and_the_rules(client, lena):
    client.force_login(lena)
    url = reverse("password_change")
    response = client.post(
        url, {"old_password": WRONG, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert "Your old password was entered incorrectly" in response.content.decode()
    response = client.post(
        url, {"old_password": PASSWORD, "new_password1": "short1", "new_password2": "short1"}
    )
    assert "at least 12 characters" in response.content.decode()
    response = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "password1234",
            "new_password2": "password1234",
        },
    )
    assert "too common" in response.content.decode()
    lena.refresh_from_db()
    assert lena.check_password(PASSWORD)


def test_change_password_needs_login(client, db):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_menu_links_to_change_password(client, lena):
    client.force_login(lena)
    html = client.get(reverse("business_create")).content.decode()
    assert f'href="{reverse("password_change")}">Change password</a>' in html


# Password reset


def reset_link(message):
    match = re.search(r"https?://[^/\s]+(/password/reset/[^/\s]+/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(0), match.group(1)


def test_reset_password_by_email(client, lena):
    assert reverse("password_reset") in client.get(reverse("login")).content.decode()
    response = client.post(reverse("password_reset"), {"email": "LENA@example.com"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lena@example.com"]
    assert message.subject == "Reset your Campaign planner password"
    full_link, link = reset_link(message)
    assert full_link.startswith("http://testserver/password/reset/")

    # The link leads to a form (Django swaps the token for a session marker first).
    response = client.get(link, follow=True)
    assert response.status_code == 200
    assert "Choose a new password" in response.content.decode()
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "short", "new_password2": "short"})
    assert "at least 12 characters" in response.content.decode()
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_complete")
    assert "Your new password is set" in client.get(response.url).content.decode()

    assert log_in(client, "lena", PASSWORD).status_code == 200
    assert log_in(client, "lena", NEW_PASSWORD).status_code == 302
    client.post(reverse("logout"))

    # A used link does not work twice.
    response = client.get(link, follow=True)
    assert "This link no longer works" in response.content.decode()


def test_reset_for_an_unknown_email_looks_the_same(client, lena):
    known = client.post(reverse("password_reset"), {"email": "lena@example.com"}, follow=True)
    unknown = client.post(reverse("password_reset"), {"email": "ghost@example.com"}, follow=True)
    assert len(mail.outbox) == 1  # only the real account got one
    assert known.redirect_chain == unknown.redirect_chain
    assert known.status_code == unknown.status_code == 200

    def page(response):  # the CSRF token differs between any two pages
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())

    assert page(known) == page(unknown)
    assert "If an account uses that address" in page(unknown)


def test_reset_link_uses_https_behind_the_proxy(client, lena, settings):
    settings.ALLOWED_HOSTS = ["planner.example.com"]
    client.post(
        reverse("password_reset"),
        {"email": "lena@example.com"},
        HTTP_HOST="planner.example.com",
        HTTP_X_FORWARDED_PROTO="https",
    )
    full_link, _ = reset_link(mail.outbox[0])
    assert full_link.startswith("https://planner.example.com/password/reset/")


def test_a_tampered_reset_link_is_refused(client, lena):
    client.post(reverse("password_reset"), {"email": "lena@example.com"})
    _, link = reset_link(mail.outbox[0])
    tampered = link[:-3] + ("a" if link[-3] != "a" else "b") + link[-2:]
    response = client.get(tampered, follow=True)
    assert "This link no longer works" in response.content.decode()
