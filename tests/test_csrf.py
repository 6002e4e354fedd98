"""CSRF: a POST without the token of the user's own session is refused (403) and changes
nothing, on every URL of the app; with the token from the form page the same POST works.

The URL patterns are found automatically (Django's admin is left out: it is Django's own); a URL
whose arguments this file cannot fill fails `test_every_url_is_known` until it is taught in
`url_arguments()`.
"""

import datetime
import re

import pytest
from allauth.account.forms import default_token_generator
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.http import int_to_base36

from planner.models import Membership, Platform, Role, TimeEntry
from tests.factories import PASSWORD, MembershipFactory, ResultEntryFactory, TimeEntryFactory
from tests.url_walk import make_invitation, make_job, url_arguments, url_patterns

User = get_user_model()
TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NEW_PASSWORD = "a-brand-new-password-77"


URL_NAMES = sorted(name for name, _pattern in url_patterns())
# The API's schema and reference page: served to anyone, reading no session (DRF views are
# exempt from Django's CSRF middleware; the API's own routes check the token themselves).
READ_ONLY_PUBLIC = {"api-schema", "api-docs"}


@pytest.fixture
def world(business, owner, editor, platform, campaign, smo_task, smm_task):
    from planner import imports

    report = f"date,campaign,spend\n2026-11-15,{smm_task.title},12.50\n".encode()
    return {
        "business": business,
        "owner": owner,
        "platform": platform,
        "campaign": campaign,
        "smo": smo_task,
        "smm": smm_task,
        "membership": MembershipFactory(business=business, role=Role.VIEWER),
        "time": TimeEntryFactory(task=smo_task, user=owner),
        "result": ResultEntryFactory(task=smm_task, date=datetime.date(2026, 11, 2)),
        "upload": imports.store_upload(business, owner, "r.csv", report),
        "job": make_job(business, owner),
        **_invitation(business, owner),
    }


def _invitation(business, owner):
    # To the owner's own address, so that the owner may answer it (Decline, below).
    invitation, token = make_invitation(business, owner, owner.email)
    return {"invitation": invitation, "invitation_token": token}


def reset_link(w):
    """A valid password-reset link for the owner (allauth's: base-36 id and a token)."""
    owner = w["owner"]
    return [int_to_base36(owner.pk), default_token_generator.make_token(owner)]


