"""Django's PostgreSQL backend, with a deadline on every wait for the server's answer.

`statement_timeout` and `lock_timeout` (settings.DATABASES) are enforced by the server, so they
cannot help when the server, or something between it and the app, keeps the connection open
but stops answering: a hung host, a proxy, NAT or load balancer that stalls. TCP keepalives and
tcp_user_timeout do not either while something still acknowledges the packets: through a
stalled TCP proxy (tests/test_db_timeouts.py), a psycopg query with all three set simply waits,
with nothing to end the wait. So the client keeps a deadline of its own:

* every round trip (a query, a fetch, a commit) waits at most ANSWER_TIMEOUT seconds: the
  statement timeout plus a margin, so by then the server has cancelled the query itself and no
  answer means no server;
* the check Django runs before a request reuses a persistent connection (CONN_HEALTH_CHECKS:
  "SELECT 1") waits at most HEALTH_CHECK_TIMEOUT seconds, since a trivial query that takes
  longer means the server cannot serve the request anyway.

Past its deadline the connection is closed and psycopg.OperationalError raised; Django wraps it
in django.db.OperationalError without an SQLSTATE, which planner.middleware answers with the 503
page. The next request connects afresh (connect_timeout bounds that), so the app recovers by
itself once the server answers again. Everything else is Django's backend unchanged.
"""

import inspect

import psycopg
from django.core.exceptions import ImproperlyConfigured
from django.db.backends.postgresql import base

# Connection.wait(timeout=...) and the internal _WaitTimeout it raises when the time is up:
# checked by feature rather than by version number (psycopg 3.3 has both).
_WaitTimeout = getattr(psycopg.errors, "_WaitTimeout", None)
if _WaitTimeout is None or "timeout" not in inspect.signature(psycopg.Connection.wait).parameters:
    raise ImproperlyConfigured(
        "planner.postgresql needs a psycopg whose Connection.wait() takes a timeout, as 3.3 "
        f"does (this is {psycopg.__version__})."
    )

_UNSET = object()


class AnswerTimeout(psycopg.OperationalError):
    """The server did not answer in time; the connection is closed."""


class Connection(psycopg.Connection):
    """A psycopg connection whose waits for the server end after `answer_timeout` seconds."""

    answer_timeout = None  # seconds; None waits as long as the server takes

    def wait(self, gen, interval=_UNSET, timeout=_UNSET):
        kwargs = {} if interval is _UNSET else {"interval": interval}
        if timeout is not _UNSET or not self.answer_timeout:
            # psycopg's own deadline (notifies() passes one, None included): left to psycopg.
            if timeout is not _UNSET:
                kwargs["timeout"] = timeout
            return super().wait(gen, **kwargs)
        try:
            return super().wait(gen, timeout=self.answer_timeout, **kwargs)
        except _WaitTimeout:
            # Mid-protocol: the connection cannot be used again (the query may even complete).
            self.close()
            raise AnswerTimeout(
                f"The database server did not answer within {self.answer_timeout:g} s; "
                "the connection was closed."
            ) from None


class _Psycopg:
    """The psycopg module, except that connect() makes a Connection of the class above (Django
    connects with `self.Database.connect(...)` and finds psycopg's exceptions here too)."""

    connect = staticmethod(Connection.connect)

    def __getattr__(self, name):
        return getattr(psycopg, name)


class DatabaseWrapper(base.DatabaseWrapper):
    Database = _Psycopg()

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        connection.answer_timeout = self.settings_dict.get("ANSWER_TIMEOUT")
        return connection

    def is_usable(self):
        """Django's health check (SELECT 1), with its own shorter deadline."""
        connection = self.connection
        health_timeout = self.settings_dict.get("HEALTH_CHECK_TIMEOUT")
        if not isinstance(connection, Connection) or not health_timeout:
            return super().is_usable()
        answer_timeout = connection.answer_timeout
        connection.answer_timeout = health_timeout
        try:
            return super().is_usable()
        finally:
            connection.answer_timeout = answer_timeout
