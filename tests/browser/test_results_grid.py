"""The results grid in a browser: a block copied from a spreadsheet, pasted into a cell, fills
the grid from there; saving writes every day at once."""

import datetime

import pytest
from playwright.sync_api import expect

from planner.models import ResultEntry, Role
from tests.browser.test_walkthrough import log_in
from tests.factories import PASSWORD, MembershipFactory, PlatformFactory, SmmTaskFactory

pytestmark = pytest.mark.browser

PASTE = """
(text => {
  const cell = document.querySelector('input[name="2026-11-02-impressions"]');
  const data = new DataTransfer();
  data.setData("text/plain", text);
  const init = {clipboardData: data, bubbles: true, cancelable: true};
  cell.dispatchEvent(new ClipboardEvent("paste", init));
})
"""


def test_paste_a_block_and_save(page, transactional_db, artifacts_dir):
    editor = MembershipFactory(role=Role.EDITOR, user__username="paster").user
    business = editor.memberships.get().business
    platform = PlatformFactory(business=business, kind="facebook", handle="acme")
    ad = SmmTaskFactory(business=business, platform=platform, title="Pasted ad")
    problems = []
    page.on("console", lambda message: problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    log_in(page, "paster", PASSWORD)
    page.goto(f"/b/{business.pk}/smm/{ad.pk}/")
    page.get_by_test_id("open-results-grid").click()
    page.wait_for_url("**/results/grid/")
    page.wait_for_load_state("load")  # the grid's script has run
    # Impressions, reach, engagements, clicks: two days, and a third column too many on day 2.
    block = "1,200\t800\t40\t30\n900\t600\t20\t15\t\t\t\t\t99\n"
    scripts = page.evaluate("Array.from(document.scripts).map(s => s.src)")
    assert any(src.endswith("results_grid.js") for src in scripts), scripts
    page.evaluate(PASTE, block)
    assert not problems, problems
    expect(page.locator('input[name="2026-11-02-impressions"]')).to_have_value("1200")
    expect(page.locator('input[name="2026-11-03-clicks"]')).to_have_value("15")
    expect(page.locator("#grid-paste-note")).to_contain_text("did not fit")
    page.locator('input[name="2026-11-02-spend"]').fill("12.50")
    page.screenshot(path=str(artifacts_dir / "results-grid.png"), full_page=True)
    page.get_by_test_id("grid-save").click()
    expect(page.get_by_text("Saved 2 day(s) of results")).to_be_visible()
    days = {row.date: row for row in ResultEntry.objects.filter(task=ad)}
    assert days[datetime.date(2026, 11, 2)].impressions == 1200
    assert days[datetime.date(2026, 11, 3)].clicks == 15
