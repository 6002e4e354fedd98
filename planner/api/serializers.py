"""What the API sends: rows as JSON. What it takes is read by the app's forms
(planner/api/forms_bridge.py); `form_serializer` only describes those forms in the schema."""

from django import forms as django_forms
from django.db import models
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from planner.api.forms_bridge import NOT_FROM_BODY
from planner.models import Campaign, Membership, Platform, ResultEntry, Task, TimeEntry
from planner.selectors import task_pacing


class RowSerializer(serializers.ModelSerializer):
    """A row as JSON. A link the row may leave blank is text ("" is no URI in the schema)."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.URLField: serializers.CharField,
    }


class PlatformSerializer(RowSerializer):
    class Meta:
        model = Platform
        fields = ("id", "kind", "handle", "profile_url", *Platform.CHECKLIST, "version")


class CampaignSerializer(RowSerializer):
    class Meta:
        model = Campaign
        fields = (
            "id",
            "name",
            "slug",
            "objective",
            "start_date",
            "end_date",
            "budget",
            "notes",
            "version",
        )


TASK_FIELDS = (
    "id",
    "platform",
    "campaign",
    "title",
    "status",
    "assignee",
    "estimated_hours",
    "production_cost",
    "review_state",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_content",
    "tagged_url",
    "created_at",
    "updated_at",
    "version",
)


class SmoTaskSerializer(RowSerializer):
    tagged_url = serializers.CharField(read_only=True)
    has_image = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = (
            *TASK_FIELDS,
            "post_text",
            "hashtags",
            "has_image",
            "image_alt",
            "backlink_url",
            "scheduled_at",
            "published_url",
        )

    def get_has_image(self, task) -> bool:
        return bool(task.image)


class PacingSerializer(serializers.Serializer):
    budget = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    spend = serializers.DecimalField(max_digits=14, decimal_places=2)
    expected = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    pacing = serializers.DecimalField(max_digits=14, decimal_places=4, allow_null=True)
    flag = serializers.CharField(allow_null=True)
    projected = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)


class SmmTaskSerializer(RowSerializer):
    tagged_url = serializers.CharField(read_only=True)
    pacing = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = (
            *TASK_FIELDS,
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
            "media_spend",
            "pacing",
        )

    @extend_schema_field(PacingSerializer)
    def get_pacing(self, task):
        """Spend to date against the budget, as the ad's page shows it (from its row)."""
        return PacingSerializer(task_pacing(task, task.media_spend, timezone.localdate())).data


class TimeEntrySerializer(RowSerializer):
    class Meta:
        model = TimeEntry
        fields = ("id", "task", "user", "date", "hours", "note", "created_at")


FIGURES = (
    "impressions",
    "reach",
    "engagements",
    "clicks",
    "conversions",
    "conversion_value",
    "spend",
)


class ResultSerializer(RowSerializer):
    class Meta:
        model = ResultEntry
        fields = ("id", "task", "date", *FIGURES, "created_at")


class MemberSerializer(RowSerializer):
    username = serializers.CharField(source="user.username")

    class Meta:
        model = Membership
        fields = ("id", "user", "username", "role", "can_approve", "created_at")


class BusinessSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="business.id")
    name = serializers.CharField(source="business.name")
    currency = serializers.CharField(source="business.currency")
    time_zone = serializers.CharField(source="business.time_zone")
    role = serializers.CharField()


# The schema's picture of a form: each form field as the serializer field a body sends.
def _schema_field(field, status_choices):
    common = {"required": field.required, "help_text": str(field.help_text or "") or None}
    if status_choices:  # the task forms set the kind's statuses when they are built
        return serializers.ChoiceField(choices=[value for value, _ in status_choices], **common)
    if isinstance(field, django_forms.ModelChoiceField):
        return serializers.IntegerField(allow_null=not field.required, **common)
    if isinstance(field, django_forms.ChoiceField):
        choices = [value for value, _label in (status_choices or field.choices) if value != ""]
        return serializers.ChoiceField(choices=choices, allow_blank=not field.required, **common)
    if isinstance(field, django_forms.BooleanField):
        return serializers.BooleanField(**{**common, "required": False})
    if isinstance(field, django_forms.DecimalField):
        return serializers.DecimalField(
            max_digits=field.max_digits,
            decimal_places=field.decimal_places,
            min_value=field.min_value,
            max_value=field.max_value,
            allow_null=not field.required,
            **common,
        )
    if isinstance(field, django_forms.IntegerField):
        return serializers.IntegerField(
            min_value=field.min_value,
            max_value=field.max_value,
            allow_null=not field.required,
            **common,
        )
    if isinstance(field, django_forms.DateTimeField):
        return serializers.DateTimeField(allow_null=not field.required, **common)
    if isinstance(field, django_forms.DateField):
        return serializers.DateField(allow_null=not field.required, **common)
    if isinstance(field, django_forms.URLField):
        return serializers.URLField(
            max_length=field.max_length, allow_blank=not field.required, **common
        )
    return serializers.CharField(
        max_length=field.max_length, allow_blank=not field.required, **common
    )


def form_serializer(form_class, name, extra=None):
    """A serializer class with the form's fields (and `extra` ones), for the schema of request
    bodies: drawn from the form, so the schema follows it."""
    status_choices = getattr(form_class, "status_choices", None)
    fields = {
        field_name: _schema_field(field, status_choices if field_name == "status" else None)
        for field_name, field in form_class.base_fields.items()
        if field_name not in NOT_FROM_BODY
    }
    return type(name, (serializers.Serializer,), {**(extra or {}), **fields})
