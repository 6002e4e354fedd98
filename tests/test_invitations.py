"""Invitations: an owner invites by e-mail; only the invitee's own click, logged in with the
invited and verified address, makes them a member. Resend, withdraw, expiry, decline, leaving
and removal (which renews the calendar feed), and the business import that no longer adds
anyone. The five actors: owner, editor, viewer, another business's member, anonymous."""

import datetime
import json
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.db import IntegrityError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from planner.accounts.models import Invitation, InvitationStatus
from planner.models import Business, Membership, Role
from tests.factories import PASSWORD, MembershipFactory, UserFactory
from tests.url_walk import make_invitation

LINK = re.compile(r"https?://[^/\s]+(/invitations/[\w-]+/)")


def invite(client, business, email="newhire@company.example", role="editor"):
    return client.post(
        reverse("invitation_create", args=[business.pk]), {"email": email, "role": role}
    )


def link_in(message):
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(1)


@pytest.fixture
def newhire(db):
    return UserFactory(username="newhire", email="newhire@company.example")


# The owner's side


def test_owner_invites_by_email_and_the_invitee_gets_a_link(client_for, business, owner):
    client = client_for(owner)
    response = invite(client, business, "NewHire@Company.example", "viewer")
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "newhire@company.example"
    assert (invitation.role, invitation.status) == ("viewer", InvitationStatus.PENDING)
    assert invitation.invited_by == owner
    assert invitation.expires_at - timezone.now() > datetime.timedelta(days=6, hours=23)
    (message,) = mail.outbox
    assert message.to == ["newhire@company.example"]
    assert business.name in message.subject and owner.username in message.subject
    assert "7 days" in message.body
    link = link_in(message)
    assert invitation.token_hash not in link  # the table holds only the link's hash
    page = client.get(reverse("member_list", args=[business.pk])).content.decode()
    assert "newhire@company.example" in page and "Pending invitations" in page
    assert not Membership.objects.filter(user__email="newhire@company.example").exists()


@pytest.mark.parametrize(
    "email, message",
    [
        ("not an address", "Enter a valid email address."),
        ("", "This field is required."),
        ("editor@example.com", "already a member"),  # the editor fixture's address
    ],
)
def test_bad_invitations_are_refused_next_to_the_field(
    client_for, business, owner, editor, email, message
):
    editor.email = "editor@example.com"
    editor.save()
    response = invite(client_for(owner), business, email)
    assert response.status_code == 400
    assert message in " ".join(response.context["invite_form"].errors["email"])
    assert not Invitation.objects.exists() and mail.outbox == []


def test_a_second_invitation_to_one_address_is_a_resend(client_for, business, owner):
    client = client_for(owner)
    invite(client, business)
    response = invite(client, business, "NEWHIRE@company.example")
    assert response.status_code == 400
    assert "resend" in response.context["invite_form"].errors["email"][0]
    assert Invitation.objects.count() == 1
    with pytest.raises(IntegrityError):  # and the database says so too
        make_invitation(business, owner, "newhire@company.example")


def test_resend_gives_a_new_link_and_a_new_week(client_for, business, owner):
    client = client_for(owner)
    invite(client, business)
    old_link = link_in(mail.outbox[0])
    invitation = Invitation.objects.get()
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(hours=1))
    assert client.get(old_link).status_code == 410  # expired
    client.post(reverse("invitation_resend", args=[business.pk, invitation.pk]))
    new_link = link_in(mail.outbox[1])
    assert new_link != old_link
    assert client.get(old_link).status_code == 404  # replaced
    assert client.get(new_link).status_code in (200, 403)  # open again (the owner is not it)
    invitation.refresh_from_db()
    assert invitation.expires_at > timezone.now() + datetime.timedelta(days=6)


def test_withdrawn_invitation_is_a_clear_page_and_changes_nothing(client, business, owner):
    invitation, token = make_invitation(business, owner, "newhire@company.example")
    client.force_login(owner)
    client.post(reverse("invitation_revoke", args=[business.pk, invitation.pk]))
    client.logout()
    newcomer = UserFactory(email="newhire@company.example")
    client.force_login(newcomer)
    url = reverse("invitation_detail", args=[token])
    page = client.get(url)
    assert page.status_code == 410
    assert "withdrawn" in page.content.decode()
    assert client.post(url, {"answer": "accept"}).status_code == 410
    assert not Membership.objects.filter(user=newcomer).exists()


