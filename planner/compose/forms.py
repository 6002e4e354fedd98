from django import forms
from django.db import models
from django.db.models.functions import Lower
from django.forms.utils import ErrorDict

from planner import text_rules
from planner.compose import recurrence
from planner.compose.models import (
    HASHTAGS_LENGTH,
    MAX_SERIES_POSTS,
    SeriesUnit,
    Snippet,
    SnippetKind,
)
from planner.forms.base import DateInput, VersionedForm
from planner.models import Platform


class SnippetForm(VersionedForm):
    class Meta:
        model = Snippet
        fields = ("kind", "name", "text")
        labels = {"kind": "What it is", "text": "Text"}
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "text": "A template: the post's text, inserted where the cursor is. A hashtag "
            "group: hashtags separated by spaces or commas, added to the post's hashtags."
        }

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.business = business
        self.instance.business = business
        if self.instance.pk:  # what it is stays what it is: a new one is made instead
            self.fields["kind"].disabled = True

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        kind = self.cleaned_data.get("kind") or self.instance.kind
        taken = Snippet.objects.for_business(self.business).filter(kind=kind)
        taken = taken.annotate(lower=Lower("name")).filter(lower=name.lower())
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("This business has one of that name already.")
        return name

    def clean(self):
        cleaned = super().clean()
        kind, text = cleaned.get("kind") or self.instance.kind, cleaned.get("text")
        if kind == SnippetKind.HASHTAGS and text is not None:
            tags = text_rules.split_hashtags(text)
            if not tags:
                self.add_error("text", "Give hashtags: each one word of letters, digits or _.")
            elif len(" ".join(tags)) > HASHTAGS_LENGTH:
                self.add_error("text", f"At most {HASHTAGS_LENGTH} characters of hashtags.")
            else:
                cleaned["text"] = " ".join(tags)
        elif text is not None:
            cleaned["text"] = text.replace("\r\n", "\n")  # counted as the networks count
        return cleaned


WEEKDAYS = [
    (0, "Mon"),
    (1, "Tue"),
    (2, "Wed"),
    (3, "Thu"),
    (4, "Fri"),
    (5, "Sat"),
    (6, "Sun"),
]


class RepeatForm(forms.Form):
    """A new post's repeat: none, or every N days or weeks (on chosen weekdays), until a day
    or N times. The rule is recurrence.Rule; `rule` is None for a post that does not repeat."""

    prefix = "repeat"

    unit = forms.ChoiceField(
        label="Repeat",
        choices=[("", "Does not repeat"), *SeriesUnit.choices],
        required=False,
    )
    every = forms.IntegerField(label="Every", min_value=1, max_value=52, initial=1, required=False)
    weekdays = forms.TypedMultipleChoiceField(
        label="On",
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Weekly: the days of the week (none: the first post's day).",
    )
    ends = forms.ChoiceField(
        label="Ends",
        choices=[("count", "After a number of posts"), ("until", "On a day")],
        initial="count",
        widget=forms.RadioSelect,
        required=False,
    )
    count = forms.IntegerField(
        label="Number of posts", min_value=1, max_value=MAX_SERIES_POSTS, initial=4, required=False
    )
    until = forms.DateField(label="Last day", required=False, widget=DateInput())

    def __init__(self, *args, time_zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.time_zone = time_zone
        self.first = None  # the first post's publish time (aware): set from the post form
        self.status = None  # and its status
        self.rule, self.moments = None, []

    def full_clean(self):
        if self.is_bound and not self.data.get(self.add_prefix("unit")):
            self._errors, self.cleaned_data = ErrorDict(), {}  # no repeat: its fields unused
            return
        super().full_clean()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("unit") or self.errors:
            return cleaned
        if self.first is None:
            raise forms.ValidationError("A repeating post needs its first publish time.")
        if self.status == "published":
            raise forms.ValidationError("A published post does not repeat: make it a draft.")
        ends = cleaned.get("ends") or "count"
        if ends == "count" and cleaned.get("count") is None:
            self.add_error("count", "How many posts in all?")
            return cleaned
        if ends == "until" and cleaned.get("until") is None:
            self.add_error("until", "Give the last day.")
            return cleaned
        rule = recurrence.Rule(
            every=cleaned.get("every") or 1,
            unit=cleaned["unit"],
            weekdays=frozenset(cleaned["weekdays"]),  # a daily series with some: refused
            until=cleaned["until"] if ends == "until" else None,
            count=cleaned["count"] if ends == "count" else None,
        )
        try:
            self.moments = recurrence.occurrences(self.first, rule, self.time_zone)
        except recurrence.RuleError as error:
            raise forms.ValidationError(str(error)) from None
        if len(self.moments) > MAX_SERIES_POSTS:
            self.add_error(
                "until", f"A series has at most {MAX_SERIES_POSTS} posts: end it sooner."
            )
            return cleaned
        self.rule = rule
        return cleaned


class SeriesScope(models.TextChoices):
    THIS = "this", "This post only"
    FOLLOWING = "following", "This and the following posts"
    ALL = "all", "All posts of the series"


class SeriesScopeForm(forms.Form):
    """Which of a series' posts an edit of one of them changes."""

    prefix = "series"

    scope = forms.ChoiceField(
        label="Apply the changes to",
        choices=SeriesScope.choices,
        initial=SeriesScope.THIS,
        widget=forms.RadioSelect,
    )


class SlotForm(forms.Form):
    """Add weekly posting slots: a platform, a time and the weekdays it holds on."""

    platform = forms.ModelChoiceField(queryset=None, empty_label="Choose a platform")
    weekdays = forms.TypedMultipleChoiceField(
        label="On", choices=WEEKDAYS, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    at = forms.TimeField(
        label="Time", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.business = business
        self.fields["platform"].queryset = Platform.objects.for_business(business)

    def clean_at(self):
        at = self.cleaned_data["at"]
        return at.replace(second=0, microsecond=0)  # a post's time has minutes, not seconds
