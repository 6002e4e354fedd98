"""Campaigns."""

from django import forms
from django.utils.text import slugify

from planner.forms.base import DateInput, VersionedForm
from planner.models import Campaign


class CampaignForm(VersionedForm):
    class Meta:
        model = Campaign
        fields = ("name", "slug", "objective", "start_date", "end_date", "budget", "notes")
        labels = {"slug": "UTM campaign"}
        help_texts = {
            "slug": "utm_campaign on every link of this campaign; from the name if blank."
        }
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date cannot be before the start date.")
        if not cleaned.get("slug") and cleaned.get("name"):
            cleaned["slug"] = slugify(cleaned["name"])[:80] or "campaign"
        return cleaned
