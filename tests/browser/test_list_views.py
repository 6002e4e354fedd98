"""The ad list in a browser: sort by a header (and back), filter, save the view under a name,
and open it again from the list; at 390 px the list scrolls inside its own region only."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from planner.models import Role
from tests.browser.test_walkthrough import log_in
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    PlatformFactory,
    ResultEntryFactory,
    SmmTaskFactory,
)

pytestmark = pytest.mark.browser


def test_sort_filter_save_and_open_a_view(page, transactional_db, artifacts_dir):
    viewer = MembershipFactory(role=Role.VIEWER, user__username="looker").user
    business = viewer.memberships.get().business
    platform = PlatformFactory(business=business, kind="facebook", handle="acme")
    for title, spend, status in (("Cheap", "5", "active"), ("Dear", "90", "active"),
                                 ("Middling", "40", "paused")):  # fmt: skip
        ad = SmmTaskFactory(business=business, platform=platform, title=title, status=status)
        ResultEntryFactory(task=ad, date=datetime.date(2026, 11, 5), impressions=1000,
                           reach=500, clicks=10, spend=Decimal(spend))  # fmt: skip
    log_in(page, "looker", PASSWORD)
    page.goto(f"/b/{business.pk}/smm/")
    titles = page.locator("td.ad-name > a")
    page.get_by_test_id("sort-spend").click()  # a figure: high to low first
    expect(titles).to_have_text(["Dear", "Middling", "Cheap"])
    expect(page.locator("th[aria-sort=descending]")).to_contain_text("Spend")
    page.get_by_test_id("sort-spend").click()
    expect(titles).to_have_text(["Cheap", "Middling", "Dear"])
    page.get_by_label("Status").select_option("active")
    page.get_by_role("button", name="Filter").click()
    expect(titles).to_have_text(["Cheap", "Dear"])  # the sort stayed
    expect(page.get_by_test_id("total-spend")).to_have_text("$95.00")
    page.get_by_label("Name of the view to save").fill("Active, cheapest first")
    page.get_by_test_id("save-view").click()
    expect(page.get_by_text("Saved the view")).to_be_visible()
    page.goto(f"/b/{business.pk}/smm/")
    expect(titles).to_have_count(3)
    page.get_by_role("link", name="Active, cheapest first").click()
    expect(titles).to_have_text(["Cheap", "Dear"])
    expect(page.get_by_role("link", name="Active, cheapest first")).to_have_attribute(
        "aria-current", "true"
    )
    page.screenshot(path=str(artifacts_dir / "ad-list-view.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 800})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(artifacts_dir / "ad-list-390.png"), full_page=True)
