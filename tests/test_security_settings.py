"""Security headers and production configuration.

* Content-Security-Policy on every main page, with no 'unsafe-inline' and no 'unsafe-eval', and
  pages whose HTML has nothing such a policy would block (inline scripts, inline event
  handlers, javascript: URLs, style attributes).
* Production settings from environment variables, checked in a subprocess exactly as a server
  would start: the missing SECRET_KEY error, `check --deploy`, HTTPS behind the proxy.
* The optional Redis cache and sessions, against the real Redis on 127.0.0.1:6379.
"""

import json
import os
import secrets
import socket
import subprocess
import sys
import textwrap
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import ResultEntryFactory, TimeEntryFactory

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PRODUCTION_ENV = {
    "DEBUG": "0",
    "ALLOWED_HOSTS": "planner.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://planner.example.com",
}


def parse_csp(header):
    """{"script-src": ["'self'"], ...} from a Content-Security-Policy header."""
    policy = {}
    for directive in header.split(";"):
        parts = directive.split()
        if parts:
            policy[parts[0]] = parts[1:]
    return policy


EXPECTED_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "frame-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


class InlineCodeFinder(HTMLParser):
    """Collects what a strict policy blocks: inline <script> (JSON data blocks are fine),
    on*= event handlers, javascript: URLs, style= attributes and <style> elements."""

    def __init__(self):
        super().__init__()
        self.problems = []
        self._script_start = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        where = f"line {self.getpos()[0]}: <{tag}>"
        inline = "src" not in attributes and attributes.get("type") != "application/json"
        if tag == "script" and inline:
            self.problems.append(f"{where} inline script")
        if tag == "style":
            self.problems.append(f"{where} <style> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{where} event handler {name}=")
            if name == "style":
                self.problems.append(f"{where} style= attribute")
            if name in {"href", "src", "action", "formaction"} and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.problems.append(f"{where} javascript: URL")


def inline_code(html):
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder.problems


@pytest.fixture
def busy_business(business, owner, smo_task, smm_task):
    """A business with something on every page, so the dashboard draws its charts."""
    TimeEntryFactory(task=smo_task, user=owner, hours="2.00")
    TimeEntryFactory(task=smm_task, user=owner, hours="1.00")
    ResultEntryFactory(task=smm_task, clicks=10, impressions=1000)
    return business


def main_pages(business, smo_task, smm_task, campaign, platform):
    b = business.pk
    return [
        reverse("home"),
        reverse("business_create"),
        reverse("account_change_password"),
        reverse("dashboard", args=[b]),
        reverse("dashboard", args=[b]) + "?period=custom&start=2026-01-01&end=2026-12-31",
        reverse("smo_list", args=[b]),
        reverse("smm_list", args=[b]),
        reverse("smo_create", args=[b]),
        reverse("smm_create", args=[b]),
        reverse("smo_detail", args=[b, smo_task.pk]),
        reverse("smm_detail", args=[b, smm_task.pk]),
        reverse("smo_edit", args=[b, smo_task.pk]),
        reverse("smm_edit", args=[b, smm_task.pk]),
        reverse("campaign_list", args=[b]),
        reverse("campaign_create", args=[b]),
        reverse("campaign_detail", args=[b, campaign.pk]),
        reverse("platform_list", args=[b]),
        reverse("platform_edit", args=[b, platform.pk]),
        reverse("member_list", args=[b]),
        reverse("business_edit", args=[b]),
        reverse("business_delete", args=[b]),
    ]


ANONYMOUS_PAGES = [
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
]


def assert_strict_policy(response, url):
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{url} has no Content-Security-Policy header"
    assert "unsafe-inline" not in header and "unsafe-eval" not in header, (url, header)
    assert parse_csp(header) == EXPECTED_POLICY, (url, header)


def test_every_main_page_has_the_strict_policy_and_no_inline_code(
    client_for, owner, busy_business, smo_task, smm_task, campaign, platform
):
    client = client_for(owner)
    for url in main_pages(busy_business, smo_task, smm_task, campaign, platform):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert_strict_policy(response, url)
        assert inline_code(response.content.decode()) == [], url


