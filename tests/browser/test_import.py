"""Browser test: an editor imports a Meta Ads Manager report and sees its spend on the dashboard.

The ORM only sets up the business and checks afterwards what was saved; the import itself goes
through real clicks, a real file chooser and real form submissions in Chromium.
"""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from planner.models import ImportMapping, ReportUpload, ResultEntry, Role
from tests.browser.test_walkthrough import field, log_in, nav
from tests.factories import PASSWORD, MembershipFactory, PlatformFactory, SmmTaskFactory

pytestmark = pytest.mark.browser

META_REPORT = Path(__file__).resolve().parents[1] / "samples" / "meta_daily.csv"


def test_editor_imports_a_meta_report(page: Page, artifacts_dir: Path, start_worker) -> None:
    membership = MembershipFactory(
        user__username="erin", role=Role.EDITOR, business__name="Acme Roasters"
    )
    business = membership.business
    platform = PlatformFactory(business=business, kind="facebook", handle="acmeroasters")
    gifts = SmmTaskFactory(business=business, platform=platform, title="Holiday gift boxes")
    espresso = SmmTaskFactory(business=business, platform=platform, title="Espresso launch")

    log_in(page, "erin", PASSWORD)
    nav(page, "SMM ads")
    page.get_by_role("link", name="Import ad report").click()
    expect(page.get_by_role("heading", name="Import an ad report")).to_be_visible()
    expect(page.locator("#id_file_helptext")).to_contain_text("at most 20 MB")

    # 1. Upload the file through the form's file chooser.
    field(page, "Report file (.csv)").set_input_files(META_REPORT)
    page.get_by_role("button", name="Upload and check").click()

    # 2. One campaign name matches no title: map it; the other was matched by its title.
    expect(page.get_by_role("heading", name="Which SMM ad campaign is each name?")).to_be_visible()
    expect(page.get_by_test_id("matched-by-title")).to_contain_text(
        "Holiday Gift Boxes → Holiday gift boxes"
    )
    field(page, "Espresso launch – café owners").select_option(
        label="Espresso launch (Facebook @acmeroasters)"
    )
    page.get_by_role("button", name="Continue to the preview").click()

    # 3. The preview: six days to add, no errors, the spend to be written.
    expect(page.get_by_role("heading", name="Check the import")).to_be_visible()
    expect(page.get_by_test_id("count-add")).to_have_text("6")
    expect(page.get_by_test_id("count-replace")).to_have_text("0")
    expect(page.get_by_test_id("count-errors")).to_have_text("0")
    expect(page.get_by_test_id("import-totals")).to_contain_text("$4,702.90")
    expect(page.get_by_test_id("add-rows")).to_contain_text("$1,545.00")
    confirm = page.get_by_role("button", name="Import 6 days of results")
    expect(confirm).to_be_enabled()
    assert not ResultEntry.objects.exists()  # nothing saved before the confirmation
    page.screenshot(path=artifacts_dir / "import-preview.png", full_page=True)

    # 4. Confirm: a background job; its page shows a progress bar that htmx keeps up to date.
    confirm.click()
    expect(page.get_by_role("heading", name="Import of meta_daily.csv")).to_be_visible()
    expect(page.get_by_test_id("job-bar")).to_be_visible()
    expect(page.get_by_test_id("job-phase")).to_have_text("Waiting for a worker")
    assert not ResultEntry.objects.exists()
    worker = start_worker()  # a real `manage.py worker` process on the test database
    expect(page.get_by_test_id("job-result")).to_contain_text(
        "Ad report imported: 6 day(s) added", timeout=30_000
    )
    expect(page.get_by_test_id("job-progress")).to_have_attribute("data-status", "succeeded")
    page.screenshot(path=artifacts_dir / "import-done.png", full_page=True)
    assert worker.poll() is None  # still serving
    page.get_by_role("link", name="See the spend on the dashboard").click()
    expect(page).to_have_url(re.compile(r"\?period=custom&start=2026-11-02&end=2026-11-04$"))
    expect(page.get_by_test_id("smm-cost")).to_have_text("$4,702.90")
    expect(page.get_by_test_id("paid-cpc")).to_have_text("$1.86")  # 4,702.90 ÷ 2,532 clicks

    # The same dashboard, asked for by hand with a custom period covering the report.
    page.goto(f"/b/{business.pk}/?period=custom&start=2026-11-01&end=2026-11-30")
    expect(page.get_by_test_id("smm-cost")).to_have_text("$4,702.90")

    assert sum(e.spend for e in ResultEntry.objects.filter(task=gifts)) == Decimal("4437.55")
    assert sum(e.spend for e in ResultEntry.objects.filter(task=espresso)) == Decimal("265.35")
    assert ImportMapping.objects.get(business=business).task == espresso
    assert not ReportUpload.objects.exists()


def test_a_screenshot_is_refused_next_to_the_file_field(page: Page, tmp_path: Path) -> None:
    membership = MembershipFactory(user__username="finn", role=Role.EDITOR)
    png = Path(__file__).resolve().parents[1] / "samples" / "screenshot.png"
    log_in(page, "finn", PASSWORD)
    page.goto(f"/b/{membership.business.pk}/smm/import/")
    field(page, "Report file (.csv)").set_input_files(png)
    page.get_by_role("button", name="Upload and check").click()
    feedback = page.locator("#error_1_id_file")
    expect(feedback).to_contain_text("This is a PNG image, not a CSV file.")
    assert not ReportUpload.objects.exists()
