"""One rate per caller: each API key, each logged-in user, each address without either (the
client's address as the pages take it, X-Forwarded-For only behind TRUSTED_PROXY_COUNT proxies).

DRF's throttle counts in the cache: Redis in production (shared by every app server), so the
limit is the same whichever server answers. Past it: 429 with Retry-After.
"""

from django.conf import settings
from django.core.cache import cache
from rest_framework.exceptions import Throttled
from rest_framework.throttling import SimpleRateThrottle

from planner.api.models import ApiKey
from planner.views.errors import client_ip

# A wrong key fails authentication before any throttle runs: wrong keys are counted per
# address on their own, and past the limit are a 429 with Retry-After rather than a 401, so
# that guessing (or a script stuck on a revoked key) is told to back off. A right key from
# the same address still passes: one broken script must not lock out an office.
FAILED_KEYS_PER_MINUTE = 30


class CallerThrottle(SimpleRateThrottle):
    scope = "caller"

    def get_rate(self):
        return settings.API_RATE_LIMIT  # read per request, so tests may change it

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiKey):
            ident = f"key-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"address-{client_ip(request)}"
        return f"api-throttle-{ident}"


def _failures_key(request):
    return f"api-failed-keys-{client_ip(request)}"


def count_failed_key(request):
    """Count a wrong key; Throttled once this address has sent too many this minute."""
    key = _failures_key(request)
    cache.add(key, 0, timeout=60)
    try:
        failures = cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.add(key, 1, timeout=60)
        failures = 1
    if failures > FAILED_KEYS_PER_MINUTE:
        raise Throttled(wait=60, detail="Too many wrong API keys from this address.")
