"""A recurring post in a browser: a weekly post on two weekdays made from the new-post form's
Repeat, then one of its posts skipped (the others stay)."""

import pytest
from playwright.sync_api import expect

from planner.compose.models import PostSeries
from planner.models import Role, Task
from tests.browser.test_walkthrough import log_in
from tests.factories import PASSWORD, MembershipFactory, PlatformFactory

pytestmark = pytest.mark.browser


def test_a_weekly_recurring_post_then_skip_one(page, transactional_db, artifacts_dir):
    editor = MembershipFactory(role=Role.EDITOR, user__username="writer").user
    business = editor.memberships.get().business
    platform = PlatformFactory(business=business, kind="linkedin", handle="acme")
    log_in(page, "writer", PASSWORD)
    page.goto(f"/b/{business.pk}/smo/new/")
    page.get_by_label("Platform").select_option(str(platform.pk))
    page.get_by_label("Title").fill("Weekly roast")
    page.get_by_label("Post text").fill("This week we roast Ethiopian beans.")
    page.get_by_label("Scheduled publish time").fill("2027-01-04T09:00")  # a Monday
    page.get_by_test_id("repeat").locator("summary").click()
    page.get_by_label("Repeat", exact=True).select_option("week")
    page.get_by_label("Mon").check()
    page.get_by_label("Thu").check()
    page.get_by_label("Number of posts", exact=True).fill("6")
    page.screenshot(path=str(artifacts_dir / "series-new.png"), full_page=True)
    page.locator("form[enctype]").get_by_role("button", name="Save").click()
    expect(page.get_by_text("Recurring post created: 6 posts.")).to_be_visible()
    expect(page.get_by_test_id("series-note")).to_contain_text("Every week on Monday, Thursday")
    assert Task.objects.filter(series__isnull=False).count() == 6

    second = Task.objects.order_by("scheduled_at")[1]
    page.goto(f"/b/{business.pk}/smo/{second.pk}/")
    page.get_by_test_id("skip").click()
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_text("was deleted")).to_be_visible()
    assert not Task.objects.filter(pk=second.pk).exists()
    assert Task.objects.count() == 5 and PostSeries.objects.get().skipped == 1
