"""What is recorded against a task: hours spent (time entries) and dated figures (results)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from planner.models.base import COUNT, DATES, ZERO, TenantQuerySet, money_field
from planner.models.business import Business
from planner.models.tasks import Task


class TimeEntry(models.Model):
    """Hours spent on a task: who, which day, how long."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="time_entries")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="time_entries")
    # Blank when the account was deleted, or the hours came in a business import from someone
    # who is not a member here; the form still asks for a member.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="time_entries",
        verbose_name="member",
    )
    date = models.DateField(validators=DATES)
    hours = models.DecimalField(max_digits=5, decimal_places=2)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "time entries"
        ordering = ["-date", "-pk"]
        # With the id: the API's list, newest day first, in the index's order (no sort
        # of a whole day's rows); date ranges use it as they used (business, date).
        indexes = [models.Index(fields=["business", "date", "id"], name="time_business_date_id")]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0, hours__lte=24),
                name="time_hours_in_a_day",
                violation_error_message="Hours logged in a day are more than 0 and at most 24.",
            ),
        ]

    def __str__(self):
        return f"{self.hours} h on {self.date}"


class ResultEntry(models.Model):
    """Dated figures for one task; a task's totals are the sums of its entries."""

    # No index of their own: (business, date, id) and the unique (task, date) lead with them,
    # and two fewer indexes to maintain make an ad-report import's bulk insert a third faster.
    business = models.ForeignKey(
        Business, on_delete=models.CASCADE, related_name="results", db_index=False
    )
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="results", db_index=False)
    date = models.DateField(validators=DATES)
    impressions = models.PositiveBigIntegerField(default=0, validators=COUNT)
    reach = models.PositiveBigIntegerField(default=0, validators=COUNT)
    engagements = models.PositiveBigIntegerField(default=0, validators=COUNT)
    clicks = models.PositiveBigIntegerField(default=0, validators=COUNT)
    conversions = models.PositiveBigIntegerField(default=0, validators=COUNT)
    conversion_value = money_field("conversion value", default=ZERO)
    spend = money_field("media spend", default=ZERO, help_text="Paid (SMM) tasks only.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "result entries"
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["business", "date", "id"], name="result_business_date_id")]
        constraints = [
            # One figure per task per day, so a re-import replaces instead of doubling.
            models.UniqueConstraint(fields=["task", "date"], name="result_one_per_task_per_day"),
            models.CheckConstraint(
                condition=Q(conversion_value__gte=0),
                name="result_conversion_value_non_negative",
                violation_error_message="The conversion value cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(spend__gte=0),
                name="result_spend_non_negative",
                violation_error_message="Spend cannot be negative.",
            ),
        ]

    def __str__(self):
        return f"results for {self.date}"
