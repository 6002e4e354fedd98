"""Browser test: the owners' jobs page and a job's progress page, at 1280 px and on a phone."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from planner.models import Role
from tests.browser.test_walkthrough import log_in
from tests.factories import PASSWORD, MembershipFactory
from tests.url_walk import make_job

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_jobs_page_fits_a_phone_and_a_running_job_shows_its_bar(
    page: Page, artifacts_dir: Path
) -> None:
    owner = MembershipFactory(user__username="olga", role=Role.OWNER).user
    business = owner.memberships.get().business
    now = timezone.now()
    make_job(
        business,
        owner,
        label="Import of meta-ads-manager-daily-report-november-2026.csv",
        status="failed",
        error="The report has 5 row(s) with errors; nothing was imported. Fix them in the file "
        "and upload it again.",
        started_at=now - datetime.timedelta(seconds=3),
        finished_at=now,
    )
    running = make_job(
        business,
        owner,
        label="Import of big.csv",
        status="running",
        phase="Checking and staging rows",
        done=40_000,
        total=100_000,
        started_at=now,
        heartbeat_at=now,
    )
    log_in(page, "olga", PASSWORD)
    page.goto(f"/b/{business.pk}/jobs/")
    expect(page.get_by_test_id("job-row")).to_have_count(2)
    page.screenshot(path=artifacts_dir / "jobs-1280.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.goto(f"/b/{business.pk}/jobs/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=artifacts_dir / "jobs-390.png", full_page=True)

    page.goto(f"/b/{business.pk}/jobs/{running.pk}/")
    expect(page.get_by_test_id("job-count")).to_have_text("40,000 of 100,000")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=artifacts_dir / "job-running-390.png", full_page=True)
    # htmx polls: the page follows the job without a reload.
    running.done, running.heartbeat_at = 90_000, timezone.now()
    running.save()
    expect(page.get_by_test_id("job-count")).to_have_text("90,000 of 100,000", timeout=5_000)
    running.status, running.result = "succeeded", {"message": "Ad report imported: 1 day(s)."}
    running.save()
    expect(page.get_by_test_id("job-result")).to_have_text("Ad report imported: 1 day(s).")
