"""Tasks: the organic post (SMO) and paid ad campaign (SMM) forms and what they share."""

import json
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.urls import reverse

from planner import entry_rules, images, kpis, text_rules
from planner.forms.base import (
    ConfirmWarnings,
    DateInput,
    DateTimeInput,
    VersionedForm,
    member_users,
    quarter_hours,
)
from planner.models import (
    BudgetType,
    Campaign,
    Kind,
    Platform,
    SmmStatus,
    SmoStatus,
    Task,
)
from planner.teamwork import review
from planner.teamwork.review import ApprovalMode, ReviewState

UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_content")
UTM_HELP = "Leave blank for the planner's value (shown in the tagged URL below)."
IMAGE_FORMATS = set(images.FORMATS)
MAX_IMAGE_PIXELS = 40_000_000


class TaskForm(ConfirmWarnings, VersionedForm):
    """What both kinds share: the business's own platforms, campaigns and members."""

    kind = None
    status_choices = None

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.business = business
        self.instance.business = business
        self.instance.kind = self.kind
        self.fields["platform"].queryset = Platform.objects.for_business(business)
        self.fields["platform"].empty_label = "Choose a platform"
        self.fields["campaign"].queryset = Campaign.objects.for_business(business)
        self.fields["campaign"].empty_label = "No campaign"
        self.fields["assignee"].queryset = member_users(business)
        self.fields["assignee"].empty_label = "Nobody"
        self.fields["assignee"].label_from_instance = lambda user: user.username
        self.fields["status"] = forms.ChoiceField(
            choices=self.status_choices, initial=self.status_choices[0][0]
        )

        for name in UTM_FIELDS:
            self.fields[name].help_text = UTM_HELP
            self.fields[name].widget.attrs["placeholder"] = "planner's value"

    def clean_estimated_hours(self):
        return quarter_hours(self.cleaned_data.get("estimated_hours"), allow_zero=True)

    def clean(self):
        cleaned = super().clean()
        self._check_approval(cleaned.get("status"))
        return cleaned

    def _check_approval(self, status):
        """In "required" mode, refuse a status that needs an approval the task lacks (or
        loses with this edit). services.task_save checks again under its lock."""
        if self.business.approval_mode != ApprovalMode.REQUIRED or not status:
            return
        saved = self.instance.pk is not None
        state = self.instance.review_state if saved else ReviewState.NONE
        content = {name.removesuffix("_id") for name in review.CONTENT_FIELDS[self.kind]}
        if saved and content & set(self.changed_data):
            state = review.after_content_edit(
                ApprovalMode.REQUIRED, self.kind, state, self.instance.status
            )
        old = self.instance.status if saved else None
        refusal = review.status_refusal(ApprovalMode.REQUIRED, self.kind, old, status, state)
        if refusal:
            self.add_error("status", refusal)


class TaskImageInput(forms.ClearableFileInput):
    """ "Currently: <file>" links to the members-only image view (task_image), not to MEDIA_URL,
    which nothing serves: post images are business data."""

    image_url = None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if context["widget"]["is_initial"] and self.image_url:
            context["widget"]["value"] = _LinkedFile(str(value).rsplit("/", 1)[-1], self.image_url)
        return context


@dataclass
class _LinkedFile:
    name: str
    url: str

    def __str__(self):
        return self.name


class SmoTaskForm(TaskForm):
    kind = Kind.SMO
    status_choices = SmoStatus.choices

    class Meta:
        model = Task
        fields = (
            "platform",
            "campaign",
            "title",
            "post_text",
            "hashtags",
            "image",
            "image_alt",
            "backlink_url",
            *UTM_FIELDS,
            "scheduled_at",
            "status",
            "published_url",
            "assignee",
            "estimated_hours",
            "production_cost",
        )
        widgets = {
            "post_text": forms.Textarea(attrs={"rows": 6, "data-post-text": ""}),
            "scheduled_at": DateTimeInput(),
            "image": TaskImageInput(attrs={"accept": "image/*"}),
        }
        help_texts = {
            "hashtags": "Separated by spaces or commas; they count towards the text limit.",
            "scheduled_at": "In the business's time zone.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["image"].widget.image_url = reverse(
                "task_image", args=[self.instance.business_id, self.instance.pk]
            )
        # The live counter reads each platform's kind from here (see static/js/post_counter.js).
        kinds = {str(p.pk): p.kind for p in self.fields["platform"].queryset}
        self.fields["platform"].widget.attrs["data-platform-kinds"] = json.dumps(kinds)
        self.fields["post_text"].widget.attrs["data-limits"] = json.dumps(
            {"limits": text_rules.TEXT_LIMITS, "max_hashtags": text_rules.MAX_HASHTAGS}
        )

    def clean_post_text(self):
        # Browsers send line breaks as CRLF; the networks (and the live counter) count one.
        return self.cleaned_data.get("post_text", "").replace("\r\n", "\n")

    def clean_hashtags(self):
        value = self.cleaned_data.get("hashtags", "")
        tags = text_rules.split_hashtags(value)
        if tags is None:
            raise forms.ValidationError("Each hashtag is one word of letters, digits or _.")
        return " ".join(tags)

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if not image or not hasattr(image, "image"):
            return image  # unchanged or cleared
        if image.size > settings.MAX_IMAGE_BYTES:
            limit = settings.MAX_IMAGE_BYTES // (1024 * 1024)
            raise forms.ValidationError(f"The image is larger than {limit} MB.")
        if image.image.format not in IMAGE_FORMATS:
            raise forms.ValidationError("Upload a JPEG, PNG, GIF or WebP image.")
        width, height = image.image.size
        if width * height > MAX_IMAGE_PIXELS:
            # A small file can unpack to gigabytes of pixels (an "image bomb").
            raise forms.ValidationError(
                f"The image is {width:,} × {height:,} pixels; at most 40 megapixels, please."
            )
        try:  # stored without its camera metadata, named for its real format (planner/images.py)
            return images.reencode(image, image.image.format, image.name)
        except (OSError, ValueError, SyntaxError):
            raise forms.ValidationError("This image file is damaged; upload another one.") from None

    def clean(self):
        cleaned = super().clean()
        platform = cleaned.get("platform")
        if platform and "post_text" in cleaned and "hashtags" in cleaned:
            for message in text_rules.check_post(
                platform.kind, cleaned["post_text"], cleaned["hashtags"]
            ):
                self.add_error("post_text", message)
        if cleaned.get("status") == SmoStatus.SCHEDULED and not cleaned.get("scheduled_at"):
            self.add_error("scheduled_at", "A scheduled post needs a publish time.")
        if cleaned.get("image") and not cleaned.get("image_alt", "").strip():
            self.add_error("image_alt", "Describe the image for people who cannot see it.")
        return cleaned


