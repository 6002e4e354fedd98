"""The bulk bar in a browser: tick two posts and change their status; then filter the list,
take every post that matches and delete them after the confirmation page; at 390 px the bar
fits the window."""

import datetime

import pytest
from playwright.sync_api import expect

from planner.models import Role, Task
from tests.browser.test_walkthrough import log_in
from tests.factories import PASSWORD, MembershipFactory, PlatformFactory, SmoTaskFactory

pytestmark = pytest.mark.browser
MOMENT = datetime.datetime(2026, 11, 20, 9, tzinfo=datetime.UTC)


def test_tick_some_then_take_every_match(page, transactional_db, artifacts_dir):
    editor = MembershipFactory(role=Role.EDITOR, user__username="planner").user
    business = editor.memberships.get().business
    platform = PlatformFactory(business=business, kind="linkedin", handle="acme")
    for n in range(3):
        SmoTaskFactory(business=business, platform=platform, title=f"Draft {n}",
                       scheduled_at=MOMENT)  # fmt: skip
    for n in range(4):
        SmoTaskFactory(business=business, platform=platform, title=f"Idea {n}", status="idea")
    log_in(page, "planner", PASSWORD)
    page.goto(f"/b/{business.pk}/smo/")
    page.get_by_label("Select Draft 0").check()
    page.get_by_label("Select Draft 1").check()
    page.get_by_test_id("bulk-bar").locator("summary").click()
    page.get_by_label("Action").select_option("status")
    page.get_by_label("New status").select_option("scheduled")
    page.get_by_test_id("bulk-apply").click()
    expect(page.get_by_text("Changed 2 posts.")).to_be_visible()
    assert Task.objects.filter(status="scheduled").count() == 2

    page.get_by_label("Status", exact=True).select_option("idea")
    page.get_by_role("button", name="Filter").click()
    page.get_by_test_id("bulk-bar").locator("summary").click()
    page.get_by_label("all 4 that match the filters").check()
    page.get_by_label("Action").select_option("delete")
    page.screenshot(path=str(artifacts_dir / "bulk-bar-1280.png"), full_page=True)
    page.get_by_test_id("bulk-apply").click()
    expect(page.get_by_role("heading", name="Delete 4 posts?")).to_be_visible()
    page.get_by_role("button", name="Delete them").click()
    expect(page.get_by_text("Deleted 4 posts.")).to_be_visible()
    assert not Task.objects.filter(status="idea").exists()
    assert Task.objects.count() == 3

    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"/b/{business.pk}/smo/")
    page.get_by_test_id("bulk-bar").locator("summary").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(artifacts_dir / "bulk-bar-390.png"), full_page=True)
