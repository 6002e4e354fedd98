"""Forms. Each one that offers a choice of rows is given the business and offers only its rows,
so an id of another business smuggled into a POST is an ordinary "not a valid choice" error."""

import json
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.db.models import Q
from django.utils.text import slugify

from planner import text_rules
from planner.models import (
    BudgetType,
    Business,
    Campaign,
    Kind,
    Membership,
    Platform,
    ResultEntry,
    Role,
    SmmStatus,
    SmoStatus,
    Task,
    TimeEntry,
    currency_choices,
    plannable_date,
    timezone_choices,
)
from planner.periods import DEFAULT_PRESET, MAX_DAYS, PRESETS, period_for
from planner.selectors import off_pace_task_ids

User = get_user_model()
UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_content")
UTM_HELP = "Leave blank for the planner's value (shown in the tagged URL below)."
IMAGE_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
MAX_IMAGE_PIXELS = 40_000_000
QUARTER = Decimal("0.25")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class SignupForm(UserCreationForm):
    email = forms.EmailField(required=True)

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this e-mail already exists.")
        return email


class BusinessForm(forms.ModelForm):
    currency = forms.ChoiceField(choices=currency_choices, initial="USD")
    time_zone = forms.ChoiceField(choices=timezone_choices, initial="UTC")

    class Meta:
        model = Business
        fields = ("name", "website_url", "currency", "time_zone", "hourly_rate")
        help_texts = {"website_url": "Where backlinks should point."}


class MemberAddForm(forms.Form):
    user = forms.CharField(label="Username or e-mail", max_length=254)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.EDITOR)

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.business = business

    def clean_user(self):
        identifier = self.cleaned_data["user"].strip()
        user = User.objects.filter(
            Q(username__iexact=identifier) | Q(email__iexact=identifier)
        ).first()
        if user is None:
            raise forms.ValidationError("No user with that username or e-mail.")
        if Membership.objects.filter(business=self.business, user=user).exists():
            raise forms.ValidationError(f"{user.username} is already a member.")
        return user


class MemberRoleForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ("role",)


class VersionedForm(forms.ModelForm):
    """Carries the version the row had when the form was opened (see services.claim_version)."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen_version"].initial = self.instance.version

    def conflict(self, current):
        """Explain an edit conflict at the top of the form, and let a second save win."""
        changed = []
        for name, field in self.fields.items():
            if name == "seen_version" or name not in self.cleaned_data:
                continue
            saved, yours = getattr(current, name, None), self.cleaned_data[name]
            if name == "image" or _same(saved, yours):
                continue
            changed.append(
                f"{field.label or name}: saved “{_shown(saved)}”, yours “{_shown(yours)}”"
            )
        detail = "; ".join(changed) or "no field differs from yours"
        self.add_error(
            None,
            f"Someone else changed this since you opened it ({detail}). Nothing was saved. "
            "Check the differences, then save again to keep your version.",
        )
        self.data = self.data.copy()
        self.data[self.add_prefix("seen_version")] = current.version


def _same(saved, yours):
    if hasattr(saved, "pk") or hasattr(yours, "pk"):
        return getattr(saved, "pk", saved) == getattr(yours, "pk", yours)
    return (
        (saved or "") == (yours or "") if not isinstance(saved, (int, Decimal)) else saved == yours
    )


def _shown(value):
    text = "—" if value in (None, "") else str(value)
    return text if len(text) <= 60 else text[:57] + "…"


class PlatformForm(VersionedForm):
    class Meta:
        model = Platform
        fields = ("kind", "handle", "profile_url", *Platform.CHECKLIST)

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.business = business

    def clean_handle(self):
        handle = self.cleaned_data["handle"].strip().lstrip("@").strip()
        if not handle:
            raise forms.ValidationError("Enter the profile's handle.")
        return handle

    def clean(self):
        cleaned = super().clean()
        kind, handle = cleaned.get("kind"), cleaned.get("handle")
        if kind and handle:
            # Compared in Python: SQLite's case folding is ASCII-only ("CAFÉ" vs "Café").
            others = Platform.objects.for_business(self.business).filter(kind=kind)
            if self.instance.pk:
                others = others.exclude(pk=self.instance.pk)
            taken = {other.casefold() for other in others.values_list("handle", flat=True)}
            if handle.casefold() in taken:
                self.add_error("handle", "This business already has this profile.")
        return cleaned


class CampaignForm(VersionedForm):
    class Meta:
        model = Campaign
        fields = ("name", "slug", "objective", "start_date", "end_date", "budget", "notes")
        labels = {"slug": "UTM campaign"}
        help_texts = {
            "slug": "utm_campaign on every link of this campaign; from the name if blank."
        }
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date cannot be before the start date.")
        if not cleaned.get("slug") and cleaned.get("name"):
            cleaned["slug"] = slugify(cleaned["name"])[:80] or "campaign"
        return cleaned


def member_users(business):
    return User.objects.filter(memberships__business=business).order_by("username")


class TaskForm(VersionedForm):
    """What both kinds share: the business's own platforms, campaigns and members."""

    kind = None
    status_choices = None

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.business = business
        self.instance.business = business
        self.instance.kind = self.kind
        self.fields["platform"].queryset = Platform.objects.for_business(business)
        self.fields["campaign"].queryset = Campaign.objects.for_business(business)
        self.fields["assignee"].queryset = member_users(business)
        self.fields["assignee"].label_from_instance = lambda user: user.username
        self.fields["status"] = forms.ChoiceField(
            choices=self.status_choices, initial=self.status_choices[0][0]
        )

        for name in UTM_FIELDS:
            self.fields[name].help_text = UTM_HELP
            self.fields[name].widget.attrs["placeholder"] = "planner's value"

    def clean_estimated_hours(self):
        return quarter_hours(self.cleaned_data.get("estimated_hours"), allow_zero=True)


