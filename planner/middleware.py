"""A database (or Redis) that cannot be reached answers a clean 503 page, not a 500 or a hang.

Two ways an error gets here:

* raised by a view or while rendering its template: `process_exception` answers 503 directly;
* raised elsewhere (a middleware saving the session, a 404 page whose context processor reads
  the user): Django has already turned it into a 500 response by the time it reaches us, so
  the `got_request_exception` signal notes the error on the request and `__call__` swaps the
  500 for the 503 page.

An OperationalError is not always an outage: a query the database cannot run (SQLite's "no
such column", PostgreSQL's "currval of sequence is not yet defined") raises it too, and that
is a bug to show as a 500. `is_outage` tells them apart by the database's own error code
(SQLite's message), without another round trip to a server that may not answer.

Nothing is cached: the next request tries the database again (CONN_HEALTH_CHECKS drops a dead
persistent connection), so the app recovers by itself as soon as the database is back.
"""

import logging
import sqlite3
import sys
import time

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.handlers.wsgi import LimitedStream
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.urls import Resolver404, resolve
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from planner import ad_reports
from planner.views.errors import service_unavailable

logger = logging.getLogger(__name__)

UNAVAILABLE_ERRORS = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError)
REQUEST_ATTRIBUTE = "_planner_unavailable_error"
TRACEBACK_INTERVAL_SECONDS = 60
_last_traceback_at = -TRACEBACK_INTERVAL_SECONDS


# PostgreSQL error classes (SQLSTATE) that mean "not now" rather than "wrong query": the
# connection failed (08), the server ran out of something (53: disk, memory, connections), an
# operator stopped it (57P: shutting down, starting up), or the transaction lost a race (40:
# deadlock, serialization failure). Retrying later is the right advice for all of them.
#
# And two codes of the timeouts in settings.DATABASES, decided here: 57014 (query_canceled: the
# statement outlived statement_timeout, or an operator cancelled it) and 55P03
# (lock_not_available: lock_timeout). With the web's 5 s limit on pages whose queries take
# milliseconds, a statement that runs out of time almost always means a server that is
# overloaded, hung on its disk, or waiting on a lock someone else holds (a long import), not a
# query that can never work: the honest answer is "temporarily unavailable, try again" (503
# with Retry-After), which also tells a load balancer to back off. A query that really is too
# slow still shows up: every 503 is logged at ERROR with PostgreSQL's message ("canceling
# statement due to statement timeout"). A server that stops answering altogether raises no
# code at all (planner.postgresql's deadline), which is an outage below too.
POSTGRES_OUTAGE_CLASSES = ("08", "53", "57P", "40", "57014", "55P03")
# What SQLite says when its file is busy, full or unreadable: the database, not the query.
SQLITE_OUTAGE_MESSAGES = (
    "database is locked",
    "unable to open database file",
    "disk i/o error",
    "database or disk is full",
    "readonly database",
)


def is_outage(error):
    """True when `error` means the database or Redis cannot serve requests right now."""
    if not isinstance(error, UNAVAILABLE_ERRORS):
        return False
    if not isinstance(error, OperationalError):
        return True  # a closed connection (InterfaceError) or Redis down
    cause = error.__cause__
    if isinstance(cause, sqlite3.Error):
        return any(text in str(cause).lower() for text in SQLITE_OUTAGE_MESSAGES)
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate:
        return sqlstate.startswith(POSTGRES_OUTAGE_CLASSES)
    # No code at all: the client library lost the server (refused, closed, timed out).
    return True


def _note_unavailable(sender, request=None, **kwargs):
    error = sys.exc_info()[1]
    if request is not None and is_outage(error):
        setattr(request, REQUEST_ATTRIBUTE, error)


got_request_exception.connect(_note_unavailable, dispatch_uid="planner.middleware.unavailable")


class ServiceUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        error = getattr(request, REQUEST_ATTRIBUTE, None)
        if error is not None and response.status_code == 500:
            return self.unavailable(request, error)
        return response

    def process_exception(self, request, exception):
        if is_outage(exception):
            return self.unavailable(request, exception)
        return None

    @staticmethod
    def unavailable(request, error):
        # One line per request; the traceback at most once a minute, so an outage under load
        # does not bury the log.
        global _last_traceback_at
        now = time.monotonic()
        with_traceback = now - _last_traceback_at >= TRACEBACK_INTERVAL_SECONDS
        if with_traceback:
            _last_traceback_at = now
        message = str(error).strip().splitlines()
        logger.error(
            "Service unavailable (%s: %s) for %s %s",
            type(error).__name__,
            message[0] if message else "",
            request.method,
            request.path,
            exc_info=error if with_traceback else None,
        )
        return service_unavailable(request, error)


# --- Response headers: nothing cached that is per user, browser features off ------------------

# Browser features the planner never uses, off for its pages and anything they might embed. The
# copy buttons write to the clipboard, so clipboard-write keeps its default (this origin only).
# interest-cohort and browsing-topics keep the pages out of ad-interest profiling (FLoC, Topics).
# Only names Chromium knows: an unknown one is a console warning on every page.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "clipboard-read",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "gamepad",
        "geolocation",
        "gyroscope",
        "hid",
        "identity-credentials-get",
        "idle-detection",
        "interest-cohort",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "otp-credentials",
        "payment",
        "picture-in-picture",
        "publickey-credentials-create",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "speaker-selection",
        "usb",
        "window-management",
        "xr-spatial-tracking",
    )
)
NO_STORE = "private, no-store"


class ResponseHeadersMiddleware:
    """Permissions-Policy on every response, and `Cache-Control: private, no-store` on every one
    the app makes itself that does not say otherwise.

    Pages and downloads (CSV exports, the business's JSON, post images) are one member's view of
    one business's data: no browser history, shared computer or proxy cache may keep a copy that
    outlives the session or reaches another user ("private" for caches older than "no-store").
    The anonymous pages are no-store too, decided so: the login, sign-up and password pages carry
    a CSRF token tied to a cookie, and a 404 or 503 must not outlive its cause. A response that
    already says how it may be cached keeps that: whitenoise's static files (a year, immutable,
    for the hashed names collectstatic writes), the iCalendar feed ("private, max-age=300" for
    calendar apps), Django's never_cache pages (the login page: already no-store).

    First in MIDDLEWARE, so it also sees the responses that whitenoise or SecurityMiddleware (the
    HTTPS redirect) answer by themselves.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = NO_STORE
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


# --- Request bodies: refused before they are read if they are larger than their kind may be ---

MB = 1024 * 1024
# Multipart boundaries, each part's headers, the CSRF token and the form's other fields, on top
# of the file itself; a form's non-file fields are capped at DATA_UPLOAD_MAX_MEMORY_SIZE anyway.
UPLOAD_OVERHEAD = 64 * 1024
# Every request that is not in the table below: the login page and every other form, htmx
# requests and the admin's forms without a file. The largest of them (a post's text, the
# mapping step of an import with thousands of campaign names) is a few hundred kilobytes.
DEFAULT_BODY_LIMIT = 1 * MB


BULK_RESULTS_BYTES = 4 * MB


def body_limits():
    """The one table of request body limits, by URL name: (largest body in bytes, what to tell
    the sender). Read per request, from the limits the forms themselves check, so a file the
    form would take is never refused here and a larger one never reaches the disk."""
    from planner.forms import BusinessImportForm  # the forms import the models: not at startup

    image = settings.MAX_IMAGE_BYTES
    post_with_image = (image + UPLOAD_OVERHEAD, f"A post image may be at most {image // MB} MB.")
    return {
        "import_upload": (
            ad_reports.MAX_BYTES + UPLOAD_OVERHEAD,
            f"An ad report may be at most {ad_reports.MAX_MB} MB: export a shorter period.",
        ),
        "business_import": (
            BusinessImportForm.MAX_BYTES + UPLOAD_OVERHEAD,
            f"A business export may be at most {BusinessImportForm.MAX_BYTES // MB} MB.",
        ),
        # The API's bulk results: up to 10,000 rows of JSON (planner/api/bulk.py).
        "api-results-bulk": (
            BULK_RESULTS_BYTES,
            "A bulk request may be at most 4 MB: send the rows in several requests.",
        ),
        "smo_create": post_with_image,
        "smo_edit": post_with_image,
        # Staff only (and its login page); its forms include the post image too.
        "admin:*": (image + UPLOAD_OVERHEAD, f"An upload may be at most {image // MB} MB."),
    }


def body_limit(request):
    """(limit in bytes, message) for this request's body."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        match = None
    if match is not None:
        limits = body_limits()
        key = "admin:*" if "admin" in match.namespaces else match.url_name
        if key in limits:
            return limits[key]
    return DEFAULT_BODY_LIMIT, f"A form may send at most {DEFAULT_BODY_LIMIT // MB} MB."