def post_data(w, name):
    """What a real form would send to `name` (an empty POST where the view needs nothing)."""
    smm = w["smm"]
    return {
        "account_signup": {
            "username": "newcomer",
            "email": "newcomer@example.com",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
        "account_login": {"login": "owner", "password": PASSWORD},
        "account_change_password": {
            "oldpassword": PASSWORD,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
        "account_reset_password": {"email": w["owner"].email},
        "account_reset_password_from_key": {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        "business_create": {
            "name": "Second shop",
            "website_url": "https://second.example",
            "currency": "EUR",
            "time_zone": "UTC",
            "hourly_rate": "10",
        },
        "business_edit": {
            "name": "Renamed",
            "website_url": "https://renamed.example",
            "currency": "EUR",
            "time_zone": "UTC",
            "hourly_rate": "1",
        },
        "invitation_create": {"email": "new@example.com", "role": "viewer"},
        "invitation_detail": {"answer": "decline"},
        "member_edit": {"role": "editor"},
        "platform_create": {"kind": "x", "handle": "newhandle"},
        "platform_edit": {"kind": "facebook", "handle": "renamed"},
        "campaign_create": {
            "name": "Changed",
            "start_date": "2026-01-01",
            "end_date": "2026-02-01",
            "budget": "5",
        },
        "smo_create": {
            "platform": w["platform"].pk,
            "title": "New post",
            "status": "draft",
            "estimated_hours": "1",
        },
        "time_entry_create": {"date": "2026-11-15", "hours": "1.5", "user": w["owner"].pk},
        "result_create": {"date": "2026-11-15", "clicks": "3", "impressions": "9"},
        "calendar_reschedule": {"scheduled_at": "2026-11-20T10:00"},
        "calendar_move_flight": {"flight_start": "2026-11-03"},
        "import_upload": {
            "file": SimpleUploadedFile(
                "r.csv", f"date,campaign,spend\n2026-11-16,{smm.title},1.50\n".encode()
            )
        },
    }.get(name, {})


def url_for(w, name):
    pattern = dict(url_patterns())[name]
    args = url_arguments(w, reset_link(w)).get(name, [])
    if "<int:business_id>" in pattern:
        args = [w["business"].pk, *args]
    return reverse(name, args=args)


def state():
    """Every planner row, every user (passwords included), the sessions, the mail sent."""
    rows = {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("planner").get_models()
    }
    rows["User"] = list(User.objects.order_by("pk").values())
    rows["Session"] = sorted(Session.objects.values_list("session_key", flat=True))
    rows["mail"] = [message.subject for message in mail.outbox]
    return rows


def logged_in_client(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def token_from(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    match = TOKEN_RE.search(response.content.decode())
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def test_every_url_is_known(world):
    """Every URL with arguments beyond the business id is taught in url_arguments()."""
    taught = set(url_arguments(world, reset_link(world)))
    for name, pattern in url_patterns():
        parameters = set(re.findall(r"<(?:\w+:)?(\w+)>", pattern)) - {"business_id"}
        parameters |= set(re.findall(r"\(\?P<(\w+)>", pattern))  # allauth's regex patterns
        if parameters:
            assert name in taught, f"teach tests/test_csrf.py the arguments of {name!r}"


@pytest.mark.parametrize("name", URL_NAMES)
def test_post_without_token_is_refused(world, name):
    """Logged in as the owner (who may do anything): the token is all that is missing."""
    client = logged_in_client(world["owner"])
    session_key = client.session.session_key
    url = url_for(world, name)
    before = state()
    response = client.post(url, post_data(world, name))
    if name in READ_ONLY_PUBLIC:  # no session is read, nothing is written: POST is 405
        assert response.status_code == 405 and state() == before
        return
    assert response.status_code == 403, f"POST {url} without a CSRF token: {response.status_code}"
    assert state() == before, f"POST {url} without a CSRF token changed something"
    assert client.session.session_key == session_key  # still the same login


@pytest.mark.parametrize("name", URL_NAMES)
def test_post_with_a_foreign_token_is_refused(world, outsider, name):
    """A token copied from someone else's page (another session) does not work either."""
    client = logged_in_client(world["owner"])
    client.get(reverse("home"))  # the victim has a CSRF cookie of their own
    foreign = token_from(logged_in_client(outsider), reverse("business_create"))
    url = url_for(world, name)
    before = state()
    response = client.post(url, {**post_data(world, name), "csrfmiddlewaretoken": foreign})
    if name in READ_ONLY_PUBLIC:
        assert response.status_code == 405 and state() == before
        return
    assert response.status_code == 403, f"POST {url} with a foreign token: {response.status_code}"
    assert state() == before


@pytest.mark.parametrize("name", URL_NAMES)
def test_post_with_the_token_passes_the_check(world, name):
    """The same POST with the page's token is not refused as a CSRF failure (so the 403 above
    really was the missing token, not a permission)."""
    client = logged_in_client(world["owner"])
    token = token_from(client, reverse("business_create"))
    url = url_for(world, name)
    response = client.post(url, {**post_data(world, name), "csrfmiddlewaretoken": token})
    assert response.status_code != 403, f"POST {url} with a valid token: 403"
    assert response.status_code < 500


def test_platform_create_with_the_form_token(world):
    client = logged_in_client(world["owner"])
    url = reverse("platform_create", args=[world["business"].pk])
    token = token_from(client, url)
    response = client.post(url, {"kind": "x", "handle": "fresh", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Platform.objects.filter(business=world["business"], handle="fresh").exists()


def test_platform_create_with_the_token_in_a_header(world):
    """What htmx (or any script) sends: X-CSRFToken."""
    client = logged_in_client(world["owner"])
    url = reverse("platform_create", args=[world["business"].pk])
    token = token_from(client, url)
    response = client.post(url, {"kind": "x", "handle": "fromjs"}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 302
    assert Platform.objects.filter(business=world["business"], handle="fromjs").exists()


def test_time_entry_create_with_the_form_token(world):
    client = logged_in_client(world["owner"])
    task = world["smo"]
    token = token_from(client, reverse("smo_detail", args=[world["business"].pk, task.pk]))
    response = client.post(
        reverse("time_entry_create", args=[world["business"].pk, task.pk]),
        {
            "date": "2026-11-15",
            "hours": "1.5",
            "user": world["owner"].pk,
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 302
    assert TimeEntry.objects.filter(task=task, date=datetime.date(2026, 11, 15)).exists()


def _is_logged_in(client):
    return "_auth_user_id" in client.session


def test_login_needs_the_token(owner):
    client = Client(enforce_csrf_checks=True)
    url = reverse("account_login")
    credentials = {"login": "owner", "password": PASSWORD}
    assert client.post(url, credentials).status_code == 403
    assert not _is_logged_in(client)

    token = token_from(client, url)
    response = client.post(url, {**credentials, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert _is_logged_in(client)


def test_login_with_another_browsers_token_is_refused(owner):
    """Login CSRF: an attacker's token (from their own visit) does not log the victim in."""
    attacker = Client(enforce_csrf_checks=True)
    victim = Client(enforce_csrf_checks=True)
    url = reverse("account_login")
    token = token_from(attacker, url)
    victim.get(url)  # the victim has a CSRF cookie of their own
    response = victim.post(
        url, {"login": "owner", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 403
    assert not _is_logged_in(victim)


def test_logout_needs_the_token(owner):
    client = logged_in_client(owner)
    assert client.post(reverse("account_logout")).status_code == 403
    assert _is_logged_in(client)
    assert client.get(reverse("home")).status_code == 302  # to a business, not to the login
    assert not client.get(reverse("home"))["Location"].startswith(reverse("account_login"))

    token = token_from(client, reverse("business_create"))
    response = client.post(reverse("account_logout"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert not _is_logged_in(client)


def test_signup_needs_the_token(db):
    client = Client(enforce_csrf_checks=True)
    url = reverse("account_signup")
    data = {
        "username": "newcomer",
        "email": "newcomer@example.com",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    assert client.post(url, data).status_code == 403
    assert not User.objects.filter(username="newcomer").exists()

    token = token_from(client, url)
    response = client.post(url, {**data, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    user = User.objects.get(username="newcomer")
    assert not Membership.objects.filter(user=user).exists()
    assert not _is_logged_in(client)  # not before the e-mail address is confirmed
