"""The content calendar in Chromium: an editor moves a post from the week view, and the week
(on a phone) and month views are captured for a look."""

import datetime
import re
import zoneinfo
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from planner.models import Role, Task
from tests.factories import (
    PASSWORD,
    BusinessFactory,
    CampaignFactory,
    MembershipFactory,
    PlatformFactory,
    SmmTaskFactory,
    SmoTaskFactory,
)

pytestmark = pytest.mark.browser

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def log_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label(re.compile(r"^\s*Username")).fill(username)
    page.get_by_label(re.compile(r"^\s*Password")).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name=f"Log out {username}")).to_be_visible()


@pytest.fixture
def plan(db):
    """A business in Paris with a week of posts and ads around today, and its editor."""
    business = BusinessFactory(name="Acme Roasters", time_zone="Europe/Paris")
    editor = MembershipFactory(business=business, role=Role.EDITOR, user__username="ed").user
    today = datetime.datetime.now(PARIS).date()
    monday = today - datetime.timedelta(days=today.weekday())
    platforms = {
        kind: PlatformFactory(business=business, kind=kind, handle=f"acme-{kind}")
        for kind in ("facebook", "x", "instagram", "linkedin")
    }
    launch = CampaignFactory(business=business, name="Winter launch")

    def day(n, hour=9, minute=0):
        date = monday + datetime.timedelta(days=n)
        return datetime.datetime.combine(date, datetime.time(hour, minute), tzinfo=PARIS)

    def post(title, platform, when, status="scheduled"):
        return SmoTaskFactory(
            business=business,
            platform=platforms[platform],
            campaign=launch,
            title=title,
            status=status,
            scheduled_at=when,
        )

    roast = post("Roast day", "facebook", day(0, 10))
    post("Behind the counter: meet our baristas", "instagram", day(0, 17, 30), "draft")
    post("Holiday opening hours", "x", day(2, 8, 15))
    post("Why single origin matters for small cafés", "linkedin", day(3, 12))
    post("Latte art contest", "instagram", day(5, 11), "idea")
    post("Gift cards are back", "facebook", day(9, 9))
    post("Year in beans", "linkedin", day(-6, 15), "published")
    SmmTaskFactory(
        business=business, platform=platforms["facebook"], campaign=launch, status="active",
        title="Winter blend: traffic", flight_start=monday - datetime.timedelta(days=3),
        flight_end=monday + datetime.timedelta(days=3),
    )  # fmt: skip
    SmmTaskFactory(
        business=business, platform=platforms["linkedin"], status="draft",
        title="B2B leads: office coffee", flight_start=monday + datetime.timedelta(days=2),
        flight_end=monday + datetime.timedelta(days=12),
    )  # fmt: skip
    return {"business": business, "editor": editor, "monday": monday, "roast": roast}


def calendar_url(business, view, date):
    return f"/b/{business.pk}/calendar/?view={view}&date={date.isoformat()}"


def test_editor_moves_a_post_from_the_week_view(page: Page, plan) -> None:
    business, monday, roast = plan["business"], plan["monday"], plan["roast"]
    thursday = monday + datetime.timedelta(days=3)
    log_in(page, "ed")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Calendar").click()
    expect(page.get_by_role("heading", name="Content calendar")).to_be_visible()
    page.get_by_role("link", name="Week", exact=True).click()
    expect(page).to_have_url(re.compile(r"view=week"))

    monday_cell = page.locator(f'[data-date="{monday.isoformat()}"]')
    item = monday_cell.get_by_test_id("calendar-post").filter(has_text="Roast day")
    expect(item).to_contain_text("10:00")
    expect(item.get_by_role("link", name=re.compile("Roast day"))).to_have_attribute(
        "href", f"/b/{business.pk}/smo/{roast.pk}/"
    )
    item.locator("summary").click()
    new_time = item.get_by_label("New publish time")
    expect(new_time).to_be_focused()  # static/js/calendar.js
    new_time.fill(f"{thursday.isoformat()}T14:15")
    item.get_by_role("button", name="Move", exact=True).click()

    expect(page.get_by_role("status")).to_have_text(
        f"“Roast day” moved to {thursday:%a %d %b %Y}, 14:15."
    )
    expect(page).to_have_url(re.compile(r"view=week"))  # back where the editor was
    moved = page.locator(f'[data-date="{thursday.isoformat()}"]').get_by_test_id("calendar-post")
    expect(moved.filter(has_text="Roast day")).to_contain_text("14:15")
    expect(monday_cell.get_by_test_id("calendar-post").filter(has_text="Roast day")).to_have_count(
        0
    )
    roast.refresh_from_db()
    assert roast.scheduled_at == datetime.datetime.combine(
        thursday, datetime.time(14, 15), tzinfo=PARIS
    )
    assert Task.objects.filter(title="Roast day").count() == 1


def test_week_on_a_phone_and_month_on_a_desktop(page: Page, plan, artifacts_dir: Path) -> None:
    business, monday = plan["business"], plan["monday"]
    log_in(page, "ed")

    page.set_viewport_size(PHONE)
    page.goto(calendar_url(business, "week", monday))
    days = page.get_by_test_id("calendar-day")
    expect(days).to_have_count(7)
    boxes = [days.nth(n).bounding_box() for n in range(7)]
    # Stacked: one under the other, each as wide as the screen allows.
    assert all(b["y"] >= a["y"] + a["height"] - 1 for a, b in zip(boxes, boxes[1:], strict=False))
    assert all(abs(box["x"] - boxes[0]["x"]) < 1 and box["width"] > 300 for box in boxes)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # The week's ads are listed once above its days (the bars are for wide screens).
    expect(page.get_by_test_id("calendar-bar").first).to_be_hidden()
    week_ads = page.get_by_test_id("week-ads").first
    expect(week_ads).to_be_visible()
    expect(week_ads.get_by_test_id("calendar-ad").first).to_contain_text("SMM")
    expect(week_ads).to_contain_text("Winter blend")
    expect(days.first.get_by_test_id("calendar-ad")).to_have_count(0)
    page.screenshot(path=artifacts_dir / "calendar-week-phone.png", full_page=True)

    page.set_viewport_size(DESKTOP)
    page.goto(calendar_url(business, "month", monday))
    days = page.get_by_test_id("calendar-day")
    heads = page.locator(".cal-day-head")
    first, second = heads.nth(0).bounding_box(), heads.nth(1).bounding_box()
    assert second["x"] > first["x"] and abs(second["y"] - first["y"]) < 1  # a grid of weeks
    bar = page.get_by_test_id("calendar-bar").filter(has_text="B2B leads").first
    expect(bar).to_be_visible()
    expect(bar).to_contain_text("SMM")
    today_heading = page.locator('[aria-current="date"]')
    expect(today_heading).to_have_count(1)
    expect(today_heading).to_contain_text("Today")
    expect(page.get_by_role("button", name="Copy")).to_be_visible()
    page.screenshot(path=artifacts_dir / "calendar-month.png", full_page=True)
