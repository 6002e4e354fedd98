"""Database timeouts: no wait on PostgreSQL is unbounded, whatever the server does.

* The settings: statement_timeout and lock_timeout passed to the server, the two profiles (web,
  worker) and their overrides, connect_timeout, TCP keepalives, and the client-side deadlines.
* planner.postgresql against a real PostgreSQL behind a TCP proxy that can turn into a black hole
  (keeps every connection open, forwards nothing): a query, the health check of a reused
  connection and a new connection all end within their deadlines, with an outage error.
* The fault end to end: gunicorn with the repository's gunicorn.conf.py, its database behind that
  proxy. Black hole → the 503 page within 10 s, no worker hangs or is killed; the proxy forwards
  again → 200, by itself.
* On PostgreSQL (DATABASE_URL): the test database's own connection has the timeouts, and a
  statement or lock timeout is answered with the 503 page (planner.middleware).

The PostgreSQL tests need the server on 127.0.0.1:5432 (trust authentication, user postgres),
also in the SQLite run of the suite; without it they are skipped locally and fail on CI.
"""

import contextlib
import os
import runpy
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import pytest
from django.db import OperationalError, connection
from django.db.utils import load_backend
from django.http import HttpResponse
from django.urls import path

import planner.urls
from planner.middleware import is_outage
from tests.pg_support import PG_HOST, PG_PORT, postgres_or_fail

BASE_DIR = Path(__file__).resolve().parent.parent
ON_POSTGRES = connection.vendor == "postgresql"
DB_VARIABLES = (
    "DATABASE_URL",
    "DB_TIMEOUT_PROFILE",
    "DB_STATEMENT_TIMEOUT_MS",
    "DB_LOCK_TIMEOUT_MS",
    "DB_CONNECT_TIMEOUT",
)


# --- The settings ------------------------------------------------------------------------------


def database_settings(monkeypatch, **env):
    """settings.DATABASES["default"] as planner/settings.py computes it from `env`."""
    for name in DB_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = runpy.run_path(str(BASE_DIR / "planner" / "settings.py"))
    return settings["DATABASES"]["default"]


PG_URL = "postgres://planner:secret@db.internal:5432/planner"


def test_web_profile_is_the_default(monkeypatch):
    db = database_settings(monkeypatch, DATABASE_URL=PG_URL)
    assert db["ENGINE"] == "planner.postgresql"
    options = db["OPTIONS"]
    assert options["options"] == "-c statement_timeout=5000 -c lock_timeout=3000"
    assert options["connect_timeout"] == 3
    assert (options["keepalives"], options["keepalives_idle"]) == (1, 10)
    assert (options["keepalives_interval"], options["keepalives_count"]) == (5, 3)
    assert options["tcp_user_timeout"] == 10_000
    assert db["ANSWER_TIMEOUT"] == 7.0  # the statement timeout + 2 s
    assert db["HEALTH_CHECK_TIMEOUT"] == 3  # the connect timeout


def test_worker_profile_has_long_timeouts(monkeypatch):
    db = database_settings(monkeypatch, DATABASE_URL=PG_URL, DB_TIMEOUT_PROFILE="worker")
    assert db["OPTIONS"]["options"] == "-c statement_timeout=300000 -c lock_timeout=30000"
    assert db["ANSWER_TIMEOUT"] == 302.0


def test_each_timeout_can_be_set_and_url_options_win(monkeypatch):
    db = database_settings(
        monkeypatch,
        DATABASE_URL=PG_URL + "?options=-c%20search_path%3Dplanner",
        DB_TIMEOUT_PROFILE="worker",
        DB_STATEMENT_TIMEOUT_MS="0",
        DB_LOCK_TIMEOUT_MS="1500",
        DB_CONNECT_TIMEOUT="5",
    )
    assert db["OPTIONS"]["options"] == (
        "-c statement_timeout=0 -c lock_timeout=1500 -c search_path=planner"
    )
    assert db["OPTIONS"]["connect_timeout"] == 5
    assert db["ANSWER_TIMEOUT"] is None  # no statement timeout: no deadline on answers either
    assert db["HEALTH_CHECK_TIMEOUT"] == 5


def test_an_unknown_profile_is_refused(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="DB_TIMEOUT_PROFILE must be 'web' or 'worker'"):
        database_settings(monkeypatch, DATABASE_URL=PG_URL, DB_TIMEOUT_PROFILE="batch")


