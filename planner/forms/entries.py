"""Hours spent on a task (time entries) and its dated figures (results)."""

from django import forms
from django.db.models import Sum
from django.utils import timezone

from planner import entry_rules
from planner.entry_rules import hours_over_a_day, impossible_results
from planner.forms.base import ConfirmWarnings, DateInput, member_users, quarter_hours
from planner.models import Kind, ResultEntry, TimeEntry


class TimeEntryForm(ConfirmWarnings, forms.ModelForm):
    class Meta:
        model = TimeEntry
        fields = ("date", "hours", "user", "note")
        widgets = {"date": DateInput(), "hours": forms.NumberInput(attrs={"step": "0.25"})}

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = member_users(business)
        self.fields["user"].label_from_instance = lambda user: user.username
        self.fields["user"].required = True
        self.business = business

    def clean(self):
        cleaned = super().clean()
        user, day, hours = cleaned.get("user"), cleaned.get("date"), cleaned.get("hours")
        if user and day and hours:
            logged = (
                TimeEntry.objects.filter(business=self.business, user=user, date=day)
                .exclude(pk=self.instance.pk)
                .aggregate(total=Sum("hours"))["total"]
            )
            problem = hours_over_a_day(logged or 0, hours)
            if problem:
                self.add_error("hours", problem)
            self.logged_that_day = logged or 0
        return cleaned

    def warnings(self, cleaned):
        return [
            entry_rules.long_day(getattr(self, "logged_that_day", 0), cleaned["hours"]),
            entry_rules.future_day(cleaned["date"], timezone.localdate(), "hours"),
        ]

    def clean_hours(self):
        hours = quarter_hours(self.cleaned_data.get("hours"))
        if hours is not None and hours > 24:
            raise forms.ValidationError("A day has at most 24 hours.")
        return hours


class ResultEntryForm(ConfirmWarnings, forms.ModelForm):
    class Meta:
        model = ResultEntry
        fields = (
            "date",
            "impressions",
            "reach",
            "engagements",
            "clicks",
            "conversions",
            "conversion_value",
            "spend",
        )
        widgets = {"date": DateInput()}

    def __init__(self, *args, task, **kwargs):
        super().__init__(*args, **kwargs)
        self.task = task
        if task.kind == Kind.SMO:
            del self.fields["spend"]  # organic work has no media spend
        # A figure left blank is a zero: people record only what the platform reported.
        for name in self.figures():
            self.fields[name].required = False
            self.fields[name].widget.attrs.setdefault("min", 0)

    def figures(self):
        return [name for name in self.Meta.fields if name != "date" and name in self.fields]

    def clean(self):
        cleaned = super().clean()
        for name in self.figures():
            if name not in self.errors and cleaned.get(name) is None:
                cleaned[name] = self.instance._meta.get_field(name).get_default()
        for name, problem in impossible_results(cleaned).items():
            if name not in self.errors:
                self.add_error(name, problem)
        return cleaned

    def warnings(self, cleaned):
        task, day = self.task, cleaned["date"]
        return [
            entry_rules.future_day(day, timezone.localdate(), "results"),
            entry_rules.spend_outside_flight(
                day, cleaned.get("spend"), task.flight_start, task.flight_end
            ),
        ]

    DUPLICATE_DAY = "Results for this day are already recorded; delete that row to replace it."

    def clean_date(self):
        day = self.cleaned_data["date"]
        if ResultEntry.objects.filter(task=self.task, date=day).exists():
            raise forms.ValidationError(self.DUPLICATE_DAY)
        return day
