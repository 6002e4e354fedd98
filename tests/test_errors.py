"""Error pages (403, 404, 500, 503) with DEBUG off, and a database that goes away.

The unit tests raise the errors from test-only views (this module is also their URLconf, via
`pytest.mark.urls`). The outage test runs gunicorn against a real PostgreSQL through a TCP proxy
it controls: proxy up → 200, proxy down → a quick 503, proxy back → 200 without a restart.
"""

import contextlib
import os
import secrets
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from unittest import mock

import psycopg
import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import path, reverse
from redis.exceptions import ConnectionError as RedisConnectionError

import planner.urls
from planner.middleware import is_outage
from planner.views.errors import service_unavailable
from tests.pg_support import PG_HOST, PG_PORT, postgres_or_fail

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_DETAIL = "secret-detail-7f3a"  # in exception messages: must never reach the page


def raise_runtime_error(request):
    raise RuntimeError(f"boom with {SECRET_DETAIL}")


def raise_operational_error(request):
    raise OperationalError(f'connection to server at "10.0.0.5", port 5432 failed {SECRET_DETAIL}')


def run_a_query_the_database_refuses(request):
    """A real OperationalError that is a bug, not an outage: SQLite cannot find the column;
    PostgreSQL has no current value of a sequence this session never advanced (55000)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("CREATE TEMPORARY SEQUENCE IF NOT EXISTS never_advanced")
            cursor.execute("SELECT currval('never_advanced')")
        else:
            cursor.execute("SELECT nope FROM planner_task")
    return HttpResponse("not reached")


def raise_interface_error(request):
    raise InterfaceError(f"connection already closed {SECRET_DETAIL}")


def raise_redis_error(request):
    raise RedisConnectionError(f"Error 111 connecting to 127.0.0.1:6379 {SECRET_DETAIL}")


def raise_permission_denied(request):
    raise PermissionDenied(f"denied because {SECRET_DETAIL}")


def write_session(request):
    request.session["touched"] = True  # saved by SessionMiddleware on the way out
    return HttpResponse("ok")


urlpatterns = [
    path("test-errors/runtime/", raise_runtime_error),
    path("test-errors/operational/", raise_operational_error),
    path("test-errors/query/", run_a_query_the_database_refuses),
    path("test-errors/interface/", raise_interface_error),
    path("test-errors/redis/", raise_redis_error),
    path("test-errors/forbidden/", raise_permission_denied),
    path("test-errors/session/", write_session),
    *planner.urls.urlpatterns,
]

use_test_urls = pytest.mark.urls("tests.test_errors")


@pytest.fixture
def production_client(client, settings):
    """DEBUG off, and exceptions answered as a user would see them, not re-raised."""
    settings.DEBUG = False
    client.raise_request_exception = False
    return client


def assert_nothing_leaks(response):
    html = response.content.decode()
    for leak in (SECRET_DETAIL, "Traceback", "SECRET_KEY", "settings.py", 'File "'):
        assert leak not in html, leak


def assert_styled_error_page(response, status, heading):
    assert response.status_code == status
    html = response.content.decode()
    assert heading in html
    assert "vendor/bootstrap/bootstrap.min.css" in html  # the app's style
    assert 'class="navbar-brand" href="/">Campaign planner</a>' in html
    assert_nothing_leaks(response)


# 404, 403, 500


def test_404_page(production_client, owner):
    production_client.force_login(owner)
    response = production_client.get("/no-such-page/")
    assert_styled_error_page(response, 404, "Page not found")
    # Another tenant's business: the same 404 page, nothing said about the business.
    response = production_client.get(reverse("dashboard", args=[999_999]))
    assert_styled_error_page(response, 404, "Page not found")


def test_403_page(production_client, viewer, business):
    production_client.force_login(viewer)
    response = production_client.get(reverse("smo_create", args=[business.pk]))
    assert_styled_error_page(response, 403, "You cannot do this here")


@use_test_urls
def test_403_page_does_not_show_the_exception_message(production_client, db):
    response = production_client.get("/test-errors/forbidden/")
    assert_styled_error_page(response, 403, "You cannot do this here")


def test_csrf_failure_page(client, settings, db):
    settings.DEBUG = False
    client.handler.enforce_csrf_checks = True
    response = client.post(reverse("account_login"), {"username": "x", "password": "y"})
    assert_styled_error_page(response, 403, "This form has expired")


@use_test_urls
def test_500_page_shows_no_traceback(production_client, owner, caplog):
    production_client.force_login(owner)
    response = production_client.get("/test-errors/runtime/")
    assert_styled_error_page(response, 500, "Something went wrong on our side")
    assert "Content-Security-Policy" in response.headers
    # ... but the error is logged for whoever runs the planner.
    assert any("Internal Server Error" in r.getMessage() for r in caplog.records)


def test_500_template_renders_without_a_request_or_database(
    db, django_assert_num_queries, settings
):
    from django.views.defaults import server_error

    settings.DEBUG = False
    with django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content


# 503: the database (or Redis) cannot be reached.


@use_test_urls
@pytest.mark.parametrize(
    "url", ["/test-errors/operational/", "/test-errors/interface/", "/test-errors/redis/"]
)
def test_unreachable_backend_answers_503(production_client, db, url, caplog):
    response = production_client.get(url)
    assert_styled_error_page(response, 503, "The planner is temporarily unavailable")
    assert response.headers["Retry-After"] == "30"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Content-Security-Policy" in response.headers
    logged = [r for r in caplog.records if r.name == "planner.middleware"]
    assert logged and logged[0].levelname == "ERROR"
    assert "Service unavailable" in logged[0].getMessage()


def test_503_page_renders_without_a_database(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = service_unavailable()
    assert response.status_code == 503
    assert b"The planner is temporarily unavailable" in response.content


def test_503_page_falls_back_to_plain_html_when_rendering_fails(caplog):
    with mock.patch("planner.views.errors.loader.render_to_string", side_effect=ValueError):
        response = service_unavailable()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert b"Temporarily unavailable" in response.content
    assert "Could not render 503.html" in caplog.text


def test_database_down_while_loading_the_session(production_client, owner, business):
    """The view's first query (the session, for login_required) fails: 503."""
    production_client.force_login(owner)
    with mock.patch.object(
        SessionStore, "_get_session_from_db", side_effect=OperationalError("server closed")
    ):
        response = production_client.get(reverse("dashboard", args=[business.pk]))
    assert_styled_error_page(response, 503, "The planner is temporarily unavailable")


