"""Keyboard and screen-reader basics in a real browser: the skip link is the first Tab stop
and leads to the content; a form sent back with errors puts focus on a summary that links to
each field to fix."""

import pytest
from playwright.sync_api import expect

from planner.models import Role
from tests.browser.test_walkthrough import log_in
from tests.factories import PASSWORD, MembershipFactory, PlatformFactory

pytestmark = pytest.mark.browser


def test_skip_link_and_error_summary(page, transactional_db, artifacts_dir):
    editor = MembershipFactory(role=Role.EDITOR, user__username="keys").user
    business = editor.memberships.get().business
    PlatformFactory(business=business, kind="facebook", handle="acme")
    log_in(page, "keys", PASSWORD)

    page.goto(f"/b/{business.pk}/smo/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to the content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("#content")).to_be_focused()
    expect(page.locator('nav a[aria-current="true"]')).to_have_text("SMO posts")

    page.goto(f"/b/{business.pk}/smo/new/")
    page.get_by_label("Title").fill("")
    page.get_by_role("button", name="Save").click()
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("2 fields need attention")
    expect(summary.get_by_role("link")).to_have_text(["Platform", "Title"])
    summary.get_by_role("link").first.click()
    expect(page.locator(".is-invalid").first).to_be_focused()
    page.screenshot(path=str(artifacts_dir / "error-summary.png"), full_page=True)
