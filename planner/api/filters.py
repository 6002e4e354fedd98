"""The lists' filters (django-filter), the same choices as the web lists' (planner/forms)."""

import datetime

import django_filters
from django import forms
from django.utils import timezone

from planner.forms.filters import search, search_words
from planner.models import SmmStatus, SmoStatus, Task
from planner.models.base import plannable_date
from planner.selectors import off_pace
from planner.teamwork.review import ReviewState


class IdFilter(django_filters.NumberFilter):
    """A row's id: a whole number a database key can hold, else the list's 400."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=2**63 - 1, **kwargs)


class PlannableDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 time in the years people plan with, in UTC: PostgreSQL refuses an offset past
    15:59 and a year past 9999 once shifted, which would be a 500 rather than the list's 400."""

    def clean(self, value):
        moment = super().clean(value)
        if moment is None:
            return None
        plannable_date(moment)
        return moment.astimezone(datetime.UTC)


class PlannableDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = PlannableDateTimeField


class PlannableDateField(forms.DateField):
    def clean(self, value):
        day = super().clean(value)
        if day is not None:
            plannable_date(day)
        return day


class PlannableDateFilter(django_filters.DateFilter):
    field_class = PlannableDateField


class TaskFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search", label="Words in the title, post text, ad headline or ad text."
    )
    platform = IdFilter(field_name="platform_id")
    campaign = IdFilter(field_name="campaign_id")
    assignee = IdFilter(field_name="assignee_id")
    review_state = django_filters.ChoiceFilter(choices=ReviewState.choices)
    updated_after = PlannableDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Task
        fields = ()

    def search(self, tasks, _name, value):
        return search(tasks, search_words(value))


class SmoTaskFilter(TaskFilter):
    status = django_filters.ChoiceFilter(choices=SmoStatus.choices)
    scheduled_after = PlannableDateTimeFilter(field_name="scheduled_at", lookup_expr="gte")
    scheduled_before = PlannableDateTimeFilter(field_name="scheduled_at", lookup_expr="lte")


class SmmTaskFilter(TaskFilter):
    status = django_filters.ChoiceFilter(choices=SmmStatus.choices)
    pace = django_filters.ChoiceFilter(
        choices=[("off", "Off pace (under or over)")], method="pacing", label="Pacing"
    )
    flight_from = PlannableDateFilter(field_name="flight_end", lookup_expr="gte")
    flight_to = PlannableDateFilter(field_name="flight_start", lookup_expr="lte")

    def pacing(self, tasks, _name, value):
        return tasks.filter(off_pace(timezone.localdate())) if value == "off" else tasks


class EntryFilter(django_filters.FilterSet):
    task = IdFilter(field_name="task_id")
    date_from = PlannableDateFilter(field_name="date", lookup_expr="gte")
    date_to = PlannableDateFilter(field_name="date", lookup_expr="lte")


class TimeEntryFilter(EntryFilter):
    user = IdFilter(field_name="user_id")
