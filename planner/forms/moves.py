"""Deleting a platform or campaign: where its tasks go first."""

from django import forms

from planner.forms.base import ListedModelChoiceField


class MoveTasksForm(forms.Form):
    """Where the tasks of a platform or campaign go before it is deleted."""

    move_to = ListedModelChoiceField(queryset=None, required=False, label="Move its tasks to")

    def __init__(self, *args, targets, allow_none, **kwargs):
        super().__init__(*args, **kwargs)
        self.allow_none = allow_none
        self.fields["move_to"].queryset = targets
        self.fields["move_to"].empty_label = "No campaign" if allow_none else "Choose…"

    def clean_move_to(self):
        target = self.cleaned_data.get("move_to")
        if target is None and not self.allow_none:
            raise forms.ValidationError("Choose where its tasks go.")
        return target
