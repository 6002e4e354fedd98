"""The data migration that brings accounts from before allauth: every e-mail address becomes
an unverified allauth EmailAddress; passwords and sessions keep working; the next log-in asks
to confirm the address."""

import importlib

from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD

User = get_user_model()
migration = importlib.import_module("planner.accounts.migrations.0001_existing_emails_unverified")


def old_user(username, email):
    """An account as it was before allauth: no EmailAddress row."""
    user = User.objects.create_user(username, email, password=PASSWORD)
    return user


def test_existing_addresses_become_unverified_and_one_address_goes_to_one_account(db):
    lena = old_user("lena", "Lena@Example.com")
    squatter = old_user("squatter", "newhire@company.example")
    late = old_user("late", "NEWHIRE@company.example")  # same address, signed up later
    nobody = old_user("nobody", "")
    already = old_user("already", "already@example.com")
    EmailAddress.objects.create(user=already, email="already@example.com", verified=True)

    migration.forwards(apps, None)

    rows = {row.user_id: row for row in EmailAddress.objects.all()}
    assert rows[lena.pk].email == "lena@example.com"
    assert not rows[lena.pk].verified and rows[lena.pk].primary
    assert not rows[squatter.pk].verified
    assert late.pk not in rows  # the address is the older account's
    assert nobody.pk not in rows
    assert rows[already.pk].verified  # untouched
    assert EmailAddress.objects.filter(user=already).count() == 1


def test_after_the_migration_the_password_works_and_the_address_must_be_confirmed(client, db):
    old_user("lena", "lena@example.com")
    migration.forwards(apps, None)
    response = client.post(reverse("account_login"), {"login": "lena", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert [m.to for m in mail.outbox] == [["lena@example.com"]]


def test_a_session_from_before_keeps_working(client, business, db):
    from planner.models import Membership, Role

    user = old_user("kept", "kept@example.com")
    Membership.objects.create(business=business, user=user, role=Role.EDITOR)
    client.force_login(user)
    migration.forwards(apps, None)
    assert client.get(reverse("dashboard", args=[business.pk])).status_code == 200