def test_editors_and_viewers_cannot_invite_or_see_pending(client_for, business, editor, viewer):
    make_invitation(business, None, "secret-hire@example.com")
    for user in (editor, viewer):
        client = client_for(user)
        assert invite(client, business).status_code == 403
        page = client.get(reverse("member_list", args=[business.pk])).content.decode()
        assert "secret-hire@example.com" not in page
    assert Invitation.objects.count() == 1


def test_another_businesss_invitation_is_404(client_for, business, other_business, outsider):
    invitation, _token = make_invitation(business, None)
    client = client_for(outsider)
    for name in ("invitation_resend", "invitation_revoke"):
        assert (
            client.post(reverse(name, args=[other_business.pk, invitation.pk])).status_code == 404
        )
    assert Invitation.objects.get().status == InvitationStatus.PENDING


# The invitee's side


def test_the_invitee_accepts_with_the_verified_address(client, business, owner, newhire):
    invitation, token = make_invitation(business, owner, "newhire@company.example", "viewer")
    url = reverse("invitation_detail", args=[token])
    dashboard = reverse("dashboard", args=[business.pk])
    client.force_login(newhire)
    assert client.get(dashboard).status_code == 404  # before accepting: not a member
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert business.name in html and owner.username in html and "Decline" in html
    response = client.post(url, {"answer": "accept"})
    assert response.status_code == 302 and response.url == dashboard
    assert Membership.objects.get(user=newhire, business=business).role == Role.VIEWER
    assert client.get(dashboard).status_code == 200  # after
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED and invitation.responded_by == newhire
    again = client.post(url, {"answer": "accept"})
    assert again.status_code == 410 and "already accepted" in again.content.decode()


def test_anonymous_sees_who_invites_and_must_log_in(client, business, owner):
    _invitation, token = make_invitation(business, owner, "newhire@company.example")
    url = reverse("invitation_detail", args=[token])
    html = client.get(url).content.decode()
    assert business.name in html and owner.username in html
    assert f"{reverse('account_login')}?next={url}" in html
    assert f"{reverse('account_signup')}?next={url}" in html
    response = client.post(url, {"answer": "accept"})
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    assert Membership.objects.filter(business=business).count() == 1  # the owner alone


def test_another_account_cannot_accept(client, business, owner, outsider):
    invitation, token = make_invitation(business, owner, "newhire@company.example")
    client.force_login(outsider)
    url = reverse("invitation_detail", args=[token])
    page = client.get(url)
    assert page.status_code == 403
    assert "does not have that address" in page.content.decode()
    assert client.post(url, {"answer": "accept"}).status_code == 403
    assert not Membership.objects.filter(user=outsider, business=business).exists()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING


def test_an_unverified_address_cannot_accept(client, business, owner):
    """Someone who signed up first with the new hire's address, and never confirmed it."""
    squatter = UserFactory(email="newhire@company.example", email_verified=False)
    _invitation, token = make_invitation(business, owner, "newhire@company.example")
    client.force_login(squatter)
    response = client.post(reverse("invitation_detail", args=[token]), {"answer": "accept"})
    assert response.status_code == 403
    assert "Confirm your address" in response.content.decode()
    assert not Membership.objects.filter(user=squatter).exists()


def test_decline(client, business, owner, newhire):
    invitation, token = make_invitation(business, owner, "newhire@company.example")
    client.force_login(newhire)
    response = client.post(reverse("invitation_detail", args=[token]), {"answer": "decline"})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.DECLINED
    assert not Membership.objects.filter(user=newhire).exists()


@pytest.mark.parametrize("answer", ["", "join", "accept;drop"])
def test_an_answer_that_is_neither_is_400(client, business, owner, newhire, answer):
    _invitation, token = make_invitation(business, owner, "newhire@company.example")
    client.force_login(newhire)
    response = client.post(reverse("invitation_detail", args=[token]), {"answer": answer})
    assert response.status_code == 400
    assert not Membership.objects.filter(user=newhire).exists()


@pytest.mark.parametrize("token", ["forged-token", "x" * 200, "a" * 43])
def test_a_forged_link_is_404(client, business, owner, token):
    make_invitation(business, owner)
    assert client.get(reverse("invitation_detail", args=[token])).status_code == 404


