"""Error pages that must render whatever state the app is in, and the login lockout page.

The 503 page is rendered without the request's context processors (the navigation one reads the
user, hence the session and the database), from `error_base.html`, which reads nothing but
static file URLs. If even that fails, a plain page is sent: an error page never raises.

Django's default 403/404/500 handlers render `templates/403.html`, `404.html` and `500.html`,
which extend the same minimal base; the 500 one is rendered with no context at all.
"""

import datetime
import ipaddress
import logging
import math

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Max
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30

FALLBACK_503 = (
    "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
    "<title>Temporarily unavailable · Campaign planner</title></head><body>"
    "<h1>Temporarily unavailable</h1><p>The planner cannot reach its database right now. "
    "Nothing you saved is lost. Please try again in a minute.</p></body></html>"
)


def service_unavailable(request=None, exception=None):
    """The 503 page, with Retry-After. Queries nothing and never raises."""
    try:
        body = loader.render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS})
    except Exception:  # an error page must not fail: e.g. a missing static files manifest
        logger.exception("Could not render 503.html; sending the plain fallback page")
        body = FALLBACK_503
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # Never cached by a proxy: the page must go away as soon as the database is back.
    response["Cache-Control"] = "no-store"
    return response


# Login throttling: hooks for django-axes (see the AXES_* settings).


def lockout_username(request, credentials=None):
    """The account a login attempt is for, so one account has one failure counter.

    The login form takes a username or an e-mail address in any case; without this, typing
    "LENA@example.com", "lena@Example.com", ... would each get five fresh attempts.
    """
    if credentials:  # allauth's: {"username": …} or {"email": …, "username": …}
        identifier = credentials.get("email") or credentials.get("username")
    else:  # allauth's form calls it "login", the admin's "username"
        posted = getattr(request, "POST", {})
        identifier = posted.get("login") or posted.get("username")
    if not identifier:
        return identifier
    identifier = identifier.strip()
    cache = getattr(request, "_lockout_usernames", None)
    if cache is None:
        cache = {}
        if request is not None:
            request._lockout_usernames = cache  # axes asks several times per attempt
    if identifier not in cache:
        cache[identifier] = _account_username(identifier)
    return cache[identifier]


def _account_username(identifier):
    """The username of the account an identifier logs in to (as allauth matches it: usernames
    without case, any of the account's addresses), or the identifier in lower case."""
    from allauth.account.models import EmailAddress

    users = get_user_model().objects
    user = None
    if "@" in identifier:
        address = EmailAddress.objects.filter(email__iexact=identifier).order_by("pk").first()
        user = address.user if address else users.filter(email__iexact=identifier).first()
    if user is None:
        user = users.filter(username__iexact=identifier).order_by("pk").first()
    return user.get_username() if user is not None else identifier.lower()


def client_ip(request):
    """The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the address the
    outermost of them put in X-Forwarded-For (entries further left are the client's to forge);
    an IPv6 client by its /64, since one host has that many addresses to rotate through."""
    return _per_client(_forwarded_or_remote(request))


def _per_client(address):
    """IPv6 clients by their /64 (one host's share; allauth groups them the same way)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    return str(ipaddress.IPv6Network(f"{ip}/64", strict=False).network_address)


def _forwarded_or_remote(request):
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            candidate = forwarded[-count]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                logger.warning("Ignoring a malformed X-Forwarded-For address: %r", candidate)
    return remote


def login_locked_out(request, original_response=None, credentials=None):
    """The page a locked-out login attempt gets: 429, when to try again, and Retry-After."""
    from axes.helpers import get_client_username, get_cool_off
    from axes.models import AccessAttempt

    cool_off = get_cool_off(request)
    now = timezone.now()
    last_failure = AccessAttempt.objects.filter(
        username=get_client_username(request, credentials),
        ip_address=getattr(request, "axes_ip_address", None) or client_ip(request),
    ).aggregate(last=Max("attempt_time"))["last"]
    retry_at = (last_failure or now) + cool_off
    wait = max(retry_at - now, datetime.timedelta(0))
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    response = render(
        request,
        "registration/lockout.html",
        {
            "retry_at": retry_at,
            "minutes": minutes,
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cool_off_minutes": int(cool_off.total_seconds() // 60),
        },
        status=429,
    )
    response["Retry-After"] = str(max(1, math.ceil(wait.total_seconds())))
    return response
