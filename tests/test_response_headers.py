"""Cache-Control and Permissions-Policy (planner.middleware.ResponseHeadersMiddleware).

Every page and download the app makes is `Cache-Control: private, no-store` (the business's data
must not stay in a browser's or a proxy's cache), the anonymous pages included (decided so: the
login page carries a CSRF token); responses that say how they may be cached keep it (static
files, the iCalendar feed, the 503 page). Every response carries a Permissions-Policy that turns
off the browser features the planner never uses.
"""

import io
import json
import os
import secrets
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from planner.middleware import PERMISSIONS_POLICY
from tests.factories import SmoTaskFactory

BASE_DIR = Path(__file__).resolve().parent.parent
NO_STORE = "private, no-store"
FEATURES_OFF = (
    "camera",
    "microphone",
    "geolocation",
    "payment",
    "usb",
    "serial",
    "hid",
    "interest-cohort",
    "browsing-topics",
)


def assert_permissions_policy(response):
    policy = response.headers["Permissions-Policy"]
    directives = dict(part.strip().split("=", 1) for part in policy.split(","))
    for feature in FEATURES_OFF:
        assert directives[feature] == "()", feature
    # The copy buttons (static/js/copy.js) write to the clipboard: not turned off.
    assert "clipboard-write" not in directives


def assert_private(response):
    assert response.headers["Cache-Control"] == NO_STORE
    assert_permissions_policy(response)


def test_the_policy_is_well_formed():
    for part in PERMISSIONS_POLICY.split(", "):
        feature, allowlist = part.split("=")
        assert feature.isascii() and feature == feature.lower() and allowlist == "()"


def test_an_authenticated_page(client_for, owner, business):
    response = client_for(owner).get(reverse("dashboard", args=[business.pk]))
    assert response.status_code == 200
    assert_private(response)
    assert "Cookie" in response.headers["Vary"]  # as before


def test_an_authenticated_csv_download(client_for, owner, business):
    response = client_for(owner).get(reverse("dashboard_csv", args=[business.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert_private(response)


def test_the_business_json_download(client_for, owner, business):
    response = client_for(owner).get(reverse("business_export", args=[business.pk]))
    assert response.status_code == 200
    assert_private(response)


def test_a_post_image_download(client_for, viewer, business, platform, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="PNG")
    task = SmoTaskFactory(business=business, platform=platform)
    task.image.save("photo.png", ContentFile(buffer.getvalue()), save=True)
    response = client_for(viewer).get(reverse("task_image", args=[business.pk, task.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert_private(response)


def test_the_anonymous_login_page_is_not_stored_either(client, db):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    assert "csrfmiddlewaretoken" in response.content.decode()
    # Django's never_cache already says more than no-store; it is kept, no-store included.
    directives = {part.strip() for part in response.headers["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives
    assert_permissions_policy(response)


def test_a_404_page(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_private(response)


def test_responses_that_say_how_to_cache_keep_it(client, business):
    business.ical_token = "feed-token-for-the-test-0123456789"
    business.save(update_fields=["ical_token"])
    response = client.get(reverse("ical_feed", args=[business.ical_token]))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, max-age=300"  # for calendar apps
    assert_permissions_policy(response)


def test_the_https_redirect_carries_the_policy_too(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get(reverse("account_login"))
    assert response.status_code == 301
    assert_permissions_policy(response)


def test_a_static_file_keeps_its_caching(client, db, settings):
    settings.WHITENOISE_USE_FINDERS = True  # static/ itself, as in development
    response = client.get("/static/css/planner.css")
    assert response.status_code == 200
    cache_control = response.headers["Cache-Control"]
    assert "public" in cache_control and "no-store" not in cache_control
    assert_permissions_policy(response)


def test_static_files_keep_their_long_caching_in_production(tmp_path):
    """collectstatic's hashed files, served by whitenoise with production settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECURE_", "REDIS_", "DB_")) and key != "DEBUG"
    }
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="planner.example.com",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_SETTINGS_MODULE="planner.settings",
    )
    code = """
    import json
    import django
    django.setup()
    from django.core.management import call_command
    from django.templatetags.static import static
    from django.test import Client
    call_command("collectstatic", "--noinput", "-v0")
    client = Client(HTTP_HOST="planner.example.com", HTTP_X_FORWARDED_PROTO="https")
    out = {}
    for name, url in (("hashed", static("css/planner.css")), ("login", "/accounts/login/")):
        response = client.get(url)
        out[name] = [url, response.status_code, response.headers.get("Cache-Control"),
                     response.headers.get("Permissions-Policy")]
    print(json.dumps(out))
    """
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    url, status, cache_control, policy = out["hashed"]
    assert url != "/static/css/planner.css"  # the hashed name
    assert status == 200
    assert cache_control == "max-age=315360000, public, immutable"
    assert policy == PERMISSIONS_POLICY
    _url, status, cache_control, policy = out["login"]
    assert status == 200 and "no-store" in cache_control and policy == PERMISSIONS_POLICY


@pytest.mark.urls("tests.test_errors")
def test_the_503_page_keeps_its_no_store(client, db, settings):
    settings.DEBUG = False
    client.raise_request_exception = False
    response = client.get("/test-errors/operational/")
    assert response.status_code == 503
    assert response.headers["Cache-Control"] == "no-store"
    assert_permissions_policy(response)