def sign_up_from_the_link(client, token):
    response = client.post(
        reverse("account_signup") + f"?next=/invitations/{token}/",
        {
            "username": "newhire",
            "email": "newhire@company.example",
            "password1": "fresh-start-2026",
            "password2": "fresh-start-2026",
        },
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(user__username="newhire").exists()
    return re.search(r"(/accounts/confirm-email/[^/\s]+/)", mail.outbox[-1].body).group(1)


def test_sign_up_from_the_link_verify_and_come_back_to_accept(client, business, owner):
    _invitation, token = make_invitation(business, owner, "newhire@company.example")
    confirm = sign_up_from_the_link(client, token)
    response = client.post(confirm)
    assert response.url == f"/invitations/{token}/"  # back where the link led
    assert "Accept and join" in client.get(response.url).content.decode()
    client.post(response.url, {"answer": "accept"})
    assert Membership.objects.get(user__username="newhire").role == Role.EDITOR


def test_verified_in_another_browser_home_lists_the_invitation(client, business, owner):
    _invitation, token = make_invitation(business, owner, "newhire@company.example")
    confirm = sign_up_from_the_link(client, token)
    other = Client()  # the verification link opened on a phone, say
    other.post(confirm)  # confirms; logging in is still up to them, in this browser
    other.post(reverse("account_login"), {"login": "newhire", "password": "fresh-start-2026"})
    home = other.get(reverse("home"), follow=True)
    assert home.redirect_chain[-1][0] == reverse("invitations_waiting")
    waiting = list(home.context["invitations"])
    assert [i.business for i in waiting] == [business]
    response = other.post(reverse("invitation_answer", args=[waiting[0].pk]), {"answer": "accept"})
    assert response.url == reverse("dashboard", args=[business.pk])
    assert Membership.objects.get(user__username="newhire").role == Role.EDITOR
    # Answered: home goes to the business now.
    assert other.get(reverse("home")).url == reverse("dashboard", args=[business.pk])


def test_answering_someone_elses_invitation_by_id_is_404(client, business, owner, outsider):
    invitation, _token = make_invitation(business, owner, "newhire@company.example")
    client.force_login(outsider)
    url = reverse("invitation_answer", args=[invitation.pk])
    assert client.post(url, {"answer": "accept"}).status_code == 404
    assert not Membership.objects.filter(user=outsider, business=business).exists()


# Leaving and removal end access at once and renew the calendar feed


def test_removing_a_member_ends_their_access_and_renews_the_feed(
    client, client_for, business, owner, editor
):
    old_feed = reverse("ical_feed", args=[business.ical_token])
    editor_client = Client()
    editor_client.force_login(editor)
    assert editor_client.get(reverse("dashboard", args=[business.pk])).status_code == 200
    membership = Membership.objects.get(user=editor, business=business)
    client.force_login(owner)
    client.post(reverse("member_remove", args=[business.pk, membership.pk]))
    # The editor's open session reaches nothing of the business any more.
    assert editor_client.get(reverse("dashboard", args=[business.pk])).status_code == 404
    business.refresh_from_db()
    assert client.get(old_feed).status_code == 404
    assert client.get(reverse("ical_feed", args=[business.ical_token])).status_code == 200


def test_a_member_leaves_and_the_last_owner_cannot(client_for, business, owner, viewer):
    token = business.ical_token
    response = client_for(viewer).post(reverse("member_leave", args=[business.pk]))
    assert response.status_code == 302
    assert not Membership.objects.filter(user=viewer, business=business).exists()
    business.refresh_from_db()
    assert business.ical_token != token
    response = client_for(owner).post(reverse("member_leave", args=[business.pk]))
    assert response.status_code == 400
    assert "last owner" in response.content.decode()
    assert Membership.objects.filter(user=owner, business=business).exists()


def test_an_outsider_cannot_leave_or_see_a_business(client_for, business, outsider):
    assert client_for(outsider).post(reverse("member_leave", args=[business.pk])).status_code == 404


# The business import adds nobody


def test_a_business_import_makes_nobody_else_a_member(client, db, tmp_path, settings):
    """Was: a file naming anyone as owner of "AAA Attacker Inc" made them one, and since
    businesses sort by name, their next log-in landed in it."""
    from tests.test_portability import import_via_job

    settings.MEDIA_ROOT = tmp_path
    victim = UserFactory(username="victim", email="victim@example.com")
    victim_business = MembershipFactory(user=victim, role=Role.OWNER).business
    attacker = UserFactory(username="attacker")
    document = {
        "format": "campaign-planner/1",
        "business": {
            "name": "AAA Attacker Inc",
            "website_url": "https://attacker.example",
            "currency": "USD",
            "time_zone": "UTC",
            "hourly_rate": "0",
        },
        "members": [
            {"username": "attacker", "email": "", "role": "owner"},
            {"username": "victim", "email": "victim@example.com", "role": "owner"},
        ],
        "platforms": [],
        "campaigns": [],
        "tasks": [],
        "time_entries": [],
        "results": [],
    }
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(attacker)
    upload = SimpleUploadedFile("x.json", json.dumps(document).encode(), "application/json")
    job = import_via_job(client, upload)
    attack = Business.objects.get(name="AAA Attacker Inc")
    assert not Membership.objects.filter(business=attack, user=victim).exists()
    assert "Invite victim@example.com (owner)" in [label for label, _url in job.result["links"]]
    client.force_login(victim)
    assert client.get(reverse("home")).url == reverse("dashboard", args=[victim_business.pk])
    assert client.get(reverse("dashboard", args=[attack.pk])).status_code == 404


def test_the_import_result_prefills_the_invitation(client_for, business, owner):
    url = reverse("member_list", args=[business.pk]) + "?invite=alex@example.com&role=viewer"
    form = client_for(owner).get(url).context["invite_form"]
    assert form.initial == {"email": "alex@example.com", "role": "viewer"}


# Fixed queries


@pytest.mark.parametrize("pending", [1, 30])
def test_the_members_page_runs_a_fixed_number_of_queries(client_for, business, owner, pending):
    inviter = UserFactory()
    for n in range(pending):
        make_invitation(business, inviter if n % 2 else owner, f"person{n}@example.com")
    client = client_for(owner)
    client.get(reverse("member_list", args=[business.pk]))  # session warm
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("member_list", args=[business.pk]))
    assert page.status_code == 200
    assert page.content.decode().count("Resend") == pending
    assert len(queries) == 6, [q["sql"] for q in queries]


