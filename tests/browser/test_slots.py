"""Posting slots in a browser: add weekly slots on their page, then "Next free slot" on the
post form fills the publish time with the first one that no post of the platform takes."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from planner.models import Role
from tests.browser.test_walkthrough import log_in
from tests.factories import PASSWORD, MembershipFactory, PlatformFactory

pytestmark = pytest.mark.browser


def test_add_slots_then_take_the_next_free_one(page, transactional_db, artifacts_dir):
    editor = MembershipFactory(role=Role.EDITOR, user__username="writer").user
    business = editor.memberships.get().business
    business.time_zone = "Europe/Berlin"
    business.save()
    platform = PlatformFactory(business=business, kind="linkedin", handle="acme")
    log_in(page, "writer", PASSWORD)
    page.goto(f"/b/{business.pk}/slots/")
    page.get_by_label("Platform").select_option(str(platform.pk))
    tomorrow = timezone.now().astimezone(zoneinfo.ZoneInfo("Europe/Berlin")).date()
    tomorrow += datetime.timedelta(days=1)
    page.get_by_label(tomorrow.strftime("%a")).check()
    page.get_by_label("Time").fill("09:30")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_text("Added 1 slot(s).")).to_be_visible()
    expect(page.get_by_test_id(f"slots-{platform.pk}")).to_contain_text(f"{tomorrow:%A} 09:30")
    page.goto(f"/b/{business.pk}/smo/new/")
    page.get_by_label("Platform").select_option(str(platform.pk))
    page.get_by_role("button", name="Next free slot").click()
    expect(page.get_by_label("Scheduled publish time")).to_have_value(
        f"{tomorrow.isoformat()}T09:30"
    )
    page.screenshot(path=str(artifacts_dir / "next-free-slot.png"), full_page=True)
