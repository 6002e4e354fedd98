"""What the forms share: date widgets, edit-conflict detection (VersionedForm), the
business's members as choices and the quarter-hour rule."""

import html
from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe

User = get_user_model()
QUARTER = Decimal("0.25")


class LongSelect(forms.Select):
    """A select of hundreds of plain options (time zones, currencies), written in one pass:
    Django renders each option through a template, ~35 ms for the settings page's 900."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        options = "".join(
            f'<option value="{html.escape(str(key))}"'
            f"{' selected' if str(key) in chosen else ''}>{html.escape(str(label))}</option>"
            for key, label in self.choices
        )
        final = self.build_attrs(self.attrs, attrs) | {"name": name}
        return format_html("<select{}>{}</select>", flatatt(final), mark_safe(options))  # noqa: S308 - escaped above


class ListedChoiceIterator(forms.models.ModelChoiceIterator):
    """A select's rows read by one plain query: ModelChoiceIterator uses queryset.iterator(),
    which on PostgreSQL opens a server-side cursor WITH HOLD (~2 ms a select of a few rows)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ListedModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField for the business's platforms, campaigns and the like: read in one
    query and written in one pass (LongSelect)."""

    iterator = ListedChoiceIterator
    widget = LongSelect


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


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
            if name in ("seen_version", "confirm_warnings") or name not in self.cleaned_data:
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


class ConfirmWarnings(forms.Form):
    """What is possible but unusual: once the form is otherwise valid, its warnings (from
    `warnings(cleaned)`) are listed at a "save anyway" box, and it saves once that is ticked
    (in the API: `"confirm_warnings": true`)."""

    confirm_warnings = forms.BooleanField(
        required=False, label="These are right: save anyway", widget=forms.HiddenInput
    )

    def warnings(self, cleaned):
        return []

    def _clean_form(self):
        super()._clean_form()  # every clean() of the form's classes, then the warnings
        if self._errors:
            return
        found = [warning for warning in self.warnings(self.cleaned_data) if warning]
        if found and not self.cleaned_data.get("confirm_warnings"):
            self.fields["confirm_warnings"].widget = forms.CheckboxInput()
            for warning in found:
                self.add_error("confirm_warnings", warning)


def member_users(business):
    return User.objects.filter(memberships__business=business).order_by("username")


def quarter_hours(value, allow_zero=False):
    if value is None:
        return value
    if value < 0 or (value == 0 and not allow_zero):
        raise forms.ValidationError("Enter a positive number of hours.")
    if value % QUARTER:
        raise forms.ValidationError("Hours are counted in quarter hours (0.25, 0.5, 0.75…).")
    return value