def test_sqlite_is_left_alone(monkeypatch, tmp_path):
    db = database_settings(monkeypatch, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert "ANSWER_TIMEOUT" not in db
    assert "statement_timeout" not in str(db.get("OPTIONS", {}))


# --- A TCP proxy that can become a black hole -------------------------------------------------


class BlackHoleProxy:
    """Forwards 127.0.0.1:<port> to PostgreSQL, in threads. `black_hole()` keeps every
    connection open but forwards nothing more, either way (what is sent is read and dropped,
    and new connections are accepted and never answered): a server that hangs, or a proxy, NAT
    or load balancer that stalls. `forward()` forwards again."""

    def __init__(self, target=(PG_HOST, PG_PORT)):
        self.target = target
        self.holes = threading.Event()
        self._sockets = []
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self._running = True
        threading.Thread(target=self._accept, daemon=True).start()

    def black_hole(self):
        self.holes.set()

    def forward(self):
        self.holes.clear()

    def close(self):
        self._running = False
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in [self._listener, *sockets]:
            with contextlib.suppress(OSError):
                sock.close()

    def _keep(self, sock):
        with self._lock:
            self._sockets.append(sock)
        return sock

    def _accept(self):
        while self._running:
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            self._keep(client)
            if self.holes.is_set():
                threading.Thread(target=self._pump, args=(client, None), daemon=True).start()
                continue
            try:
                upstream = self._keep(socket.create_connection(self.target, timeout=5))
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source, sink):
        try:
            while data := source.recv(65536):
                if sink is not None and not self.holes.is_set():
                    sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                if sock is not None:
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)


@pytest.fixture
def proxy():
    postgres_or_fail()
    proxy = BlackHoleProxy()
    yield proxy
    proxy.close()


# --- planner.postgresql behind the proxy, in this process -------------------------------------


def wrapper_through(proxy, **settings):
    """A connection of planner.postgresql's own to the real server, through `proxy`, with the
    deadlines shortened so the test is quick."""
    settings_dict = {
        "ENGINE": "planner.postgresql",
        "NAME": "postgres",
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": "127.0.0.1",
        "PORT": proxy.port,
        "OPTIONS": {"connect_timeout": 2, "options": "-c statement_timeout=1000"},
        "ANSWER_TIMEOUT": 2.0,
        "HEALTH_CHECK_TIMEOUT": 1.0,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": True,
        "AUTOCOMMIT": True,
        "ATOMIC_REQUESTS": False,
        "TIME_ZONE": None,
        "TEST": {},
        **settings,
    }
    db = load_backend("planner.postgresql").DatabaseWrapper(settings_dict, alias="timeouts")
    db.inc_thread_sharing()  # used from finishes_within()'s thread
    return db


def finishes_within(seconds, function, *args):
    """function(*args), run in a thread so that a wait that never ends fails the test instead
    of hanging it; (its result, the seconds it took)."""
    outcome = {}

    def run():
        try:
            outcome["value"] = function(*args)
        except BaseException as error:  # re-raised below, in the test
            outcome["error"] = error

    start = time.monotonic()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    took = time.monotonic() - start
    if thread.is_alive():
        pytest.fail(f"still waiting for the database after {took:.1f} s", pytrace=False)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value"), took


@contextlib.contextmanager
def timed(within):
    start = time.monotonic()
    yield
    seconds = time.monotonic() - start
    assert seconds < within, f"took {seconds:.1f} s, more than {within} s"


def select_one(db):
    with db.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone()[0]


def test_a_query_to_a_server_that_stopped_answering_ends_at_its_deadline(proxy, django_db_blocker):
    with django_db_blocker.unblock():
        db = wrapper_through(proxy)
        try:
            assert select_one(db) == 1
            with db.cursor() as cursor:  # an answer within the deadline is waited for
                cursor.execute("SELECT pg_sleep(0.5)")
            proxy.black_hole()
            with pytest.raises(OperationalError) as error:
                finishes_within(4, select_one, db)
            assert "did not answer within 2 s" in str(error.value)  # the deadline, not the proxy
            assert is_outage(error.value)  # the 503 page
            assert db.connection.closed  # not used again: the next request reconnects
        finally:
            db.close()


