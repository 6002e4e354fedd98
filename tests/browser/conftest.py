"""Browser fixtures: Playwright (sync API) driving Debian's Chromium against `live_server`.

Playwright cannot download its own browsers here, so the system Chromium is used. Without it the
browser tests skip on a workstation but fail on CI (the CI variable is set), so a CI image that
lost its browser cannot pass silently.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a
# thread with a running loop unless told it is safe (it is: the test is the only user).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 900}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        reason = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; browser tests must run on CI.", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser tab (own cookies) at a 1280px-wide viewport, pointed at the live server."""
    # Reduced motion turns off Bootstrap's transitions, so screenshots never catch a fading
    # focus ring and assertions never race an animation.
    context = browser.new_context(
        viewport=VIEWPORT, base_url=live_server.url, reduced_motion="reduce"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors in the page: {errors}"


@pytest.fixture
def artifacts_dir():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def start_worker(live_server):
    """Start a real `manage.py worker` process on the test database; stopped after the test."""
    from django.db import connection

    settings_dict = connection.settings_dict
    if settings_dict["ENGINE"].endswith("sqlite3"):
        url = f"sqlite:///{settings_dict['NAME']}"
    else:
        url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + settings_dict["NAME"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "planner.settings",
        "DEBUG": "1",
        "DATABASE_URL": url,
        "TASKS_BACKEND": "db",
        "JOBS_HEARTBEAT_SECONDS": "1",
        "DB_TIMEOUT_PROFILE": "worker",
    }
    started = []

    def start():
        process = subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--interval", "0.2"],
            cwd=Path(__file__).resolve().parents[2],
            env=env,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        process.terminate()
        process.wait(timeout=30)