def test_database_down_while_rendering_a_404(production_client, owner):
    """A 404 page's context processor reads the user from the database: still a 503."""
    production_client.force_login(owner)
    with mock.patch.object(
        SessionStore, "_get_session_from_db", side_effect=OperationalError("server closed")
    ):
        response = production_client.get("/no-such-page/")
    assert_styled_error_page(response, 503, "The planner is temporarily unavailable")


@use_test_urls
def test_database_down_while_saving_the_session_in_middleware(production_client, db):
    """Raised in SessionMiddleware after the view: Django makes it a 500; we make it a 503."""
    with mock.patch.object(SessionStore, "save", side_effect=OperationalError("server closed")):
        response = production_client.get("/test-errors/session/")
    assert_styled_error_page(response, 503, "The planner is temporarily unavailable")
    assert response.headers["Retry-After"] == "30"


def test_healthz_answers_503_when_the_database_is_down(production_client, db):
    assert production_client.get(reverse("healthz")).status_code == 200
    with mock.patch("planner.views.health.connection") as connection:
        connection.cursor.side_effect = OperationalError("could not connect to server")
        response = production_client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"


@use_test_urls
def test_other_errors_stay_500(production_client, db):
    response = production_client.get("/test-errors/runtime/")
    assert response.status_code == 500


@use_test_urls
def test_a_query_the_database_cannot_run_is_a_500_not_an_outage(production_client, db, caplog):
    """The database answers, so this OperationalError is a bug: a 500, logged as one."""
    response = production_client.get("/test-errors/query/")
    assert_styled_error_page(response, 500, "Something went wrong on our side")
    assert any("Internal Server Error" in r.getMessage() for r in caplog.records)
    assert not [r for r in caplog.records if r.name == "planner.middleware"]


def sqlite_error(message):
    return _wrapped(sqlite3.OperationalError(message))


def postgres_error(sqlstate):
    return _wrapped(psycopg.errors.lookup(sqlstate)("from the server"))


def _wrapped(cause):
    """What Django raises: its own OperationalError, caused by the driver's error."""
    error = OperationalError(str(cause))
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    "error, outage",
    [
        (sqlite_error("no such column: nope"), False),
        (sqlite_error("database is locked"), True),  # busy: try again shortly
        (sqlite_error("unable to open database file"), True),
        (sqlite_error("database or disk is full"), True),
        (postgres_error("57014"), True),  # statement timeout: a server too slow to answer
        (postgres_error("55P03"), True),  # lock timeout: someone else holds the lock
        (postgres_error("55000"), False),  # object not in prerequisite state: a bug
        (postgres_error("08006"), True),  # connection failure
        (postgres_error("53100"), True),  # disk full
        (postgres_error("53300"), True),  # too many connections
        (postgres_error("57P01"), True),  # administrator shutdown
        (postgres_error("40P01"), True),  # deadlock: retry
        (OperationalError("server closed the connection unexpectedly"), True),  # no code
        (InterfaceError("connection already closed"), True),
        (RedisConnectionError("Error 111"), True),
        (RuntimeError("boom"), False),
    ],
)
def test_is_outage_reads_the_database_error_code(error, outage):
    assert is_outage(error) is outage


# A real outage: gunicorn, PostgreSQL behind a TCP proxy that the test stops and restarts.

OUTAGE_DB = "planner_outage"


