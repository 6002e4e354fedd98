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
    query = models.TextField()  # a summary of 2,000 characters can take 18,000 once encoded
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


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly (Monday, the week before)"
    MONTHLY = "monthly", "Monthly (the 1st, the month before)"


class ReportSchedule(models.Model):
    """A report e-mailed with its PDF to chosen addresses every week or month, by jobs that
    `manage.py send_reports` starts (planner/reports/schedules.py)."""

    business = models.ForeignKey(
        Business, on_delete=models.CASCADE, related_name="report_schedules"
    )
    name = models.CharField(max_length=100)
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    recipients = models.TextField(help_text="One e-mail address a line.")
    campaign = models.ForeignKey(
        "planner.Campaign", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    summary = models.TextField(blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(frequency__in=["weekly", "monthly"]), name="schedule_frequency_valid"
            )
        ]

    def __str__(self):
        return self.name

    @property
    def addresses(self):
        return [line.strip() for line in self.recipients.splitlines() if line.strip()]


class SendStatus(models.TextChoices):
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class ReportSend(models.Model):
    """One period's send of a schedule: made once (the constraint), however often the command
    runs; its job sends it, retries it, and the row says how it ended."""

    schedule = models.ForeignKey(ReportSchedule, on_delete=models.CASCADE, related_name="sends")
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="+")
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(max_length=10, choices=SendStatus.choices, default="sending")
    job = models.ForeignKey(
        "jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "-pk"]
        constraints = [
            models.UniqueConstraint("schedule", "period_start", name="report_send_once_per_period")
        ]
        indexes = [models.Index(fields=["business", "-created_at"], name="report_send_newest")]

    def __str__(self):
        return f"{self.schedule_id} {self.period_start}: {self.status}"