def test_the_health_check_of_a_reused_connection_has_its_own_short_deadline(
    proxy, django_db_blocker
):
    with django_db_blocker.unblock():
        db = wrapper_through(proxy)
        try:
            assert select_one(db) == 1 and db.is_usable()
            proxy.black_hole()
            usable, seconds = finishes_within(5, db.is_usable)
            assert usable is False
            assert seconds < 1.9  # the health check's 1 s, not the answers' 2 s
            assert db.connection.answer_timeout == 2.0  # restored for the queries
        finally:
            db.close()


def test_connecting_to_a_server_that_never_answers_ends_at_connect_timeout(
    proxy, django_db_blocker
):
    proxy.black_hole()
    with django_db_blocker.unblock():
        db = wrapper_through(proxy)
        with pytest.raises(OperationalError) as error:
            finishes_within(5, db.ensure_connection)
        assert is_outage(error.value)


def test_the_server_cancels_a_statement_past_statement_timeout(proxy, django_db_blocker):
    """The server's own limit acts first: SQLSTATE 57014, an outage (planner.middleware)."""
    with django_db_blocker.unblock():
        db = wrapper_through(proxy, ANSWER_TIMEOUT=10.0)
        try:
            with pytest.raises(OperationalError) as error:
                finishes_within(4, db.cursor().execute, "SELECT pg_sleep(3)")
            assert error.value.__cause__.sqlstate == "57014"
            assert is_outage(error.value)
            assert select_one(db) == 1  # the connection itself is fine
        finally:
            db.close()


def test_keepalives_are_set_on_the_socket(proxy, django_db_blocker):
    with django_db_blocker.unblock():
        db = wrapper_through(
            proxy,
            OPTIONS={
                "keepalives": 1,
                "keepalives_idle": 10,
                "keepalives_interval": 5,
                "keepalives_count": 3,
                "tcp_user_timeout": 10_000,
            },
        )
        try:
            db.ensure_connection()
            sock = socket.socket(fileno=os.dup(db.connection.pgconn.socket))
            with sock:
                tcp = socket.IPPROTO_TCP
                assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1
                assert sock.getsockopt(tcp, socket.TCP_KEEPIDLE) == 10
                assert sock.getsockopt(tcp, socket.TCP_KEEPINTVL) == 5
                assert sock.getsockopt(tcp, socket.TCP_KEEPCNT) == 3
                assert sock.getsockopt(tcp, socket.TCP_USER_TIMEOUT) == 10_000
        finally:
            db.close()


# --- The fault end to end: gunicorn, its database behind the proxy ----------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer to look at, not to follow


OPENER = urllib.request.build_opener(_NoRedirects)


def get(url, headers=None, timeout=30):
    """(status, body, seconds) of a GET; HTTP errors and redirects are answers too."""
    start = time.monotonic()
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with OPENER.open(request, timeout=timeout) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    return status, body.decode(), time.monotonic() - start


def wait_for(url, status, within):
    deadline = time.monotonic() + within
    last = None
    while time.monotonic() < deadline:
        try:
            last = get(url, timeout=15)
            if last[0] == status:
                return last
        except OSError as error:  # not listening yet
            last = error
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer {status} within {within} s; last: {last!r}")


@pytest.fixture
def fault_database():
    """A migrated database of its own (a name no other run uses), dropped afterwards."""
    postgres_or_fail()
    name = f"planner_timeouts_{os.getpid()}"
    admin = ["psql", "-h", PG_HOST, "-p", str(PG_PORT), "-U", "postgres", "-v", "ON_ERROR_STOP=1"]

    def sql(statement, check=True):
        subprocess.run([*admin, "-qc", statement], check=check, capture_output=True, timeout=60)

    sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    sql(f"CREATE DATABASE {name}")
    yield name
    sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", check=False)


def server_env(database_url, static_root):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECURE_", "REDIS_", "GUNICORN_", "DB_"))
        and key not in {"PORT", "WEB_CONCURRENCY", "CONN_MAX_AGE", "DEBUG"}
    }
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url,
        STATIC_ROOT=str(static_root),
        DJANGO_SETTINGS_MODULE="planner.settings",
    )
    return env  # every DB_* timeout at its default: the web profile, as in production