def test_anonymous_pages_have_the_strict_policy_and_no_inline_code(client, db):
    for name in ANONYMOUS_PAGES:
        url = reverse(name)
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict_policy(response, url)
        assert inline_code(response.content.decode()) == [], url


def test_error_and_admin_pages_have_the_policy_too(client_for, owner, settings):
    settings.DEBUG = False
    client = client_for(owner)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_strict_policy(response, "404")
    assert inline_code(response.content.decode()) == []
    response = client.get(reverse("admin:login"))
    assert_strict_policy(response, "admin login")
    response = client.get(reverse("healthz"))
    assert_strict_policy(response, "healthz")


def test_the_dashboard_passes_its_chart_data_as_json_not_script(client_for, owner, busy_business):
    html = client_for(owner).get(reverse("dashboard", args=[busy_business.pk])).content.decode()
    assert '<script id="chart-data" type="application/json">' in html
    assert 'id="chart-effort"' in html  # the charts are on the page


def test_the_inline_code_finder_finds_what_the_policy_blocks():
    html = """<p style="color:red">x</p><a href=" JavaScript:alert(1)">y</a>
    <button onclick="go()">z</button><script>alert(1)</script><style>p{}</style>
    <script src="/static/a.js"></script><script type="application/json">{"a": 1}</script>"""
    problems = inline_code(html)
    assert len(problems) == 5, problems


def test_other_security_headers(client, db):
    response = client.get(reverse("account_login"))
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


# Production configuration, as a server process would see it.


