"""Drag a post to another day of the month calendar, then undo the move; the keyboard "Move"
stays beside it."""

import datetime
import zoneinfo

import pytest
from playwright.sync_api import expect

from planner.models import Role, Task
from tests.browser.test_walkthrough import log_in
from tests.factories import PASSWORD, MembershipFactory, PlatformFactory, SmoTaskFactory

pytestmark = pytest.mark.browser
MOMENT = datetime.datetime(2026, 12, 9, 9, 30, tzinfo=datetime.UTC)


def test_drag_a_post_to_another_day_and_undo(page, transactional_db, artifacts_dir):
    editor = MembershipFactory(role=Role.EDITOR, user__username="planner").user
    business = editor.memberships.get().business
    platform = PlatformFactory(business=business, kind="facebook", handle="acme")
    post = SmoTaskFactory(business=business, platform=platform, title="Roast day",
                          scheduled_at=MOMENT, status="scheduled")  # fmt: skip
    local = post.scheduled_at.astimezone(zoneinfo.ZoneInfo(business.time_zone)).strftime("%H:%M")
    log_in(page, "planner", PASSWORD)
    page.goto(f"/b/{business.pk}/calendar/?date=2026-12-01")
    item = page.get_by_test_id("calendar-post").filter(has_text="Roast day")
    expect(item).to_have_attribute("draggable", "true")
    target = page.locator('.cal-day[data-date="2026-12-16"] .cal-day-body')
    item.drag_to(target)
    expect(page.get_by_text("“Roast day” moved to Wed 16 Dec 2026")).to_be_visible()
    moved = Task.objects.get(pk=post.pk)
    assert moved.scheduled_at - post.scheduled_at == datetime.timedelta(days=7)
    day = page.locator('.cal-day[data-date="2026-12-16"]')
    expect(day.get_by_test_id("calendar-post")).to_contain_text(local)
    page.screenshot(path=str(artifacts_dir / "calendar-dragged.png"), full_page=True)
    page.get_by_test_id("undo-move").get_by_role("button").click()
    expect(page.get_by_text("“Roast day” moved back to")).to_be_visible()
    assert Task.objects.get(pk=post.pk).scheduled_at == post.scheduled_at
    expect(page.get_by_test_id("undo-move")).to_have_count(0)
