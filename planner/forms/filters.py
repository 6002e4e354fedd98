"""Filters read from the query string: the task lists' and the dashboard's."""

from django import forms
from django.db.models import Value
from django.db.models.functions import Upper

from planner import list_sorts
from planner.forms.base import DateInput, ListedModelChoiceField
from planner.models import (
    SEARCH_SEPARATOR,
    Campaign,
    Kind,
    Platform,
    SmmStatus,
    SmoStatus,
    plannable_date,
)
from planner.periods import DEFAULT_PRESET, MAX_DAYS, PRESETS, period_for
from planner.selectors import off_pace
from planner.teamwork.review import ApprovalMode, ReviewState

WAITING_FOR_ME = "mine"


def search_words(text):
    """What a search for `text` looks for ("" for no search)."""
    return text.replace(SEARCH_SEPARATOR, " ").strip()


def search(tasks, words):
    """Tasks whose title, post text, ad headline or ad text contains `words`, in any case (the
    lists' search, the API's `q`)."""
    return tasks.filter(search_text__contains=Upper(Value(words))) if words else tasks


class TaskFilterForm(forms.Form):
    """The task list's filters, read from the query string."""

    q = forms.CharField(label="Search", required=False, max_length=200)
    platform = ListedModelChoiceField(
        queryset=Platform.objects.none(), required=False, empty_label="Any platform"
    )
    campaign = ListedModelChoiceField(
        queryset=Campaign.objects.none(), required=False, empty_label="Any campaign"
    )
    status = forms.ChoiceField(required=False)
    pace = forms.ChoiceField(
        label="Pacing",
        required=False,
        choices=[("", "Any pacing"), ("off", "Off pace (under or over)")],
    )
    review = forms.ChoiceField(label="Review", required=False)

    def __init__(self, *args, business, kind, member=None, **kwargs):
        """`member`: the membership looking (for "waiting for me"; None offers no such choice)."""
        super().__init__(*args, **kwargs)
        self.business = business
        self.kind = kind
        self.member = member
        self.fields["platform"].queryset = Platform.objects.for_business(business)
        self.fields["campaign"].queryset = Campaign.objects.for_business(business)
        statuses = SmoStatus.choices if kind == Kind.SMO else SmmStatus.choices
        self.fields["status"].choices = [("", "Any status"), *statuses]
        if kind == Kind.SMO:
            del self.fields["pace"]  # organic posts have no budget
        if business.approval_mode == ApprovalMode.OFF:
            del self.fields["review"]
        else:
            mine = [(WAITING_FOR_ME, "Waiting for me")] if member and member.is_approver else []
            self.fields["review"].choices = [("", "Any review state"), *mine, *ReviewState.choices]

    def waiting_for_me(self):
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return data.get("review") == WAITING_FOR_ME

    def review_state(self):
        """The review state filtered on, if it is one the tallies count ("" if none)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        review = data.get("review", "")
        return "" if review == WAITING_FOR_ME else review

    def words(self):
        """What the search looks for ("" for no search)."""
        if not self.is_bound or not self.is_valid():
            return ""
        return search_words(self.cleaned_data["q"])

    def sort(self):
        """(key, descending) of the list's sort (planner/list_sorts.py; "" for newest first).
        Not a field: an unknown sort is the default order, not an error to show."""
        return list_sorts.chosen(self.kind, self.data.get("sort") if self.is_bound else "")

    def apply(self, tasks, today=None):
        """The tasks these filters keep, in the list's sort order."""
        return self._filter(tasks, today).order_by(*list_sorts.order_by(self.kind, *self.sort()))

    def _filter(self, tasks, today):
        if not self.is_valid():
            return tasks
        data = self.cleaned_data
        tasks = search(tasks, self.words())
        if data["platform"]:
            tasks = tasks.filter(platform=data["platform"])
        if data["campaign"]:
            tasks = tasks.filter(campaign=data["campaign"])
        if data["status"]:
            tasks = tasks.filter(status=data["status"])
        if data.get("pace") == "off":
            tasks = tasks.filter(off_pace(today))
        review = data.get("review")
        if review == WAITING_FOR_ME:
            # In review, and (when authors may not approve their own) asked for by someone else.
            tasks = tasks.filter(review_state=ReviewState.IN_REVIEW)
            if self.business.authors_cannot_approve:
                tasks = tasks.exclude(review_requested_by=self.member.user_id)
        elif review:
            tasks = tasks.filter(review_state=review)
        return tasks


class DashboardFilterForm(forms.Form):
    """The dashboard's period, campaign and platform, read from the query string so that a view
    can be bookmarked and shared."""

    period = forms.ChoiceField(
        choices=list(PRESETS.items()), initial=DEFAULT_PRESET, required=False
    )
    start = forms.DateField(
        required=False, widget=DateInput(), label="From", validators=[plannable_date]
    )
    end = forms.DateField(
        required=False, widget=DateInput(), label="To", validators=[plannable_date]
    )
    campaign = ListedModelChoiceField(
        queryset=Campaign.objects.none(), required=False, empty_label="All campaigns"
    )
    platform = ListedModelChoiceField(
        queryset=Platform.objects.none(), required=False, empty_label="All platforms"
    )

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = Campaign.objects.for_business(business)
        self.fields["platform"].queryset = Platform.objects.for_business(business)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("period") == "custom":
            start, end = cleaned.get("start"), cleaned.get("end")
            if not start:
                self.add_error("start", "Choose the first day of the period.")
            if not end:
                self.add_error("end", "Choose the last day of the period.")
            if start and end and end < start:
                self.add_error("end", "The period cannot end before it starts.")
            elif start and end and (end - start).days + 1 > MAX_DAYS:
                self.add_error("end", "Choose a period of at most three years.")
        return cleaned

    def chosen_period(self, today):
        """The chosen period, or the default one when the choice is invalid."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        preset = data.get("period") or DEFAULT_PRESET
        return period_for(preset, today, data.get("start"), data.get("end"))