def test_the_invitation_email_is_sent_from_a_job(client_for, business, owner, settings):
    from tests.jobs_support import work_queue

    settings.EMAIL_BACKEND = "planner.jobs.mail.JobEmailBackend"
    invite(client_for(owner), business)
    assert mail.outbox == []
    work_queue()
    assert [m.to for m in mail.outbox] == [["newhire@company.example"]]


def test_a_verified_second_address_can_accept(client, business, owner, newhire):
    EmailAddress.objects.create(user=newhire, email="work@company.example", verified=True)
    _invitation, token = make_invitation(business, owner, "work@company.example")
    client.force_login(newhire)
    client.post(reverse("invitation_detail", args=[token]), {"answer": "accept"})
    assert Membership.objects.filter(user=newhire, business=business).exists()
    assert PASSWORD  # the factory's password, unused here: accepting needs no re-login


# Found in review


def test_an_unverified_address_of_a_member_does_not_block_an_invitation(
    client_for, business, owner, viewer
):
    EmailAddress.objects.create(user=viewer, email="newhire@company.example", verified=False)
    assert invite(client_for(owner), business).status_code == 302


def test_a_look_alike_address_cannot_accept(client, business, owner):
    """PostgreSQL's case-insensitive match upper-cases a dotless ı to I: the comparison is
    exact, of lower-cased addresses."""
    mallory = UserFactory(username="mallory", email="bob@b\u0131gcorp.example")
    _invitation, token = make_invitation(business, owner, "bob@bigcorp.example")
    client.force_login(mallory)
    response = client.post(reverse("invitation_detail", args=[token]), {"answer": "accept"})
    assert response.status_code == 403
    assert not Membership.objects.filter(user=mallory).exists()


def test_an_address_that_grows_when_lower_cased_is_refused_at_the_field(
    client_for, business, owner
):
    email = "x" * 30 + "\u0130" * 120 + "@example.com"  # İ lower-cases to two characters
    response = invite(client_for(owner), business, email)
    assert response.status_code == 400
    assert "at most 254 characters" in response.context["invite_form"].errors["email"][0]
    assert not Invitation.objects.exists()


def test_a_concurrent_second_invitation_is_a_message_not_a_500(business, owner, monkeypatch):
    from django.core.exceptions import ValidationError

    from planner.accounts import services

    real_filter = Invitation.objects.filter

    def no_pending_seen(*args, **kwargs):  # the other owner's row commits after this check
        query = real_filter(*args, **kwargs)
        return query.none() if kwargs.get("status") == "pending" else query

    make_invitation(business, owner, "newhire@company.example")
    monkeypatch.setattr(Invitation.objects, "filter", no_pending_seen)
    with pytest.raises(ValidationError, match="just invited"):
        services.invite(business, owner, "newhire@company.example", "editor", base_url="http://x")
    assert Invitation.objects.count() == 1


def test_home_goes_to_the_business_and_mentions_a_waiting_invitation(client_for, business, editor):
    other = MembershipFactory(role=Role.OWNER).business
    make_invitation(other, None, editor.email)
    response = client_for(editor).get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("dashboard", args=[business.pk])
    assert "An invitation to another business is waiting" in response.content.decode()
