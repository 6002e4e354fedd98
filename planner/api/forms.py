"""The owner's form for a new API key."""

import datetime
import zoneinfo

from django import forms
from django.utils import timezone

from planner.api.models import ApiKey, Scope
from planner.forms.base import DateInput

MAX_DAYS = 3 * 366  # a key that must outlive this is one without an expiry, said so


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        max_length=ApiKey._meta.get_field("name").max_length,
        help_text="What uses it: “Zapier results”, “BI dashboard”.",
    )
    scope = forms.ChoiceField(
        choices=Scope.choices,
        initial=Scope.READ,
        widget=forms.RadioSelect,
        help_text="Read: lists, the split, pacing. Read and write: also creates, changes and "
        "deletes, as an editor would. No key manages members or keys.",
    )
    expires_on = forms.DateField(
        required=False,
        widget=DateInput(),
        label="Expires on",
        help_text="Optional: it stops working at the end of this day (the business's time).",
    )

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.business = business

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the key a name.")
        return name

    def clean_expires_on(self):
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        today = timezone.localdate()
        if day < today:
            raise forms.ValidationError("Choose today or a later day.")
        if day > today + datetime.timedelta(days=MAX_DAYS):
            raise forms.ValidationError("At most three years ahead; or leave it empty.")
        return day

    def expires_at(self):
        """The end of the chosen day in the business's time zone (None: no expiry)."""
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        tz = zoneinfo.ZoneInfo(self.business.time_zone)
        after = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), tz)
        return after
