from django import forms

from planner.forms.base import DateInput, ListedModelChoiceField
from planner.models import Campaign, Membership
from planner.teamwork.links import DEFAULT_DAYS, MAX_DAYS
from planner.teamwork.models import EmailChoice, NotificationKind
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


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment",
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 3, "data-mentions": ""}),
        help_text="Type @ to mention a member: they are told.",
    )


class NotificationSettingsForm(forms.Form):
    """One choice of e-mail per kind of notification (the inbox always has them all)."""

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in NotificationKind.choices:
            self.fields[kind] = forms.ChoiceField(
                label=label, choices=EmailChoice.choices, initial=choices[kind]
            )


class ReviewLinkForm(forms.Form):
    """An owner's new client link: a campaign, a date range, or both."""

    label = forms.CharField(max_length=120, help_text="For you: whom it is for, what it shows.")
    campaign = ListedModelChoiceField(
        queryset=Campaign.objects.none(), required=False, empty_label="Any campaign"
    )
    start = forms.DateField(label="From", required=False, widget=DateInput())
    end = forms.DateField(label="To", required=False, widget=DateInput())
    days = forms.IntegerField(
        label="Valid for (days)",
        initial=DEFAULT_DAYS,
        min_value=1,
        max_value=MAX_DAYS,
        help_text=f"At most {MAX_DAYS} days; you can withdraw it before.",
    )

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = Campaign.objects.for_business(business)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if bool(start) != bool(end) and "start" not in self.errors and "end" not in self.errors:
            self.add_error("end" if start else "start", "Give both ends of the range, or neither.")
        elif start and end and end < start:
            self.add_error("end", "The range cannot end before it starts.")
        elif start and end and (end - start).days > 366:
            self.add_error("end", "Choose a range of at most a year.")
        if not cleaned.get("campaign") and not start and not end and not self.errors:
            raise forms.ValidationError("Choose a campaign or a date range (or both).")
        return cleaned


class ClientDecisionForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=100)
    comment = forms.CharField(
        required=False,
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required to request changes.",
    )
    seen_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class ActivityFilterForm(forms.Form):
    """The owner's filters of the business's activity log, from the query string."""

    what = forms.ChoiceField(label="What", required=False)
    member = forms.ChoiceField(label="Who", required=False)

    def __init__(self, *args, business, **kwargs):
        from planner.teamwork.models import VERB_GROUPS

        super().__init__(*args, **kwargs)
        self.fields["what"].choices = [("", "Everything")] + [
            (key, label) for key, (label, _verbs) in VERB_GROUPS.items()
        ]
        members = Membership.objects.filter(business=business).order_by("user__username")
        self.fields["member"].choices = [("", "Anyone")] + [
            (str(user_id), name)
            for user_id, name in members.values_list("user_id", "user__username")
        ]
