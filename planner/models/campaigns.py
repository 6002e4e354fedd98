"""Campaigns: a named flight of dates and a paid budget that tasks of both kinds belong to."""

from django.db import models
from django.db.models import F, Q

from planner.models.base import DATES, ZERO, TenantQuerySet, money_field, version_field
from planner.models.business import Business


class Campaign(models.Model):
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="campaigns")
    name = models.CharField(max_length=150)
    # utm_campaign of every link in the campaign; set from the name when left blank.
    slug = models.SlugField(max_length=80, blank=True)
    objective = models.CharField(max_length=300, blank=True)
    start_date = models.DateField(validators=DATES)
    end_date = models.DateField(validators=DATES)
    budget = money_field("paid budget", default=ZERO)
    notes = models.TextField(blank=True)
    version = version_field()

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget__gte=0),
                name="campaign_budget_non_negative",
                violation_error_message="The budget cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="campaign_end_after_start",
                violation_error_message="The end date cannot be before the start date.",
            ),
        ]

    def __str__(self):
        return self.name
