from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Accounts on django-allauth, invitations to a business, and the MFA a business requires."""

    name = "planner.accounts"
    label = "planner_accounts"
    default_auto_field = "django.db.models.BigAutoField"