class SmmTaskForm(TaskForm):
    kind = Kind.SMM
    status_choices = SmmStatus.choices

    class Meta:
        model = Task
        fields = (
            "platform",
            "campaign",
            "title",
            "objective",
            "bid_model",
            "max_bid",
            "budget_type",
            "budget_amount",
            "flight_start",
            "flight_end",
            "audience_job_titles",
            "audience_interests",
            "audience_locations",
            "audience_age_min",
            "audience_age_max",
            "ad_headline",
            "ad_text",
            "destination_url",
            *UTM_FIELDS,
            "status",
            "assignee",
            "estimated_hours",
            "production_cost",
        )
        widgets = {
            "flight_start": DateInput(),
            "flight_end": DateInput(),
            "ad_text": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objective"].required = True
        self.fields["bid_model"].required = True
        self.fields["budget_type"].required = True
        self.fields["budget_type"].choices = BudgetType.choices
        self.fields["bid_model"].choices = self.fields["bid_model"].choices[1:]  # no blank
        for name in ("audience_age_min", "audience_age_max"):
            self.fields[name].widget.attrs.update(min=13, max=100)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("flight_start"), cleaned.get("flight_end")
        if start and end and end < start:
            self.add_error("flight_end", "The flight cannot end before it starts.")
        amount = cleaned.get("budget_amount")
        if cleaned.get("budget_type") == BudgetType.LIFETIME and amount is None:
            self.add_error("budget_amount", "A lifetime budget needs an amount.")
        if cleaned.get("status") == SmmStatus.ACTIVE:
            if not start:
                self.add_error("flight_start", "An active ad campaign needs a flight start.")
            if not end:
                self.add_error("flight_end", "An active ad campaign needs a flight end.")
        low, high = cleaned.get("audience_age_min"), cleaned.get("audience_age_max")
        if low is not None and high is not None and high < low:
            self.add_error("audience_age_max", "The maximum age cannot be below the minimum.")
        return cleaned

    def warnings(self, cleaned):
        campaign = cleaned.get("campaign")
        if campaign is None:
            return []
        start, end = cleaned.get("flight_start"), cleaned.get("flight_end")
        mine = (cleaned.get("budget_type"), cleaned.get("budget_amount"), start, end)
        others = (
            Task.objects.for_business(self.business)
            .filter(campaign=campaign, kind=Kind.SMM, budget_amount__isnull=False)
            .exclude(pk=self.instance.pk)
            .values_list("budget_type", "budget_amount", "flight_start", "flight_end")
        )
        return [
            entry_rules.flight_outside_campaign(start, end, campaign.start_date, campaign.end_date),
            entry_rules.budgets_over_campaign(
                sum(_flight_budget(*ad) for ad in [mine, *others]),
                campaign.budget,
                self.business.currency,
            ),
        ]


def _flight_budget(budget_type, amount, start, end):
    """What an ad may spend over its flight: a lifetime amount, or a daily one times its days
    (0 for a daily budget without a flight: unknown)."""
    if amount is None:
        return 0
    if budget_type == BudgetType.LIFETIME:
        return amount
    if start is None or end is None:
        return 0
    return kpis.expected_spend(budget_type, amount, start, end, end)


TASK_FORMS = {Kind.SMO: SmoTaskForm, Kind.SMM: SmmTaskForm}
