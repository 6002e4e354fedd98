"""allauth's forms with the planner's labels (allauth's pages show placeholders instead)."""

from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.core.validators import MaxLengthValidator

from planner.accounts.adapter import clean_address
from planner.models import Role

LOGIN_MAX_LENGTH = 254  # an e-mail address's longest (usernames are 150)


class LoginForm(AllauthLoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Username or e-mail"
        # allauth sets no limit; django-axes records the attempt's login in a 255-character
        # column, so a longer one was a 500 on PostgreSQL. No username or address is longer.
        self.fields["login"].max_length = LOGIN_MAX_LENGTH
        self.fields["login"].validators.append(MaxLengthValidator(LOGIN_MAX_LENGTH))
        self.fields["login"].widget.attrs["maxlength"] = LOGIN_MAX_LENGTH
        self.fields["login"].widget.attrs.pop("placeholder", None)
        self.fields["password"].widget.attrs.pop("placeholder", None)
        self.fields["password"].help_text = ""  # the page links "Forgot your password?"
        if "remember" in self.fields:
            self.fields["remember"].label = "Keep me logged in on this device"


class InvitationForm(forms.Form):
    email = forms.EmailField(label="E-mail address", max_length=254)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.EDITOR)

    def clean_email(self):
        return clean_address(self.cleaned_data["email"])
