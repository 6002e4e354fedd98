"""Drag a post to another day of the month calendar, then undo the move; the keyboard "Move"
stays beside it."""

import datetime
import zoneinfo

import pytest
from playwright.sync_api import expect

from planner.models import Role, Task
from tests.browser.test_walkthrough import log_in
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    PlatformFactory,
    SmmTaskFactory,
    SmoTaskFactory,
)

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


def test_drag_an_ad_flight_to_start_on_another_day(page, transactional_db):
    editor = MembershipFactory(role=Role.EDITOR, user__username="buyer").user
    business = editor.memberships.get().business
    platform = PlatformFactory(business=business, kind="linkedin", handle="acme")
    ad = SmmTaskFactory(business=business, platform=platform, title="Winter ad",
                        flight_start=datetime.date(2026, 12, 1),
                        flight_end=datetime.date(2026, 12, 4))  # fmt: skip
    log_in(page, "buyer", PASSWORD)
    page.goto(f"/b/{business.pk}/calendar/?date=2026-12-01")
    bar = page.get_by_test_id("calendar-bar").filter(has_text="Winter ad")
    bar.drag_to(page.locator('.cal-day[data-date="2026-12-15"] .cal-day-body'))
    expect(page.get_by_text("“Winter ad”: flight moved to Tue 15 Dec 2026.")).to_be_visible()
    moved = Task.objects.get(pk=ad.pk)
    assert (moved.flight_start, moved.flight_end) == (datetime.date(2026, 12, 15),
                                                      datetime.date(2026, 12, 18))  # fmt: skip
    page.get_by_test_id("undo-move").get_by_role("button").click()
    expect(page.get_by_text("“Winter ad”: flight moved back to Tue 1 Dec 2026.")).to_be_visible()
    assert Task.objects.get(pk=ad.pk).flight_start == datetime.date(2026, 12, 1)
