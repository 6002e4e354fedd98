"""The goal forms: a period goal (its own dates) and a campaign's goal (the campaign's)."""

from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator

from planner.forms.base import DateInput, VersionedForm
from planner.insights.models import GOAL_FIELDS, Goal

HELP = {
    "target_clicks": "Link clicks of posts and ads together.",
    "target_conversions": "Conversions of both kinds together.",
    "target_conversion_value": "Conversion value of both kinds together.",
    "max_cpa": "Media spend ÷ paid conversions stays at or below this.",
    "max_effective_cpc": "Total cost of both kinds ÷ their clicks stays at or below this.",
}


class _GoalFields(VersionedForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in GOAL_FIELDS:
            field = self.fields[name]
            field.help_text = HELP[name]
            if isinstance(field, forms.DecimalField):
                field.validators.append(MinValueValidator(Decimal("0.01")))
            else:
                field.validators.append(MinValueValidator(1))
                field.widget.attrs["max"] = 10**15

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) is not None for name in GOAL_FIELDS) and not any(
            name in self.errors for name in GOAL_FIELDS
        ):
            raise forms.ValidationError("Set at least one target or ceiling.")
        return cleaned


class GoalForm(_GoalFields):
    class Meta:
        model = Goal
        fields = ("name", "start_date", "end_date", *GOAL_FIELDS)
        labels = {"start_date": "First day", "end_date": "Last day"}
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start_date"].required = self.fields["end_date"].required = True
        self.fields["name"].help_text = "For example “Spring quarter”."

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The last day cannot be before the first day.")
        return cleaned


class CampaignGoalForm(_GoalFields):
    class Meta:
        model = Goal
        fields = GOAL_FIELDS