class TcpProxy:
    """Forwards 127.0.0.1:<port> to PostgreSQL. `stop()` closes the listening socket and every
    open connection (the database "goes away"); `start()` listens on the same port again.
    With `stall=True` it accepts connections and never answers (a black-holed server)."""

    def __init__(self, target, port=0):
        self.target = target
        self.port = port
        self.stall = False
        self._listener = None
        self._sockets = set()
        self._lock = threading.Lock()
        self._running = threading.Event()

    def start(self):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(32)
        listener.settimeout(0.1)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._running.set()
        self._acceptor = threading.Thread(target=self._accept_loop, args=(listener,), daemon=True)
        self._acceptor.start()

    def stop(self):
        self._running.clear()
        self._acceptor.join(timeout=5)  # it sees the flag within 0.1 s and stops accepting
        with contextlib.suppress(OSError):
            self._listener.close()
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()

    def _track(self, sock):
        with self._lock:
            self._sockets.add(sock)

    def _accept_loop(self, listener):
        while self._running.is_set():
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            self._track(client)
            if self.stall:
                continue  # accepted, never answered
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            self._track(upstream)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url, timeout=15, headers=None):
    """(status, headers, body, seconds) of a GET; HTTP errors are answers too."""
    start = time.monotonic()
    try:
        request = urllib.request.Request(url, headers=headers or {})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, headers, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, error.headers, error.read()
    return status, headers, body.decode(), time.monotonic() - start


def wait_for_status(url, status, within):
    deadline = time.monotonic() + within
    last = None
    while time.monotonic() < deadline:
        try:
            last = get(url, timeout=10)
            if last[0] == status:
                return last
        except OSError as error:  # the server is not listening yet
            last = error
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer {status} within {within} s; last: {last!r}")


@pytest.fixture
def outage_database():
    """A migrated database of its own on the real PostgreSQL, created afresh for the test."""
    postgres_or_fail()
    admin = ["psql", "-h", PG_HOST, "-p", str(PG_PORT), "-U", "postgres", "-v", "ON_ERROR_STOP=1"]
    for sql in (
        f"DROP DATABASE IF EXISTS {OUTAGE_DB} WITH (FORCE)",
        f"CREATE DATABASE {OUTAGE_DB}",
    ):
        subprocess.run([*admin, "-qc", sql], check=True, capture_output=True, timeout=60)
    yield OUTAGE_DB
    subprocess.run(
        [*admin, "-qc", f"DROP DATABASE IF EXISTS {OUTAGE_DB} WITH (FORCE)"],
        capture_output=True,
        timeout=60,
    )


def server_env(database_url, static_root):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECURE_", "REDIS_"))
    }
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url,
        STATIC_ROOT=str(static_root),
        DJANGO_SETTINGS_MODULE="planner.settings",
        DB_CONNECT_TIMEOUT="3",
    )
    return env


def test_database_outage_and_recovery(outage_database, tmp_path):
    proxy = TcpProxy((PG_HOST, PG_PORT))
    proxy.start()
    database_url = f"postgres://postgres@127.0.0.1:{proxy.port}/{outage_database}"
    env = server_env(database_url, tmp_path / "static")
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run(
            [*manage, *command], cwd=BASE_DIR, env=env, check=True, capture_output=True, timeout=300
        )

    port = free_port()
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "planner.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "60",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    healthz = f"http://127.0.0.1:{port}/healthz"
    try:
        status, _, body, _ = wait_for_status(healthz, 200, within=30)
        assert '"ok"' in body

        # The database goes away: listening socket closed, open connections cut.
        proxy.stop()
        status, headers, body, seconds = get(healthz)
        assert status == 503, body
        assert seconds < 5, f"took {seconds:.1f} s"
        assert headers["Retry-After"] == "30"
        assert "The planner is temporarily unavailable" in body
        assert "vendor/bootstrap/bootstrap" in body  # the styled page, static files and all
        assert "Traceback" not in body and "5432" not in body and str(proxy.port) not in body
        # Any page that needs the database, not only /healthz: here, a session to look up.
        status, _, body, seconds = get(
            f"http://127.0.0.1:{port}/",
            headers={"Cookie": f"sessionid={'x' * 32}", "X-Forwarded-Proto": "https"},
        )
        assert (status, seconds < 5) == (503, True), body

        # A server that accepts connections but never answers: connect_timeout (3 s) ends it.
        proxy.stall = True
        proxy.start()
        status, _, _, seconds = get(healthz)
        assert status == 503
        assert seconds < 8, f"took {seconds:.1f} s"
        proxy.stop()

        # The database is back on the same address: the same server recovers by itself.
        proxy.stall = False
        proxy.start()
        status, _, body, _ = wait_for_status(healthz, 200, within=10)
        assert '"ok"' in body
        assert server.poll() is None, "the server must not have restarted"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        proxy.stop()
        log.close()
    server_log = (tmp_path / "gunicorn.log").read_text()
    assert "Service unavailable (OperationalError" in server_log, server_log