def test_a_database_that_stops_answering_gives_the_503_page_within_seconds(
    fault_database, proxy, tmp_path
):
    direct = server_env(f"postgres://postgres@{PG_HOST}:{PG_PORT}/{fault_database}", tmp_path)
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run(
            [*manage, *command], cwd=BASE_DIR, env=direct, check=True, capture_output=True,
            timeout=300,
        )  # fmt: skip

    env = server_env(f"postgres://postgres@127.0.0.1:{proxy.port}/{fault_database}", tmp_path)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log_path = tmp_path / "gunicorn.log"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [str(gunicorn), "planner.wsgi", "-c", "gunicorn.conf.py", "--workers", "1",
             "--bind", f"127.0.0.1:{port}"],
            cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    # A page that reads the session from the database (behind the TLS proxy, as in production).
    home = (f"{base}/", {"Cookie": f"sessionid={'x' * 32}", "X-Forwarded-Proto": "https"})
    try:
        status, body, _ = wait_for(f"{base}/healthz", 200, within=60)
        assert '"ok"' in body
        status, _, _ = get(*home)
        assert status == 302  # to the login page: the database answered

        # Connections stay open, nothing comes back: the worker's persistent connection (its
        # health check) and then a new one (connect_timeout) both give up within seconds.
        proxy.black_hole()
        for url, headers in ((f"{base}/healthz", None), home, home):
            status, body, seconds = get(url, headers=headers)
            print(f"black hole: {url} {status} in {seconds:.2f} s")
            assert status == 503, body
            assert seconds < 10, f"{url} took {seconds:.1f} s"
            assert "The planner is temporarily unavailable" in body
            assert "vendor/bootstrap/bootstrap" in body  # the styled page
            assert "Traceback" not in body and str(proxy.port) not in body

        # The proxy forwards again: the same worker recovers by itself.
        proxy.forward()
        forwarding = time.monotonic()
        status, body, _ = wait_for(f"{base}/healthz", 200, within=15)
        print(f"forwarding again: 200 after {time.monotonic() - forwarding:.2f} s")
        assert get(*home)[0] == 302
        assert server.poll() is None, "gunicorn must not have stopped"
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    log = log_path.read_text()
    assert "WORKER TIMEOUT" not in log, log  # no request hung until gunicorn killed it
    assert "Service unavailable (OperationalError" in log, log


# --- On PostgreSQL: the test database's own connection ----------------------------------------

postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL only (DATABASE_URL)")


def sleep_past_the_statement_timeout(request):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 100")
        cursor.execute("SELECT pg_sleep(2)")
    return HttpResponse("not reached")


def wait_for_a_locked_table(request):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL lock_timeout = 100")
        cursor.execute("SELECT count(*) FROM planner_platform")
    return HttpResponse("not reached")


urlpatterns = [
    path("test-timeouts/statement/", sleep_past_the_statement_timeout),
    path("test-timeouts/lock/", wait_for_a_locked_table),
    *planner.urls.urlpatterns,
]


@postgres_only
def test_the_connection_has_the_web_timeouts(db):
    assert connection.connection.__class__.__module__ == "planner.postgresql.base"
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "5s"
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] == "3s"
    assert connection.connection.answer_timeout == 7.0


@pytest.fixture
def production_client(client, settings):
    settings.DEBUG = False
    client.raise_request_exception = False
    return client


@postgres_only
@pytest.mark.urls("tests.test_db_timeouts")
def test_a_statement_timeout_is_a_503(production_client, db, caplog):
    response = production_client.get("/test-timeouts/statement/")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    logged = [r.getMessage() for r in caplog.records if r.name == "planner.middleware"]
    assert logged and "canceling statement due to statement timeout" in logged[0]


@postgres_only
@pytest.mark.urls("tests.test_db_timeouts")
def test_a_lock_timeout_is_a_503(production_client, db, caplog):
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params) as other:  # another session holds the table's lock
        other.execute("LOCK TABLE planner_platform IN ACCESS EXCLUSIVE MODE")
        with timed(within=3):
            response = production_client.get("/test-timeouts/lock/")
        other.rollback()
    assert response.status_code == 503
    logged = [r.getMessage() for r in caplog.records if r.name == "planner.middleware"]
    assert logged and "canceling statement due to lock timeout" in logged[0]
