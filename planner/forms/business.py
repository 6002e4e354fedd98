"""A business's settings, its members and roles, and importing a business from its export."""

from django import forms

from planner.forms.base import LongSelect
from planner.models import Business, Membership, currency_choices, timezone_choices


class BusinessForm(forms.ModelForm):
    currency = forms.ChoiceField(choices=currency_choices, initial="USD", widget=LongSelect)
    time_zone = forms.ChoiceField(choices=timezone_choices, initial="UTC", widget=LongSelect)

    class Meta:
        model = Business
        fields = ("name", "website_url", "currency", "time_zone", "hourly_rate")
        help_texts = {"website_url": "Where backlinks should point."}


class BusinessSettingsForm(BusinessForm):
    """The owner's settings page: the business's details and its security rule."""

    class Meta(BusinessForm.Meta):
        fields = (
            *BusinessForm.Meta.fields,
            "require_mfa",
            "approval_mode",
            "authors_cannot_approve",
        )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_require_mfa(self):
        from planner.access import has_mfa

        required = self.cleaned_data["require_mfa"]
        if required and not has_mfa(self.user):
            raise forms.ValidationError(
                "Set up two-factor authentication for your own account first (account menu, "
                "Two-factor authentication), so that requiring it cannot lock you out."
            )
        return required


class MemberRoleForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ("role", "can_approve")


class BusinessImportForm(forms.Form):
    """A JSON export of a business (see planner/portability.py).

    Only its size is checked here (before anything of it is read); the import job reads and
    checks the rest, and its page says what is wrong and where.
    """

    MAX_BYTES = 50 * 1024 * 1024
    file = forms.FileField(
        label="Export file (.json)",
        help_text=f"At most {MAX_BYTES // (1024 * 1024)} MB. It is checked and imported in the "
        "background; the next page shows how far it is.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {self.MAX_BYTES // (1024 * 1024)} MB "
                f"({upload.size / (1024 * 1024):,.1f} MB)."
            )
        return upload