def quarter_hours(value, allow_zero=False):
    if value is None:
        return value
    if value < 0 or (value == 0 and not allow_zero):
        raise forms.ValidationError("Enter a positive number of hours.")
    if value % QUARTER:
        raise forms.ValidationError("Hours are counted in quarter hours (0.25, 0.5, 0.75…).")
    return value


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
            "image": forms.ClearableFileInput(attrs={"accept": "image/*"}),
        }
        help_texts = {
            "hashtags": "Separated by spaces or commas; they count towards the text limit.",
            "scheduled_at": "In the business's time zone.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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
        return image

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


TASK_FORMS = {Kind.SMO: SmoTaskForm, Kind.SMM: SmmTaskForm}


class TimeEntryForm(forms.ModelForm):
    class Meta:
        model = TimeEntry
        fields = ("date", "hours", "user", "note")
        widgets = {"date": DateInput(), "hours": forms.NumberInput(attrs={"step": "0.25"})}

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = member_users(business)
        self.fields["user"].label_from_instance = lambda user: user.username
        self.fields["user"].required = True

    def clean_hours(self):
        hours = quarter_hours(self.cleaned_data.get("hours"))
        if hours is not None and hours > 24:
            raise forms.ValidationError("A day has at most 24 hours.")
        return hours


class ResultEntryForm(forms.ModelForm):
    class Meta:
        model = ResultEntry
        fields = (
            "date",
            "impressions",
            "reach",
            "engagements",
            "clicks",
            "conversions",
            "conversion_value",
            "spend",
        )
        widgets = {"date": DateInput()}

    def __init__(self, *args, task, **kwargs):
        super().__init__(*args, **kwargs)
        self.task = task
        if task.kind == Kind.SMO:
            del self.fields["spend"]  # organic work has no media spend
        # A figure left blank is a zero: people record only what the platform reported.
        for name, field in self.fields.items():
            if name != "date":
                field.required = False
                field.widget.attrs.setdefault("min", 0)

    def clean(self):
        cleaned = super().clean()
        for name in self.fields:
            if name != "date" and name not in self.errors and cleaned.get(name) is None:
                cleaned[name] = self.instance._meta.get_field(name).get_default()
        return cleaned

    DUPLICATE_DAY = "Results for this day are already recorded; delete that row to replace it."

    def clean_date(self):
        day = self.cleaned_data["date"]
        if ResultEntry.objects.filter(task=self.task, date=day).exists():
            raise forms.ValidationError(self.DUPLICATE_DAY)
        return day


class TaskFilterForm(forms.Form):
    """The task list's filters, read from the query string."""

    q = forms.CharField(label="Search", required=False)
    platform = forms.ModelChoiceField(queryset=Platform.objects.none(), required=False)
    campaign = forms.ModelChoiceField(queryset=Campaign.objects.none(), required=False)
    status = forms.ChoiceField(required=False)
    pace = forms.ChoiceField(
        label="Pacing",
        required=False,
        choices=[("", "Any pacing"), ("off", "Off pace (under or over)")],
    )

    def __init__(self, *args, business, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.business = business
        self.fields["platform"].queryset = Platform.objects.for_business(business)
        self.fields["campaign"].queryset = Campaign.objects.for_business(business)
        statuses = SmoStatus.choices if kind == Kind.SMO else SmmStatus.choices
        self.fields["status"].choices = [("", "Any status"), *statuses]
        if kind == Kind.SMO:
            del self.fields["pace"]  # organic posts have no budget

    def apply(self, tasks, today=None):
        if not self.is_valid():
            return tasks
        data = self.cleaned_data
        if data["q"]:
            tasks = tasks.filter(
                Q(title__icontains=data["q"])
                | Q(post_text__icontains=data["q"])
                | Q(ad_text__icontains=data["q"])
                | Q(ad_headline__icontains=data["q"])
            )
        if data["platform"]:
            tasks = tasks.filter(platform=data["platform"])
        if data["campaign"]:
            tasks = tasks.filter(campaign=data["campaign"])
        if data["status"]:
            tasks = tasks.filter(status=data["status"])
        if data.get("pace") == "off":
            tasks = tasks.filter(pk__in=off_pace_task_ids(self.business, today))
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
    campaign = forms.ModelChoiceField(
        queryset=Campaign.objects.none(), required=False, empty_label="All campaigns"
    )
    platform = forms.ModelChoiceField(
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


class MoveTasksForm(forms.Form):
    """Where the tasks of a platform or campaign go before it is deleted."""

    move_to = forms.ModelChoiceField(queryset=None, required=False, label="Move its tasks to")

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


class BusinessImportForm(forms.Form):
    """A JSON export of a business (see planner/portability.py)."""

    MAX_BYTES = 100 * 1024 * 1024
    file = forms.FileField(label="Export file (.json)")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError("The file is larger than 100 MB.")
        try:
            self.cleaned_data["data"] = json.loads(upload.read().decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise forms.ValidationError("This is not a JSON export of a business.") from None
        return upload
