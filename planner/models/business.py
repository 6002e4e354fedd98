"""The business (the tenant), its members and their roles."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from planner.models.base import (
    FIRST_YEAR,
    LAST_YEAR,
    PLANNABLE_EDGES,
    ZERO,
    TenantQuerySet,
    http_url_field,
    local_day,
    money_field,
    new_feed_token,
)
from planner.teamwork.review import ApprovalMode


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    EDITOR = "editor", "Editor"
    VIEWER = "viewer", "Viewer"


# Higher rank can do everything a lower rank can.
ROLE_RANK = {Role.VIEWER: 0, Role.EDITOR: 1, Role.OWNER: 2}


class BusinessQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(memberships__user=user)


class Business(models.Model):
    name = models.CharField(max_length=120)
    website_url = http_url_field("website URL", max_length=500)
    currency = models.CharField(max_length=3, default="USD")
    time_zone = models.CharField(max_length=64, default="UTC")
    hourly_rate = money_field("hourly rate", default=ZERO, help_text="Prices the hours spent.")
    # The secret in the iCalendar feed's URL; the owner can replace it to revoke old links.
    ical_token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    # Members without two-factor authentication are sent to set it up before reaching it.
    require_mfa = models.BooleanField(
        "require two-factor authentication",
        default=False,
        help_text="Every member must set up an authenticator app before opening this business.",
    )
    approval_mode = models.CharField(
        "approval", max_length=10, choices=ApprovalMode.choices, default=ApprovalMode.OFF
    )
    authors_cannot_approve = models.BooleanField(
        "an author cannot approve their own work",
        default=True,
        help_text="Whoever asked for a review, or made the last change, needs someone else's "
        "approval.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BusinessQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "businesses"
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hourly_rate__gte=0),
                name="business_hourly_rate_non_negative",
                violation_error_message="The hourly rate cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(approval_mode__in=ApprovalMode.values),
                name="business_approval_mode_valid",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        """A new time zone moves every post to its local day there (services.business_update):
        refuse one that would move a post out of the plannable years."""
        super().clean()
        if self.pk is None:
            return
        saved = Business.objects.filter(pk=self.pk).values_list("time_zone", flat=True).first()
        if saved in (None, self.time_zone):
            return
        try:
            zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return  # not a time zone at all (the business form offers real ones only)
        outside = [
            (title, day)
            for title, day in self._edge_post_days(self.time_zone)
            if not FIRST_YEAR <= day.year <= LAST_YEAR
        ]
        if outside:
            (title, day), more = outside[0], len(outside) - 1
            others = f" and {more} other post{'s' if more > 1 else ''}" if more else ""
            raise ValidationError(
                {
                    "time_zone": f"In this time zone the post “{title}”{others} would fall on "
                    f"{day:%d %B} {day.year}, outside {FIRST_YEAR}–{LAST_YEAR}. Move "
                    f"{'them' if more else 'it'} first."
                }
            )

    def _edge_post_days(self, time_zone):
        """(title, local day) of the posts near either end of the plannable years."""
        from planner.models.tasks import Kind  # tasks.py imports this module

        first, last = PLANNABLE_EDGES
        posts = self.tasks.filter(kind=Kind.SMO).filter(
            Q(scheduled_at__lt=first) | Q(scheduled_at__gte=last)
        )
        for title, moment in posts.order_by("scheduled_at", "pk").values_list(
            "title", "scheduled_at"
        ):
            yield title, local_day(moment, time_zone)


class Membership(models.Model):
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    # Owners always approve; an owner can let an editor or a viewer (a client) approve too.
    can_approve = models.BooleanField(
        "approver",
        default=False,
        help_text="Can approve work and request changes (owners always can).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["business", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["business", "user"], name="membership_unique"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self):
        return f"{self.user} in {self.business} ({self.role})"

    def has_role(self, role):
        return ROLE_RANK[self.role] >= ROLE_RANK[role]

    @property
    def can_edit(self):
        return self.has_role(Role.EDITOR)

    @property
    def is_owner(self):
        return self.role == Role.OWNER

    @property
    def is_approver(self):
        return self.role == Role.OWNER or self.can_approve