def run_python(code, env_overrides, timeout=60):
    """Run `code` in a fresh interpreter with only the given settings-related variables set."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "CSRF_TRUSTED_ORIGINS",
            "REDIS_URL",
            "SECURE_SSL_REDIRECT",
            "SECURE_HSTS_SECONDS",
            "SECURE_HSTS_PRELOAD",
            "SESSION_COOKIE_SECURE",
            "CSRF_COOKIE_SECURE",
            "TRUSTED_PROXY_COUNT",
            "DATABASE_URL",  # SQLite unless a test says otherwise (CI runs the suite on both)
            "DB_CONNECT_TIMEOUT",
            "DB_TIMEOUT_PROFILE",
            "DB_STATEMENT_TIMEOUT_MS",
            "DB_LOCK_TIMEOUT_MS",
            "STATIC_ROOT",
            "EMAIL_BACKEND",
        }
        # DJANGO_SETTINGS_MODULE, and DJANGO_ALLOW_ASYNC_UNSAFE that the browser tests set.
        and not key.startswith("DJANGO_")
    }
    env["DJANGO_SETTINGS_MODULE"] = "planner.settings"
    env.update(env_overrides)
    return subprocess.run(
        [PYTHON, "-c", textwrap.dedent(code)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def random_secret_key():
    return secrets.token_urlsafe(50)


def test_without_secret_key_and_debug_off_start_up_fails_clearly():
    result = run_python("import django; django.setup()", {"DEBUG": "0"})
    assert result.returncode != 0
    assert "django.core.exceptions.ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr
    # The same with DEBUG unset: off is the default.
    result = run_python("import django; django.setup()", {})
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr
    # With DEBUG on, a development key is used.
    result = run_python(
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.SECRET_KEY)",
        {"DEBUG": "1"},
    )
    assert result.returncode == 0, result.stderr
    assert "insecure-development-key" in result.stdout


def test_deploy_check_passes_with_production_settings():
    env = {**PRODUCTION_ENV, "SECRET_KEY": random_secret_key()}
    result = run_python(
        """
        import sys
        from django.core.management import execute_from_command_line
        execute_from_command_line(
            ["manage.py", "check", "--deploy", "--fail-level", "WARNING"]
        )
        """,
        env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_deploy_check_fails_with_a_weak_key():
    # The check really checks: a short key is a warning, and warnings fail the deployment.
    env = {**PRODUCTION_ENV, "SECRET_KEY": "too-short"}
    result = run_python(
        """
        from django.core.management import execute_from_command_line
        execute_from_command_line(
            ["manage.py", "check", "--deploy", "--fail-level", "WARNING"]
        )
        """,
        env,
    )
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


SHOW_SETTINGS = """
import json
import django
django.setup()
from django.conf import settings as s
names = [
    "DEBUG", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD", "SECURE_CONTENT_TYPE_NOSNIFF", "X_FRAME_OPTIONS",
    "SECURE_REDIRECT_EXEMPT", "SESSION_ENGINE", "AUTHENTICATION_BACKENDS",
]
values = {name: getattr(s, name) for name in names}
values["CACHE_BACKEND"] = s.CACHES["default"]["BACKEND"]
values["DB_OPTIONS"] = s.DATABASES["default"].get("OPTIONS", {})
values["STORAGE"] = s.STORAGES["staticfiles"]["BACKEND"]
print(json.dumps(values))
"""


def test_production_settings_from_the_environment():
    env = {
        **PRODUCTION_ENV,
        "SECRET_KEY": random_secret_key(),
        "ALLOWED_HOSTS": "planner.example.com, www.planner.example.com",
        "CSRF_TRUSTED_ORIGINS": "https://planner.example.com,https://www.planner.example.com",
        "DATABASE_URL": "postgres://planner:secret@db.internal:5432/planner",
    }
    result = run_python(SHOW_SETTINGS, env)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["DEBUG"] is False
    assert values["ALLOWED_HOSTS"] == ["planner.example.com", "www.planner.example.com"]
    assert values["CSRF_TRUSTED_ORIGINS"] == [
        "https://planner.example.com",
        "https://www.planner.example.com",
    ]
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_HSTS_PRELOAD"] is True
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SECURE_REDIRECT_EXEMPT"] == ["^healthz$"]
    assert values["STORAGE"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    # PostgreSQL gives up connecting after a few seconds instead of hanging a worker, and the
    # server cancels what runs or waits too long (tests/test_db_timeouts.py: the profiles).
    assert values["DB_OPTIONS"] == {
        "options": "-c statement_timeout=5000 -c lock_timeout=3000",
        "connect_timeout": 3,
        "keepalives": 1,
        "keepalives_idle": 10,
        "keepalives_interval": 5,
        "keepalives_count": 3,
        "tcp_user_timeout": 10000,
    }
    # Without REDIS_URL: the local-memory cache and sessions in the database.
    assert values["CACHE_BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
    assert values["AUTHENTICATION_BACKENDS"][0] == "axes.backends.AxesStandaloneBackend"


def test_development_settings_do_not_force_https():
    result = run_python(SHOW_SETTINGS, {"DEBUG": "1"})
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    # SQLite: no connect timeout to set; the web server and the worker share the file.
    assert values["DB_OPTIONS"] == {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory):
    """collectstatic into a temporary STATIC_ROOT, as a production deployment does."""
    static_root = tmp_path_factory.mktemp("static")
    result = run_python(
        """
        from django.core.management import execute_from_command_line
        execute_from_command_line(["manage.py", "collectstatic", "--noinput", "-v0"])
        """,
        {**PRODUCTION_ENV, "SECRET_KEY": random_secret_key(), "STATIC_ROOT": str(static_root)},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return static_root


def test_https_behind_the_proxy_with_production_settings(collected_static, tmp_path):
    """Requests through django.test.Client in a process started with production settings."""
    env = {
        **PRODUCTION_ENV,
        "SECRET_KEY": random_secret_key(),
        "STATIC_ROOT": str(collected_static),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    code = """
    import json
    import django
    django.setup()
    from django.test import Client
    c = Client(HTTP_HOST="planner.example.com")
    out = {}
    r = c.get("/accounts/login/")
    out["http"] = [r.status_code, r.headers.get("Location")]
    r = c.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    out["https"] = [r.status_code, r.headers.get("Strict-Transport-Security"),
                    r.headers.get("Content-Security-Policy")]
    cookie = r.cookies["csrftoken"]
    out["csrf_cookie"] = [cookie["secure"], cookie["samesite"]]
    r = c.get("/healthz")
    out["healthz_http"] = r.status_code
    r = Client(HTTP_HOST="evil.example.com").get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    out["other_host"] = r.status_code
    r = Client(HTTP_HOST="planner.example.com", enforce_csrf_checks=True).post(
        "/accounts/login/", {"login": "x", "password": "y"}, HTTP_X_FORWARDED_PROTO="https"
    )
    out["post_without_csrf"] = r.status_code
    print(json.dumps(out))
    """
    result = run_python(code, env)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["http"] == [301, "https://planner.example.com/accounts/login/"]
    status, hsts, csp = out["https"]
    assert status == 200
    assert hsts == "max-age=31536000; includeSubDomains; preload"
    assert "script-src 'self'" in csp
    assert out["csrf_cookie"][0] is True
    assert out["healthz_http"] == 200  # load balancers probe over plain HTTP: no redirect
    assert out["other_host"] == 400  # not in ALLOWED_HOSTS
    assert out["post_without_csrf"] == 403


# Redis: cache and sessions.

REDIS_TEST_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_server():
    """The Redis on 127.0.0.1:6379 (database 15, emptied before and after). Skips when it is
    down on a workstation; on CI (the CI variable is set) that is a failure."""
    import redis

    client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:
        message = f"Redis is not reachable on 127.0.0.1:6379 ({error})"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; it must be on CI.", pytrace=False)
        pytest.skip(message)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


def test_redis_cache_and_sessions(redis_server, tmp_path):
    env = {
        "DJANGO_SETTINGS_MODULE": "planner.test_settings",
        "REDIS_URL": REDIS_TEST_URL,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    code = """
    import json
    import django
    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    out = {"backend": settings.CACHES["default"]["BACKEND"], "engine": settings.SESSION_ENGINE}
    cache.set("answer", {"value": 42}, 60)
    out["cache_get"] = cache.get("answer")

    user = get_user_model().objects.create_user(
        "redis-user", "redis-user@example.com", password="a-long-test-pass-42"
    )
    user.emailaddress_set.create(email=user.email, verified=True, primary=True)
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": "redis-user", "password": "a-long-test-pass-42"}
    )
    out["login"] = [response.status_code, response.headers.get("Location")]
    out["home"] = client.get("/businesses/new/").status_code
    out["session_in_db"] = Session.objects.count()
    print(json.dumps(out))
    """
    result = run_python(code, env, timeout=120)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["backend"] == "django.core.cache.backends.redis.RedisCache"
    assert out["engine"] == "django.contrib.sessions.backends.cached_db"
    assert out["cache_get"] == {"value": 42}
    assert out["login"] == [302, "/"]
    assert out["home"] == 200  # the session works: a logged-in page
    assert out["session_in_db"] == 1  # cached_db: written through to the database
    keys = [key.decode() for key in redis_server.keys("*")]
    assert any(key.startswith("planner:") and key.endswith(":answer") for key in keys), keys
    assert any("django.contrib.sessions.cached_db" in key for key in keys), keys


def test_a_redis_restart_logs_nobody_out(redis_server, tmp_path):
    """cached_db keeps sessions in the database too: emptying Redis loses no session."""
    env = {
        "DJANGO_SETTINGS_MODULE": "planner.test_settings",
        "REDIS_URL": REDIS_TEST_URL,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    code = """
    import json
    import django
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_user(
        "redis-user", "redis-user@example.com", password="a-long-test-pass-42"
    )
    user.emailaddress_set.create(email=user.email, verified=True, primary=True)
    client = Client()
    client.force_login(user)
    before = client.get("/businesses/new/").status_code
    cache.clear()  # what a Redis restart without persistence does
    after = client.get("/businesses/new/").status_code
    print(json.dumps([before, after]))
    """
    result = run_python(code, env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [200, 200]


def test_redis_url_that_does_not_answer_fails_fast():
    """A Redis that cannot be reached costs seconds, not a hung worker: the timeouts are set."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens there once closed
    code = """
    import json, time
    import django
    django.setup()
    from django.core.cache import cache
    start = time.monotonic()
    try:
        cache.get("x")
        outcome = "answered"
    except Exception as error:
        outcome = type(error).__module__ + "." + type(error).__name__
    print(json.dumps([outcome, time.monotonic() - start]))
    """
    result = run_python(
        code, {"DEBUG": "1", "REDIS_URL": f"redis://127.0.0.1:{port}/0"}, timeout=60
    )
    assert result.returncode == 0, result.stderr
    outcome, seconds = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome == "redis.exceptions.ConnectionError"
    assert seconds < 10
