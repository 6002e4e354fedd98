"""Ad reports between upload and import, and the campaign names they were matched to."""

from django.conf import settings
from django.db import models

from planner.models.base import TenantQuerySet
from planner.models.business import Business
from planner.models.tasks import Task


class ReportUpload(models.Model):
    """An ad report between its upload and its import (planner/imports.py).

    Kept in the database, not on the local disk or in memory, so that whichever app server
    answers the next step finds it; deleted once imported or cancelled (or a day later).
    """

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file_name = models.CharField("file name", max_length=255)
    content = models.TextField()  # the file's text, decoded (see planner/ad_reports.py)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["business", "created_at"], name="upload_business_created")]

    def __str__(self):
        return self.file_name


class ImportMapping(models.Model):
    """A campaign name in one kind of ad report, remembered as one of the business's SMM tasks,
    or (no task) as "skip these rows"."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=20)  # the report format: meta, linkedin, generic
    name = models.CharField(max_length=300)  # as written in the report
    name_key = models.CharField(max_length=300)  # ad_reports.name_key(name): what is matched
    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["business", "source", "name_key"], name="import_mapping_unique_name"
            ),
        ]

    def __str__(self):
        return f"{self.name} → {self.task or 'skip'}"


class StagedResultDay(models.Model):
    """One task-day of figures read from an ad report, waiting for the import's locked step.

    The import checks and writes these outside the business's lock, then copies them into
    ResultEntry with one statement (planner/imports.py). Plain ids, no foreign keys: the rows
    live seconds, are written in bulk, and the copy's own constraints check the task.
    """

    upload_id = models.BigIntegerField()
    # One import run's rows: two runs of one upload (a retry while a slow first run still
    # lives) never copy or delete each other's.
    run = models.CharField(max_length=32)
    task_id = models.BigIntegerField()
    date = models.DateField()
    impressions = models.PositiveBigIntegerField(default=0)
    reach = models.PositiveBigIntegerField(default=0)
    engagements = models.PositiveBigIntegerField(default=0)
    clicks = models.PositiveBigIntegerField(default=0)
    conversions = models.PositiveBigIntegerField(default=0)
    conversion_value = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    spend = models.DecimalField(max_digits=12, decimal_places=2, default=0)

    class Meta:
        indexes = [
            models.Index(fields=["run"], name="staged_run"),
            models.Index(fields=["upload_id"], name="staged_upload"),
        ]

    def __str__(self):
        return f"staged results for {self.date}"
