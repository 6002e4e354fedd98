from django import forms

from planner.forms.base import ListedModelChoiceField
from planner.lists.bulk import MAX_SELECTED
from planner.models import Campaign, Kind, Membership, SmmStatus, SmoStatus, Task

ACTIONS = [
    ("status", "Change the status"),
    ("shift", "Shift the schedule by days"),
    ("campaign", "Set the campaign"),
    ("assignee", "Set the assignee"),
    ("export", "Export as CSV"),
    ("delete", "Delete"),
]


class BulkForm(forms.Form):
    """What to do with the tasks ticked on the page (`task`: their ids)."""

    task = forms.ModelMultipleChoiceField(
        queryset=Task.objects.none(),
        error_messages={"required": "Tick at least one task in the list."},
    )
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

    def __init__(self, *args, business, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["task"].queryset = Task.objects.for_business(business).filter(kind=kind)
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

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action == "status" and not cleaned.get("status"):
            self.add_error("status", "Choose the new status.")
        if action == "shift" and not cleaned.get("days") and "days" not in self.errors:
            self.add_error("days", "Say by how many days (not 0).")
        return cleaned

    def value(self):
        """The action's value: the status, the days, the campaign or the assignee (a user)."""
        action = self.cleaned_data["action"]
        if action == "assignee":
            member = self.cleaned_data["assignee"]
            return member.user if member else None
        return {"status": self.cleaned_data.get("status"), "shift": self.cleaned_data.get("days"),
                "campaign": self.cleaned_data.get("campaign")}.get(action)  # fmt: skip
