"""Goals: targets a business sets on a campaign or on a period of its own (docs/domain.md,
"Goals and blended efficiency")."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from planner.models.base import DATES, TenantQuerySet, money_field, version_field
from planner.models.business import Business
from planner.models.campaigns import Campaign

TARGETS = ("target_clicks", "target_conversions", "target_conversion_value")
CEILINGS = ("max_cpa", "max_effective_cpc")
GOAL_FIELDS = TARGETS + CEILINGS


class Goal(models.Model):
    """Targets to reach (clicks, conversions, conversion value) and ceilings not to pass (CPA,
    effective CPC), over a campaign's dates or a period of the business's choosing."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="goals")
    # A campaign's goal (one at most) takes the campaign's dates; a period goal has its own.
    campaign = models.OneToOneField(
        Campaign, on_delete=models.CASCADE, null=True, blank=True, related_name="goal"
    )
    name = models.CharField(max_length=100, blank=True)
    start_date = models.DateField(null=True, blank=True, validators=DATES)
    end_date = models.DateField(null=True, blank=True, validators=DATES)
    target_clicks = models.PositiveBigIntegerField("clicks", null=True, blank=True)
    target_conversions = models.PositiveBigIntegerField("conversions", null=True, blank=True)
    target_conversion_value = money_field("conversion value", null=True, blank=True)
    max_cpa = money_field("maximum CPA", null=True, blank=True)
    max_effective_cpc = money_field("maximum effective CPC", null=True, blank=True)
    version = version_field()

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-end_date", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(campaign__isnull=True, start_date__isnull=False, end_date__isnull=False)
                    & Q(end_date__gte=F("start_date"))
                )
                | Q(campaign__isnull=False, start_date__isnull=True, end_date__isnull=True),
                name="goal_campaign_or_period",
                violation_error_message=(
                    "A goal is for a campaign (its dates) or for a period from a first to a "
                    "last day."
                ),
            ),
            models.CheckConstraint(
                condition=(
                    Q(target_clicks__isnull=False)
                    | Q(target_conversions__isnull=False)
                    | Q(target_conversion_value__isnull=False)
                    | Q(max_cpa__isnull=False)
                    | Q(max_effective_cpc__isnull=False)
                ),
                name="goal_has_a_target",
                violation_error_message="Set at least one target or ceiling.",
            ),
            models.CheckConstraint(
                condition=(
                    (Q(target_clicks__isnull=True) | Q(target_clicks__gt=0))
                    & (Q(target_conversions__isnull=True) | Q(target_conversions__gt=0))
                    & (Q(target_conversion_value__isnull=True) | Q(target_conversion_value__gt=0))
                    & (Q(max_cpa__isnull=True) | Q(max_cpa__gt=0))
                    & (Q(max_effective_cpc__isnull=True) | Q(max_effective_cpc__gt=0))
                ),
                name="goal_values_positive",
                violation_error_message="Targets and ceilings are more than 0.",
            ),
        ]
        indexes = [models.Index(fields=["business", "end_date"], name="goal_business_end")]

    def __str__(self):
        if self.campaign_id:
            return f"Goal of {self.campaign}"
        return self.name or f"Goal {self.start_date:%Y-%m-%d} → {self.end_date:%Y-%m-%d}"

    def window(self):
        """(first day, last day) the goal runs over."""
        if self.campaign_id:
            return self.campaign.start_date, self.campaign.end_date
        return self.start_date, self.end_date


MIN_WEEKS, MAX_WEEKS = 4, 52  # a baseline's length


class Scenario(models.Model):
    """A saved what-if: the inputs (hours of each organic platform, media spend of each paid
    one) for the weeks after a baseline of the business's own history
    (planner/insights/whatif.py projects them)."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="scenarios")
    name = models.CharField(max_length=100)
    baseline_end = models.DateField(validators=DATES)
    baseline_weeks = models.PositiveSmallIntegerField()
    # {"smo:<platform id>": "12.5", "smm:<platform id>": "900.00"}: decimals as strings.
    inputs = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    version = version_field()

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(baseline_weeks__gte=MIN_WEEKS, baseline_weeks__lte=MAX_WEEKS),
                name="scenario_weeks_in_range",
                violation_error_message=f"A baseline is {MIN_WEEKS} to {MAX_WEEKS} weeks.",
            ),
        ]
        indexes = [models.Index(fields=["business", "-created_at"], name="scenario_newest")]

    def __str__(self):
        return self.name
