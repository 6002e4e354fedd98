"""One rate per caller: each API key, each logged-in user, each address without either.

DRF's throttle counts in the cache: Redis in production (shared by every app server), so the
limit is the same whichever server answers. Past it: 429 with Retry-After.
"""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from planner.api.models import ApiKey


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
            ident = f"address-{self.get_ident(request)}"
        return f"api-throttle-{ident}"
