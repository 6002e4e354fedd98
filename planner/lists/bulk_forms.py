from django import forms

from planner.forms.base import ListedModelChoiceField
from planner.lists.bulk import MAX_SELECTED
from planner.models import Campaign, Kind, Membership, SmmStatus, SmoStatus, Task

ACTIONS = [
    ("status", "Change the status"),
    ("shift", "Shift the schedule by days"),
    ("slot", "Put in the next free slots"),
    ("campaign", "Set the campaign"),
    ("assignee", "Set the assignee"),
    ("export", "Export as CSV"),
    ("delete", "Delete"),
]


TICKED, MATCHING = "ticked", "matching"


class BulkForm(forms.Form):
    """What to do with the tasks ticked on the page (`task`: their ids), or with every task
    that matches the list's filters (`scope` "matching": the view finds them)."""

    scope = forms.ChoiceField(
        choices=[(TICKED, "The ticked ones"), (MATCHING, "All that match the filters")],
        required=False,
        widget=forms.RadioSelect,
    )
    task = forms.ModelMultipleChoiceField(queryset=Task.objects.none(), required=False)
    action = forms.ChoiceField(choices=[("", "Choose an action"), *ACTIONS])
    status = forms.ChoiceField(required=False)
    days = forms.IntegerField(
        label="Days (negative: earlier)", required=False, min_value=-366, max_value=366
    )
    campaign = ListedModelChoiceField(
        queryset=Campaign.objects.none(), required=False, empty_label="No campaign"
    )
    assignee = forms.ModelChoiceField(
        queryset=Membership.objects.none(), required=False, empty_label="Nobody"
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)
    # How many matched when the deletion was confirmed: if the list changed since, ask again.
    expected = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, business, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["task"].queryset = Task.objects.for_business(business).filter(kind=kind)
        if kind != Kind.SMO:  # posting slots are for posts
            self.fields["action"].choices = [
                c for c in self.fields["action"].choices if c[0] != "slot"
            ]
        statuses = SmoStatus.choices if kind == Kind.SMO else SmmStatus.choices
        self.fields["status"].choices = [("", "Choose a status"), *statuses]
        self.fields["campaign"].queryset = Campaign.objects.for_business(business)
        members = Membership.objects.filter(business=business).select_related("user")
        self.fields["assignee"].queryset = members
        self.fields["assignee"].label_from_instance = lambda member: member.user.get_username()
        # Its own ids: the list's filters have a "status" and a "campaign" too.
        for name in ("action", "status", "days", "campaign", "assignee"):
            widget = self.fields[name].widget
            css = "form-control" if name == "days" else "form-select"
            widget.attrs.update({"id": f"bulk-{name}", "class": f"{css} form-control-sm"})

    def clean_task(self):
        tasks = self.cleaned_data["task"]
        if len(tasks) > MAX_SELECTED:
            raise forms.ValidationError(f"Choose at most {MAX_SELECTED} tasks at a time.")
        return tasks

    def matching(self):
        return self.is_valid() and self.cleaned_data["scope"] == MATCHING

    def clean(self):
        cleaned = super().clean()
        cleaned["scope"] = cleaned.get("scope") or TICKED
        if cleaned["scope"] == TICKED and not cleaned.get("task") and "task" not in self.errors:
            self.add_error("task", "Tick at least one task in the list.")
        action = cleaned.get("action")
        if action == "status" and not cleaned.get("status"):
            self.add_error("status", "Choose the new status.")
        if action == "shift" and not cleaned.get("days") and "days" not in self.errors:
            self.add_error("days", "Say by how many days (not 0).")
        if action == "slot" and cleaned["scope"] == MATCHING:
            self.add_error(
                "scope", f"Tick the posts to put in free slots: at most {MAX_SELECTED} at a time."
            )
        return cleaned

    def value(self):
        """The action's value: the status, the days, the campaign or the assignee (a user)."""
        action = self.cleaned_data["action"]
        if action == "assignee":
            member = self.cleaned_data["assignee"]
            return member.user if member else None
        return {"status": self.cleaned_data.get("status"), "shift": self.cleaned_data.get("days"),
                "campaign": self.cleaned_data.get("campaign")}.get(action)  # fmt: skip
