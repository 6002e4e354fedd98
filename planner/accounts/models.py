"""Invitations to join a business: nobody becomes a member without their own click."""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from planner.models import Business, Role

INVITATION_TTL = datetime.timedelta(days=7)


def new_invitation_token():
    """The secret in the link (only its hash is stored, so the table leaks no live link)."""
    return secrets.token_urlsafe(32)


def token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    REVOKED = "revoked", "Revoked"


class InvitationQuerySet(models.QuerySet):
    def for_business(self, business):
        return self.filter(business=business)

    def open(self):
        """Pending and not expired: the ones a link still works for."""
        return self.filter(status=InvitationStatus.PENDING, expires_at__gt=timezone.now())


class Invitation(models.Model):
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()  # lower case: addresses compare without case
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.EDITOR)
    token_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(
        max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-pk"]
        indexes = [
            models.Index(fields=["business", "status"], name="invitation_business_status"),
            models.Index(fields=["email", "status"], name="invitation_email_status"),
        ]
        constraints = [
            # One live invitation per address and business: a second one is a resend.
            models.UniqueConstraint(
                "business",
                "email",
                condition=Q(status="pending"),
                name="invitation_one_pending_per_address",
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="invitation_role_valid"),
            models.CheckConstraint(
                condition=Q(status__in=InvitationStatus.values), name="invitation_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(email=Lower("email")), name="invitation_email_lower"
            ),
        ]

    def __str__(self):
        return f"{self.email} to {self.business} ({self.role}, {self.status})"

    @property
    def expired(self):
        return self.status == InvitationStatus.PENDING and self.expires_at <= timezone.now()

    @property
    def is_open(self):
        return self.status == InvitationStatus.PENDING and not self.expired

    @property
    def state(self):
        """What the invitee's page says: pending, expired, accepted, declined or revoked."""
        return "expired" if self.expired else self.status