TOO_LARGE_ATTRIBUTE = "_planner_body_too_large"
FALLBACK_413 = (
    "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
    "<title>Too large · Campaign planner</title></head><body><h1>What you sent is too large"
    "</h1><p>Nothing of it was saved.</p></body></html>"
)


class _CappedStream(LimitedStream):
    """The body of a request without a Content-Length (chunked): Django's LimitedStream over
    wsgi.input, allowed one byte past the limit to notice that the body goes on. Reading that
    far marks the request (the middleware then answers 413) and raises RequestDataTooBig."""

    def __init__(self, request, limit):
        super().__init__(request.META["wsgi.input"], limit + 1)
        self.request = request
        self.cap = limit
        self.read_so_far = 0

    def _count(self, data):
        self.read_so_far += len(data)
        if self.read_so_far > self.cap:
            setattr(self.request, TOO_LARGE_ATTRIBUTE, True)
            raise RequestDataTooBig(f"The request body is larger than {self.cap:,} bytes.")
        return data

    def read(self, size=-1, /):
        return self._count(super().read(size))

    def readline(self, size=-1, /):
        return self._count(super().readline(size))


class RequestBodyLimitMiddleware:
    """413 for a request body larger than its kind may be (body_limits), before it is read.

    A Content-Length over the limit is answered at once: nothing of the body is read, so
    nothing reaches memory or FILE_UPLOAD_TEMP_DIR. A body without one (Transfer-Encoding:
    chunked; Django would not read it at all) is read through _CappedStream, so reading past
    the limit ends in the same 413 page. Placed before SessionMiddleware and CsrfViewMiddleware:
    the CSRF check reads request.POST, which reads the body.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        length = meta.get("CONTENT_LENGTH")
        chunked = not length and "HTTP_TRANSFER_ENCODING" in meta
        if length or chunked:
            limit, message = body_limit(request)
            try:
                too_large = int(length or 0) > limit
            except ValueError:  # Django reads a malformed length as 0: no body
                too_large = False
            if too_large:
                return self.too_large(request, message, int(length))
            if chunked and "wsgi.input" in meta:
                request._stream = _CappedStream(request, limit)  # what request.read() reads
        response = self.get_response(request)
        if getattr(request, TOO_LARGE_ATTRIBUTE, False):
            return self.too_large(request, body_limit(request)[1], None)
        return response

    @staticmethod
    def too_large(request, message, length):
        logger.warning(
            "Request body too large (%s) for %s %s",
            f"{length:,} bytes" if length is not None else "chunked",
            request.method,
            request.path,
        )
        try:
            body = loader.render_to_string("413.html", {"message": message})
        except Exception:  # an error page must not fail (see views/errors.py)
            logger.exception("Could not render 413.html; sending the plain fallback page")
            body = FALLBACK_413
        return HttpResponse(body, status=413)


class FormErrorStatusMiddleware:
    """A POST whose form was refused answers 400, on library pages too (allauth's re-show the
    form with 200): the planner's rule for bad input, which tests and scripts rely on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_template_response(self, request, response):
        form = (getattr(response, "context_data", None) or {}).get("form")
        refused = getattr(form, "is_bound", False) and form.errors
        if request.method == "POST" and response.status_code == 200 and refused:
            response.status_code = 400
        return response
