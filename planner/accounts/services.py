"""Writes for invitations and leaving a business; each in one transaction."""

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from planner import services as core_services
from planner.accounts.models import (
    INVITATION_TTL,
    Invitation,
    InvitationStatus,
    new_invitation_token,
    token_hash,
)
from planner.models import Business, Membership, new_feed_token
from planner.teamwork.activity import record_business
from planner.teamwork.models import Verb


class InvitationRefused(Exception):
    """The invitation cannot be used as asked; the message says why, for the page."""


def is_member_address(business, email):
    """True when a member of `business` has this address, verified. Exact comparisons of
    lower-cased addresses: PostgreSQL's case-insensitive match (UPPER) makes "bıgcorp" (a
    dotless ı, someone else's domain) equal to "bigcorp"."""
    return EmailAddress.objects.filter(
        email=email, verified=True, user__memberships__business=business
    ).exists()


@transaction.atomic
def invite(business, invited_by, email, role, *, base_url):
    """Invite `email` to `business` as `role` and send the e-mail (from a job)."""
    email = email.strip().lower()
    if is_member_address(business, email):
        raise ValidationError("Someone with this address is already a member.")
    if Invitation.objects.filter(business=business, email=email, status="pending").exists():
        # Expired or not: the owner resends it from the list (a new link, a new week).
        raise ValidationError("This address is already invited: resend the invitation instead.")
    token = new_invitation_token()
    try:
        with transaction.atomic():  # a savepoint: another owner may invite the address now
            invitation = Invitation.objects.create(
                business=business,
                email=email,
                role=role,
                token_hash=token_hash(token),
                invited_by=invited_by,
                expires_at=timezone.now() + INVITATION_TTL,
            )
    except IntegrityError:
        raise ValidationError("This address was just invited: resend the invitation.") from None
    _send(invitation, token, base_url)
    return invitation


@transaction.atomic
def resend(invitation, *, base_url):
    """A new link (the old one stops working) valid for another week, sent again."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != InvitationStatus.PENDING:
        raise ValidationError(f"This invitation was {invitation.status}; invite again instead.")
    token = new_invitation_token()
    invitation.token_hash = token_hash(token)
    invitation.sent_at = timezone.now()
    invitation.expires_at = invitation.sent_at + INVITATION_TTL
    invitation.save(update_fields=["token_hash", "sent_at", "expires_at"])
    _send(invitation, token, base_url)
    return invitation


@transaction.atomic
def revoke(invitation):
    updated = Invitation.objects.filter(pk=invitation.pk, status=InvitationStatus.PENDING).update(
        status=InvitationStatus.REVOKED, responded_at=timezone.now()
    )
    if not updated:
        raise ValidationError("This invitation was already answered or withdrawn.")


def find(token):
    """The invitation behind a link, or None (a forged or replaced link)."""
    if not isinstance(token, str) or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("business", "invited_by")
        .filter(token_hash=token_hash(token))
        .first()
    )


CLOSED = {
    "expired": "This invitation has expired. Ask the owner to send it again.",
    "revoked": "This invitation was withdrawn by the business.",
    "accepted": "This invitation was already accepted.",
    "declined": "This invitation was declined.",
}


def check_invitee(invitation, user):
    """Why `user` may not answer `invitation`, or None if they may."""
    if not invitation.is_open:
        return CLOSED[invitation.state]
    addresses = EmailAddress.objects.filter(user=user, email=invitation.email)  # exact: see above
    if not addresses.exists():
        return (
            f"This invitation was sent to {invitation.email}, and you are logged in as "
            f"{user.username}, whose account does not have that address."
        )
    if not addresses.filter(verified=True).exists():
        return f"Confirm your address {invitation.email} first: we sent you a link to do so."
    return None


@transaction.atomic
def accept(invitation, user):
    """Make `user` a member with the invitation's role. InvitationRefused if they may not."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    problem = check_invitee(invitation, user)
    if problem:
        raise InvitationRefused(problem)
    membership, created = Membership.objects.get_or_create(
        business_id=invitation.business_id, user=user, defaults={"role": invitation.role}
    )
    if created:
        inviter = invitation.invited_by.get_username() if invitation.invited_by else "an owner"
        record_business(
            invitation.business_id,
            user,
            Verb.MEMBER,
            f"{user.get_username()} joined as {membership.get_role_display().lower()} "
            f"(invited by {inviter})",
        )
    invitation.status = InvitationStatus.ACCEPTED
    invitation.responded_at = timezone.now()
    invitation.responded_by = user
    invitation.save(update_fields=["status", "responded_at", "responded_by"])
    return membership


@transaction.atomic
def decline(invitation, user):
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    problem = check_invitee(invitation, user)
    if problem:
        raise InvitationRefused(problem)
    invitation.status = InvitationStatus.DECLINED
    invitation.responded_at = timezone.now()
    invitation.responded_by = user
    invitation.save(update_fields=["status", "responded_at", "responded_by"])


def waiting_for(user):
    """Open invitations to the user's verified addresses, newest first (home lists them)."""
    verified = EmailAddress.objects.filter(user=user, verified=True).values("email")
    return (
        Invitation.objects.open()
        .filter(email__in=verified)
        .exclude(business__memberships__user=user)
        .select_related("business", "invited_by")
    )


@transaction.atomic
def remove_member(membership, by=None):
    """Remove a member (or a member leaving): access ends with their next request, and the
    calendar feed gets a new address, since they may have kept the old one."""
    core_services.member_remove(membership, by=by)
    Business.objects.filter(pk=membership.business_id).update(ical_token=new_feed_token())


def _send(invitation, token, base_url):
    link = base_url + reverse("invitation_detail", args=[token])
    context = {"invitation": invitation, "link": link, "ttl_days": INVITATION_TTL.days}
    inviter = invitation.invited_by.username if invitation.invited_by else "An owner"
    send_mail(
        f"{inviter} invites you to {invitation.business.name} on the Campaign planner",
        render_to_string("accounts/invitation_email.txt", context),
        None,
        [invitation.email],
    )
