"""Reports shared as links (and, below, sent on a schedule)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from planner.models.base import TenantQuerySet
from planner.models.business import Business


class ReportLink(models.Model):
    """A read-only link to one report (its period fixed when made): only the token's SHA-256
    is kept; it expires, an owner can revoke it, and it reaches nothing else of the business."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="report_links")
    token_hash = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=120)
    # The report's query string: period=custom&start=…&end=…[&campaign=…][&summary=…]
    query = models.CharField(max_length=3000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")), name="report_link_expires_later"
            )
        ]

    def __str__(self):
        return self.label
