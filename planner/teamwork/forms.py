from django import forms

from planner.teamwork.services import MAX_COMMENT


class ReviewForm(forms.Form):
    """One review move: the version of the task the member saw, and a comment (required to
    request changes, optional otherwise)."""

    comment = forms.CharField(
        required=False,
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required to request changes: say what should change.",
    )
    seen_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
