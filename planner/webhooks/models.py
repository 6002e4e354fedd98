"""Webhook subscriptions and their deliveries."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from planner.models.base import TenantQuerySet


class Subscription(models.Model):
    """A URL of the owner's that is sent the business's chosen events."""

    business = models.ForeignKey("planner.Business", on_delete=models.CASCADE, related_name="+")
    url = models.URLField(max_length=500)
    events = models.JSONField(default=list)  # names from planner/webhooks/events.py EVENTS
    description = models.CharField(max_length=200, blank=True)
    # The HMAC key of its signatures: kept as it is, since every delivery is signed with it;
    # shown to the owner once, when the subscription is made.
    secret = models.CharField(max_length=100)
    active = models.BooleanField(default=True)
    # Deliveries that failed for good in a row; at services.DISABLE_AFTER it is disabled.
    failures = models.PositiveIntegerField(default=0)
    disabled_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["business", "active"], name="webhook_business_active")]

    def __str__(self):
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent or retried"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"


class Delivery(models.Model):
    """One event sent (or to be sent) to one subscription: the log the owner reads."""

    business = models.ForeignKey("planner.Business", on_delete=models.CASCADE, related_name="+")
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    # The event's id in the body: a replay sends the same id, so a receiver can tell.
    event_id = models.UUIDField(default=uuid.uuid4)
    event = models.CharField(max_length=50)
    payload = models.JSONField()
    # Events that happen once per something (an ad going off pace in a flight): one delivery.
    dedupe_key = models.CharField(max_length=200, blank=True, default="")
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    response_code = models.PositiveIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    replay_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "deliveries"
        indexes = [
            models.Index(fields=["subscription", "-created_at", "-id"], name="delivery_log"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="delivery_once_per_key",
            ),
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values),
                name="delivery_status_valid",
                violation_error_message="Not a delivery status.",
            ),
        ]

    def __str__(self):
        return f"{self.event} {self.event_id}"
