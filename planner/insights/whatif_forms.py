"""The what-if planner's forms: the baseline, the inputs of each side × platform, the name a
scenario is saved under, and the campaigns it is applied to."""

import datetime
from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from planner.forms.base import DateInput
from planner.insights.models import MAX_WEEKS, MIN_WEEKS

DEFAULT_WEEKS = 13  # 91 days: the "last 90 days" in whole weeks
MAX_HOURS = Decimal("100000")  # in a scenario's period, per platform
MAX_SPEND = Decimal("100000000")  # × MAX_SEGMENTS stays inside a campaign budget


class BaselineForm(forms.Form):
    weeks = forms.IntegerField(
        label="Baseline, in weeks",
        initial=DEFAULT_WEEKS,
        validators=[MinValueValidator(MIN_WEEKS), MaxValueValidator(MAX_WEEKS)],
        help_text=f"{MIN_WEEKS} to {MAX_WEEKS}; the projection covers as many weeks ahead.",
    )
    end = forms.DateField(label="Baseline ends on", widget=DateInput())

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["end"].initial = today

    def clean_end(self):
        end = self.cleaned_data["end"]
        if end > self.today:
            raise forms.ValidationError("The baseline is history: it ends today at the latest.")
        if end.year < 1971:
            raise forms.ValidationError("Enter a date after 1970.")
        return end

    def chosen(self):
        """(last day, weeks) of a valid form, else the defaults."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["end"], self.cleaned_data["weeks"]
        return self.today, DEFAULT_WEEKS


def field_name(key):
    return "in_" + key.replace(":", "_")


class InputsForm(forms.Form):
    """A number per side × platform: organic hours or paid media spend over the weeks ahead
    (blank keeps the baseline's)."""

    name = forms.CharField(max_length=100, required=False, label="Save as")

    def __init__(self, *args, segments, **kwargs):
        super().__init__(*args, **kwargs)
        self.segments = segments
        for segment in segments:
            paid = segment.kind == "smm"
            self.fields[field_name(segment.key)] = forms.DecimalField(
                label=segment.label,
                required=False,
                min_value=0,
                max_value=MAX_SPEND if paid else MAX_HOURS,
                max_digits=13,
                decimal_places=2,
                initial=round(Decimal(str(segment.baseline_input)), 2),
            )

    def inputs(self):
        """{segment key: float} of the numbers given (a valid form)."""
        found = {}
        for segment in self.segments:
            value = self.cleaned_data.get(field_name(segment.key))
            if value is not None:
                found[segment.key] = float(value)
        return found

    def stored(self):
        """The inputs as a scenario keeps them: every segment, decimals as strings."""
        found = {}
        for segment in self.segments:
            value = self.cleaned_data.get(field_name(segment.key))
            if value is None:
                value = round(Decimal(str(segment.baseline_input)), 2)
            found[segment.key] = str(value)
        return found

    def clean_name(self):
        return self.cleaned_data["name"].strip()


def future_days(end, weeks):
    """The weeks after a baseline ending on `end`: (first day, last day)."""
    return end + datetime.timedelta(days=1), end + datetime.timedelta(days=7 * weeks)


class ApplyForm(forms.Form):
    """The campaigns whose paid budgets become the scenario's paid media spend, with the
    version each had when the page was shown."""

    campaigns = forms.TypedMultipleChoiceField(
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        label="Campaigns",
        error_messages={"required": "Tick at least one campaign."},
    )

    def __init__(self, *args, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaigns = {campaign.pk: campaign for campaign in campaigns}
        self.fields["campaigns"].choices = [(c.pk, c.name) for c in campaigns]
        for campaign in campaigns:
            self.fields[f"version_{campaign.pk}"] = forms.IntegerField(
                widget=forms.HiddenInput, initial=campaign.version, min_value=0, required=False
            )

    def clean(self):
        cleaned = super().clean()
        for pk in cleaned.get("campaigns", []):
            if cleaned.get(f"version_{pk}") is None:
                # A campaign added since the page was shown: its budget was never seen.
                raise forms.ValidationError("This page is out of date: reload it, then apply.")
        return cleaned

    def chosen(self):
        """The ticked campaigns (a valid form)."""
        return [self.campaigns[pk] for pk in self.cleaned_data["campaigns"]]

    def seen_versions(self):
        return {pk: self.cleaned_data[f"version_{pk}"] for pk in self.cleaned_data["campaigns"]}
