"""Existing accounts' e-mail addresses become allauth EmailAddress rows, unverified.

Unverified, not verified: before allauth nobody checked these addresses, and one of them may
be someone else's (signed up first with a new hire's address). Existing passwords and sessions
keep working; the next log-in sends a verification e-mail and asks for it to be confirmed, and
until then the account cannot create or join a business.
"""

from django.conf import settings
from django.db import migrations


def forwards(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    EmailAddress = apps.get_model("account", "EmailAddress")
    taken = {email.lower() for email in EmailAddress.objects.values_list("email", flat=True)}
    rows = []
    for user_id, email in User.objects.exclude(email="").order_by("pk").values_list("pk", "email"):
        key = email.strip().lower()
        if key in taken:  # two accounts with one address: only the older one gets it
            continue
        taken.add(key)
        rows.append(EmailAddress(user_id=user_id, email=key, verified=False, primary=True))
    EmailAddress.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("account", "0009_emailaddress_unique_primary_email"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
