"""A Job is one piece of background work as people see it: what, for which business, who
started it, how far it is, and how it ended.

The task queue (django-tasks, with the database or RQ backend) only carries "run job N"; the
state lives here, in the project's own database, so it survives a worker killed mid-job, reads
the same whichever backend runs it, and can be shown to the business's owners.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from planner.models import Business, TenantQuerySet


class JobKind(models.TextChoices):
    REPORT_IMPORT = "report_import", "Ad-report import"
    BUSINESS_IMPORT = "business_import", "Business import"
    EXPORT = "export", "Export"
    EMAIL = "email", "E-mail"
    WEBHOOK = "webhook", "Webhook delivery"
    REPORT_SEND = "report_send", "Scheduled report"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Done"
    FAILED = "failed", "Failed"


ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)


class Job(models.Model):
    # Null for work that belongs to no business yet (a business being imported) or to none
    # (a password-reset e-mail).
    business = models.ForeignKey(
        Business, on_delete=models.CASCADE, null=True, blank=True, related_name="jobs"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=32, choices=JobKind.choices)
    label = models.CharField(max_length=200)  # what it is, for people: "Import of meta.csv"
    # Makes "start this job" idempotent: two confirms of one upload find the same job.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    payload = models.JSONField(default=dict, blank=True)  # the handler's arguments
    # The queue's id of the latest "run job N" message, to tell a job that waits its turn from
    # one whose message was lost.
    task_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    phase = models.CharField(max_length=100, blank=True)  # "Reading the report", "Saving"
    done = models.PositiveBigIntegerField(default=0)
    total = models.PositiveBigIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=3)
    result = models.JSONField(default=dict, blank=True)  # what the handler returned
    error = models.TextField(blank=True)  # the reason it failed, written for the user
    error_detail = models.TextField(blank=True)  # the exception, for staff (admin only)
    created_at = models.DateTimeField(auto_now_add=True)
    run_after = models.DateTimeField(null=True, blank=True)  # the next retry, when waiting
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["business", "-created_at"], name="job_business_created"),
            # The recovery sweep looks for running jobs whose worker went quiet.
            models.Index(fields=["status", "heartbeat_at"], name="job_status_heartbeat"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=JobStatus.values), name="job_status_valid"
            ),
            models.CheckConstraint(condition=Q(kind__in=JobKind.values), name="job_kind_valid"),
            models.CheckConstraint(
                condition=Q(done__lte=models.F("total")) | Q(total=0), name="job_done_within_total"
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def is_finished(self):
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)

    @property
    def percent(self):
        if self.status == JobStatus.SUCCEEDED:
            return 100
        if not self.total:
            return 0
        return min(100, int(self.done * 100 / self.total))

    @property
    def duration(self):
        if self.started_at is None:
            return None
        end = self.finished_at or self.heartbeat_at or self.started_at
        return end - self.started_at
