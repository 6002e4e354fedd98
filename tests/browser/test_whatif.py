"""The what-if planner in a browser: move paid spend with a slider and money between the
sides with the helper, watch the projection follow, save the scenario, compare it with its
baseline and make it the campaign's budget."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from planner.models import Campaign, Role
from tests.browser.test_walkthrough import log_in
from tests.factories import (
    PASSWORD,
    CampaignFactory,
    MembershipFactory,
    PlatformFactory,
    ResultEntryFactory,
    SmmTaskFactory,
    SmoTaskFactory,
    TimeEntryFactory,
)

pytestmark = pytest.mark.browser


def _history(business, owner):
    """13 weeks of a Facebook ad and posts, on curves with diminishing returns."""
    fb = PlatformFactory(business=business, kind="facebook", handle="acme")
    ad = SmmTaskFactory(business=business, platform=fb)
    post = SmoTaskFactory(business=business, platform=fb)
    today = timezone.localdate()
    for week in range(13):
        day = today - datetime.timedelta(days=7 * week + 1)
        spend = 100 + 40 * (week % 5)
        ResultEntryFactory(task=ad, date=day, spend=Decimal(spend), clicks=int(12 * spend**0.7))
        hours = Decimal(1 + week % 4)
        TimeEntryFactory(task=post, user=owner, date=day, hours=hours)
        ResultEntryFactory(task=post, date=day, clicks=int(30 * float(hours) ** 0.5))
    return fb


def test_build_save_compare_and_apply_a_scenario(page, transactional_db, artifacts_dir):
    owner = MembershipFactory(role=Role.OWNER, user__username="planner").user
    business = owner.memberships.get().business
    business.hourly_rate = Decimal("50")
    business.save()
    fb = _history(business, owner)
    today = timezone.localdate()
    campaign = CampaignFactory(
        business=business,
        name="Spring push",
        start_date=today,
        end_date=today + datetime.timedelta(days=120),
        budget=Decimal("500"),
    )
    log_in(page, "planner", PASSWORD)
    page.goto(f"/b/{business.pk}/insights/what-if/")
    paid = page.locator(f"#id_in_smm_{fb.pk}")
    baseline_spend = float(paid.input_value())
    expect(page.get_by_test_id("scenario-input-smm")).to_contain_text(f"${baseline_spend:,.2f}")

    # The slider moves the number, and the projection is redrawn from the server.
    page.get_by_label("Facebook @acme, slider").nth(1).fill("3000")
    expect(paid).to_have_value("3000")
    expect(page.get_by_test_id("scenario-input-smm")).to_have_text("$3,000.00")
    clicks_at_3000 = page.get_by_test_id("scenario-clicks-smm").inner_text()

    # Move 250 of organic hours' worth (5 hours at 50) to paid: cost stays the same.
    organic = page.locator(f"#id_in_smo_{fb.pk}")
    hours_before = float(organic.input_value())
    page.get_by_label("Move, in USD").fill("250")
    page.get_by_label("Direction").select_option("smo-smm")
    page.get_by_role("button", name="Move it").click()
    expect(paid).to_have_value("3250")
    assert float(organic.input_value()) == pytest.approx(hours_before - 5)
    expect(page.get_by_test_id("scenario-input-smm")).to_have_text("$3,250.00")
    assert page.get_by_test_id("scenario-clicks-smm").inner_text() != clicks_at_3000
    page.screenshot(path=str(artifacts_dir / "whatif-1280.png"), full_page=True)

    page.get_by_label("Save as").fill("Paid push")
    page.get_by_role("button", name="Save scenario").click()
    expect(page.get_by_text("Scenario “Paid push” saved.")).to_be_visible()
    sides = page.get_by_test_id("whatif-sides")
    expect(sides).to_contain_text("Baseline")
    expect(page.get_by_test_id("scenario-input-smm")).to_have_text("$3,250.00")
    expect(page.get_by_test_id("scenario-paid")).to_have_text("$3,250.00")

    page.set_viewport_size({"width": 390, "height": 900})
    page.screenshot(path=str(artifacts_dir / "scenario-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_label("Spring push").check()
    page.get_by_role("button", name="Apply to the ticked campaigns").click()
    expect(page.get_by_text("Budgets set from “Paid push”: Spring push 3250.00.")).to_be_visible()
    campaign.refresh_from_db()
    assert campaign.budget == Decimal("3250.00")
    assert Campaign.objects.get(pk=campaign.pk).version == 1
