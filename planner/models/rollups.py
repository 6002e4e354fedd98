"""Sums kept for the dashboard (rebuilt by planner/rollups.py with every write, never typed)."""

from django.db import models
from django.db.models import F, Q

from planner.models.base import DATES, ZERO
from planner.models.business import Business
from planner.models.campaigns import Campaign
from planner.models.platforms import Platform
from planner.models.tasks import Kind
from planner.teamwork.review import ReviewState


class RollupSums(models.Model):
    """What a rollup row sums, per business, kind, platform and campaign."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=3, choices=Kind.choices)
    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    hours = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    impressions = models.BigIntegerField(default=0)
    reach = models.BigIntegerField(default=0)
    engagements = models.BigIntegerField(default=0)
    clicks = models.BigIntegerField(default=0)
    conversions = models.BigIntegerField(default=0)
    conversion_value = models.DecimalField(max_digits=16, decimal_places=2, default=ZERO)
    spend = models.DecimalField(max_digits=16, decimal_places=2, default=ZERO)
    production_cost = models.DecimalField(max_digits=16, decimal_places=2, default=ZERO)
    estimated_hours = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    published_posts = models.IntegerField(default=0)

    class Meta:
        abstract = True


class DailyRollup(RollupSums):
    """Sums per business, day, kind, platform and campaign, so the dashboard reads a few
    thousand rows instead of every entry.

    Not a cache: services.py moves the rows of the affected days in the same transaction as
    every write to tasks, time or results (planner/rollups.py), so it is always exactly the sum
    of its sources.
    """

    date = models.DateField(validators=DATES)

    class Meta:
        indexes = [
            models.Index(fields=["business", "date"], name="rollup_business_date"),
            models.Index(fields=["business", "campaign", "date"], name="rollup_business_campaign"),
        ]

    def __str__(self):
        return f"{self.business_id} {self.date} {self.kind}"


class MonthlyRollup(RollupSums):
    """The same sums per calendar month (`month` is its first day), moved with DailyRollup in
    the same transaction: a year's dashboard reads ~800 of these rather than ~11,000 days."""

    month = models.DateField(validators=DATES)

    class Meta:
        indexes = [models.Index(fields=["business", "month"], name="monthly_rollup_month")]

    def __str__(self):
        return f"{self.business_id} {self.month:%Y-%m} {self.kind}"


class TaskTally(models.Model):
    """How many tasks a business has per kind, status, review state, platform and campaign, for
    the dashboard's pipeline. Counted in and out by services.task_save and task_delete."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="tallies")
    kind = models.CharField(max_length=3, choices=Kind.choices)
    status = models.CharField(max_length=10)
    review_state = models.CharField(max_length=10, default=ReviewState.NONE)
    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    count = models.IntegerField(default=0)
    # The sums of these tasks' own figures (Task: estimated hours, flight budget, and the
    # results' totals kept on each row), for the lists' totals of a filtered set.
    estimated_hours = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    budget_total = models.DecimalField(max_digits=30, decimal_places=2, default=ZERO)
    media_spend = models.DecimalField(max_digits=30, decimal_places=2, default=ZERO)
    total_impressions = models.BigIntegerField(default=0)
    total_reach = models.BigIntegerField(default=0)
    total_engagements = models.BigIntegerField(default=0)
    total_clicks = models.BigIntegerField(default=0)
    total_conversions = models.BigIntegerField(default=0)
    total_conversion_value = models.DecimalField(max_digits=30, decimal_places=2, default=ZERO)

    class Meta:
        indexes = [models.Index(fields=["business", "kind", "status"], name="tally_business")]
        constraints = [
            models.CheckConstraint(condition=Q(count__gte=0), name="tally_count_non_negative")
        ]

    def __str__(self):
        return f"{self.business_id} {self.kind} {self.status}: {self.count}"


class CalendarTally(models.Model):
    """How many posts and ad flights the calendar has on each day, per kind, status, review
    state, platform and campaign, so its "+K more" counts come from a few rows instead of every
    task.

    `count` is posts published that day (SMO) or ads whose flight includes it (SMM); `starts`
    is the ads whose flight begins that day (for posts it equals `count`). Counted in and out
    by services.task_save and task_delete, rebuilt by rollups.refresh_calendar after bulk loads.
    """

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    kind = models.CharField(max_length=3, choices=Kind.choices)
    status = models.CharField(max_length=10)
    review_state = models.CharField(max_length=10, default=ReviewState.NONE)
    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    count = models.IntegerField(default=0)
    starts = models.IntegerField(default=0)
    # The work planned on the day (the forecasts, planner/insights/forecasts.py): the estimated
    # hours and production cost of the tasks whose work day it is (a post's day, an ad's first
    # day), and the ads' budgets for the day (a daily amount, or a lifetime amount spread over
    # its flight's days in cents, rollups.budget_days).
    planned_hours = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    planned_production = models.DecimalField(max_digits=16, decimal_places=2, default=ZERO)
    planned_budget = models.DecimalField(max_digits=16, decimal_places=2, default=ZERO)

    class Meta:
        indexes = [models.Index(fields=["business", "date"], name="calendar_tally_day")]
        constraints = [
            models.CheckConstraint(
                condition=Q(count__gte=0, starts__gte=0, starts__lte=F("count")),
                name="calendar_tally_counts_valid",
            )
        ]

    def __str__(self):
        return f"{self.business_id} {self.date} {self.kind} {self.status}: {self.count}"
