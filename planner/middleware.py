"""A database (or Redis) that cannot be reached answers a clean 503 page, not a 500 or a hang.

Two ways an error gets here:

* raised by a view or while rendering its template: `process_exception` answers 503 directly;
* raised elsewhere (a middleware saving the session, a 404 page whose context processor reads
  the user): Django has already turned it into a 500 response by the time it reaches us, so
  the `got_request_exception` signal notes the error on the request and `__call__` swaps the
  500 for the 503 page.

An OperationalError is not always an outage: a query the database cannot run (SQLite's "no
such column", a PostgreSQL statement cancelled by its timeout) raises it too, and that is a
bug to show as a 500. `is_outage` tells them apart by the database's own error code (SQLite's
message), without another round trip to a server that may not answer.

Nothing is cached: the next request tries the database again (CONN_HEALTH_CHECKS drops a dead
persistent connection), so the app recovers by itself as soon as the database is back.
"""

import logging
import sqlite3
import sys
import time

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

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
POSTGRES_OUTAGE_CLASSES = ("08", "53", "57P", "40")
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
