"""How allauth fits the planner: where people land, and which addresses count as verified."""

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.core.mail.message import sanitize_address
from django.urls import reverse

EMAIL_MAX_LENGTH = 254


def clean_address(email):
    """An address as stored: lower case, and one we can send to; ValidationError otherwise.

    Lower-casing can lengthen an address ("İ" becomes two characters), so the length is checked
    after it; and an address Django cannot put in a To: header would never get its mail."""
    email = email.strip().lower()
    if len(email) > EMAIL_MAX_LENGTH:
        raise forms.ValidationError(f"An e-mail address has at most {EMAIL_MAX_LENGTH} characters.")
    try:
        sanitize_address(email, "utf-8")
    except (ValueError, TypeError):
        raise forms.ValidationError("We cannot send e-mail to this address.") from None
    return email


class AccountAdapter(DefaultAccountAdapter):
    def get_signup_redirect_url(self, request):
        return reverse("home")

    def pre_authenticate(self, request, **credentials):
        """No allauth count of failed passwords: django-axes keeps the one lockout (5 per
        username and address). allauth's "login_failed" limit then counts wrong MFA codes."""

    def clean_email(self, email):
        return clean_address(super().clean_email(email))

    def get_client_ip(self, request):
        # The same address django-axes uses (and no 500 when a request carries fewer
        # X-Forwarded-For entries than TRUSTED_PROXY_COUNT).
        from planner.views.errors import client_ip

        return client_ip(request)

    def get_email_verification_redirect_url(self, email_address):
        # Home lists the invitations waiting for a verified address, so someone who signed up
        # from an invitation's link finds it there right after verifying.
        return reverse("home")
