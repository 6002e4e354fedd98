"""Creating, revoking and checking API keys; each write and its activity row in one transaction.

A key is `cp_` and 43 random URL-safe characters (256 bits). Only its SHA-256 is stored: a slow
password hash buys nothing against a secret that long, and the lookup stays one index probe.
"""

import datetime
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from planner.api.models import ApiKey, Scope
from planner.teamwork.activity import record_business
from planner.teamwork.models import Verb

PREFIX = "cp_"
SHOWN_CHARACTERS = 10  # of the key, in the owner's list: "cp_AbC4xY9…"
# "Last used" is written at most this often per key, not on every request.
LAST_USED_EVERY = datetime.timedelta(minutes=1)


class KeyRefused(Exception):
    """The key is unknown, revoked or expired; the message says which (to its holder only)."""


def key_hash(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def create_key(business, by, *, name, scope, expires_at=None):
    """A new key and its secret, which is shown once and never again."""
    secret = PREFIX + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        business=business,
        name=name,
        scope=scope,
        key_hash=key_hash(secret),
        prefix=secret[:SHOWN_CHARACTERS],
        created_by=by,
        expires_at=expires_at,
    )
    until = f", until {expires_at:%Y-%m-%d %H:%M}" if expires_at else ""
    record_business(
        business.pk,
        by,
        Verb.INTEGRATION,
        f"API key “{name}” created ({Scope(scope).label.lower()}{until})",
    )
    return key, secret


@transaction.atomic
def revoke_key(key, by):
    """Revoke a key (again: nothing changes)."""
    revoked = ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if revoked:
        record_business(key.business_id, by, Verb.INTEGRATION, f"API key “{key.name}” revoked")
    return bool(revoked)


def revoke_keys_of(business_id, user, by=None):
    """A member who leaves or stops being an owner takes their keys' power along: the keys
    they created are revoked. Call inside the removal's or the change's transaction."""
    revoked = ApiKey.objects.filter(
        business_id=business_id, created_by=user, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    if revoked:
        record_business(
            business_id,
            by,
            Verb.INTEGRATION,
            f"{user.get_username()}'s API keys revoked ({revoked})",
        )
    return revoked


def authenticate(secret, now=None):
    """The active key with this secret, or KeyRefused."""
    now = now or timezone.now()
    if not secret.startswith(PREFIX) or len(secret) > 100:
        raise KeyRefused("This is not an API key of the planner.")
    key = (
        ApiKey.objects.select_related("business", "created_by")
        .filter(key_hash=key_hash(secret))
        .first()
    )
    if key is None:
        raise KeyRefused("Unknown API key.")
    state = key.state(now)
    if state != "active":
        raise KeyRefused(f"This API key is {state}.")
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_EVERY:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key
