"""allauth's forms with the planner's labels (allauth's pages show placeholders instead)."""

from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms

from planner.models import Role


class LoginForm(AllauthLoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Username or e-mail"
        self.fields["login"].widget.attrs.pop("placeholder", None)
        self.fields["password"].widget.attrs.pop("placeholder", None)
        self.fields["password"].help_text = ""  # the page links "Forgot your password?"
        if "remember" in self.fields:
            self.fields["remember"].label = "Keep me logged in on this device"


class InvitationForm(forms.Form):
    email = forms.EmailField(label="E-mail address", max_length=254)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.EDITOR)
