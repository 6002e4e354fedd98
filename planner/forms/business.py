"""A business's settings, its members and roles, and importing a business from its export."""

from django import forms

from planner.forms.base import LongSelect
from planner.models import (
    Business,
    Membership,
    ResultEntry,
    Task,
    TimeEntry,
    currency_choices,
    timezone_choices,
)

HOURLY_RATE_HELP = (
    "What an hour of your team's work costs, in the business's currency. The dashboard prices "
    "every hour logged with it, so organic work can be weighed against ad money: at 0, organic "
    "work looks free."
)


class BusinessForm(forms.ModelForm):
    currency = forms.ChoiceField(choices=currency_choices, initial="USD", widget=LongSelect)
    time_zone = forms.ChoiceField(choices=timezone_choices, initial="UTC", widget=LongSelect)

    class Meta:
        model = Business
        fields = ("name", "website_url", "currency", "time_zone", "hourly_rate")
        help_texts = {
            "website_url": "Where backlinks should point.",
            "hourly_rate": HOURLY_RATE_HELP,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            # A new business states its rate: a silent default of 0 makes organic work free.
            self.fields["hourly_rate"].initial = None
            self.fields["hourly_rate"].required = True


class BusinessSettingsForm(BusinessForm):
    """The owner's settings page: the business's details and its security rule."""

    class Meta(BusinessForm.Meta):
        fields = (
            *BusinessForm.Meta.fields,
            "require_mfa",
            "approval_mode",
            "authors_cannot_approve",
        )

    CONFIRM = "confirm_currency"

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if self.is_bound and self._relabels_money():
            self.fields[self.CONFIRM] = forms.BooleanField(
                required=False,
                label="Relabel the amounts already recorded without converting them",
            )

    def _relabels_money(self):
        """True if the posted currency differs and the business has amounts recorded: they
        would be shown in the new currency unchanged (€50 becomes $50)."""
        new = self.data.get(self.add_prefix("currency"))
        if not new or new == self.instance.currency:
            return False
        business = self.instance
        return (
            ResultEntry.objects.filter(business=business).exists()
            or TimeEntry.objects.filter(business=business).exists()
            or Task.objects.filter(business=business, production_cost__gt=0).exists()
            or Task.objects.filter(business=business, budget_amount__gt=0).exists()
        )

    def clean(self):
        cleaned = super().clean()
        if self.CONFIRM in self.fields and not cleaned.get(self.CONFIRM):
            self.add_error(
                self.CONFIRM,
                f"Amounts are not converted: every budget, spend, cost and value recorded in "
                f"{self.instance.currency} would be shown as {cleaned.get('currency')} with the "
                "same numbers. Tick this to relabel them anyway, or keep the currency.",
            )
        return cleaned

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
