"""The report links' and the scheduled reports' forms."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from planner.models import Campaign
from planner.reports import links, schedules
from planner.reports.models import ReportSchedule


class LinkForm(forms.Form):
    label = forms.CharField(max_length=120, label="Who it is for", help_text="Only you see it.")
    days = forms.IntegerField(
        label="Expires after (days)",
        initial=links.DEFAULT_DAYS,
        min_value=1,
        max_value=links.MAX_DAYS,
    )


class ScheduleForm(forms.ModelForm):
    class Meta:
        model = ReportSchedule
        fields = ("name", "frequency", "recipients", "campaign", "summary")
        widgets = {
            "recipients": forms.Textarea(attrs={"rows": 3}),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = Campaign.objects.for_business(business)
        self.fields["campaign"].empty_label = "All campaigns"
        self.fields["summary"].help_text = "On every report's cover and in the e-mail."

    def clean_recipients(self):
        addresses = [line.strip() for line in self.cleaned_data["recipients"].splitlines()]
        addresses = [address for address in addresses if address]
        if not addresses:
            raise forms.ValidationError("Enter at least one e-mail address.")
        if len(addresses) > schedules.MAX_RECIPIENTS:
            raise forms.ValidationError(
                f"At most {schedules.MAX_RECIPIENTS} addresses (one a line)."
            )
        wrong = []
        for address in addresses:
            try:
                validate_email(address)
            except ValidationError:
                wrong.append(address)
        if wrong:
            raise forms.ValidationError(f"Not an e-mail address: {', '.join(wrong[:3])}.")
        return "\n".join(addresses)
