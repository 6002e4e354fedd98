from django import forms

from planner.lists.models import SavedView


class SavedViewForm(forms.Form):
    name = forms.CharField(
        label="Save this view as",
        max_length=SavedView._meta.get_field("name").max_length,
        strip=True,
        widget=forms.TextInput(attrs={"placeholder": "e.g. Active ads by spend"}),
    )
