"""How allauth fits the planner: where people land, and which addresses count as verified."""

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def get_signup_redirect_url(self, request):
        return reverse("home")

    def get_email_verification_redirect_url(self, email_address):
        # Home lists the invitations waiting for a verified address, so someone who signed up
        # from an invitation's link finds it there right after verifying.
        return reverse("home")
