"""Browser tests: a new user's first session, the X counter, and the README screenshots.

Everything a user does goes through real clicks and typing in Chromium; the ORM is used only to
set up the smaller tests and to check afterwards what was saved.
"""

import datetime
import io
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import Locator, Page, expect

from planner.models import Business, Kind, Membership, Platform, ResultEntry, Role, Task
from tests.factories import PASSWORD, MembershipFactory, PlatformFactory

pytestmark = pytest.mark.browser

TODAY = datetime.date.today()
NEW_PASSWORD = "correct-horse-battery-42"


def field(scope: Page | Locator, label: str) -> Locator:
    """The form control labelled exactly `label` (crispy adds a "*" to required fields)."""
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def nav(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True).click()


def log_in(page: Page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    field(page, "Username or e-mail").fill(username)
    field(page, "Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name=f"Log out {username}")).to_be_visible()


def log_time(page: Page, hours: str, member: str) -> None:
    form = page.get_by_test_id("time-form")
    field(form, "Date").fill(TODAY.isoformat())
    field(form, "Hours").fill(hours)
    field(form, "Member").select_option(label=member)
    form.get_by_role("button", name="Log time").click()
    expect(page.get_by_role("status")).to_have_text("Time logged.")


def record_results(page: Page, **figures: str) -> None:
    form = page.get_by_test_id("result-form")
    # Not by label: both forms on the task page render id="id_date", so the results form's
    # "Date" label points at the time form's date input (an app bug, see the report).
    form.locator("input[name=date]").fill(TODAY.isoformat())
    for label, value in figures.items():
        field(form, label.replace("_", " ").capitalize()).fill(value)
    form.get_by_role("button", name="Record results").click()
    expect(page.get_by_role("status")).to_have_text("Results recorded.")


def test_new_user_walkthrough(page: Page, artifacts_dir: Path) -> None:
    # 1. Sign up, then create the business.
    page.goto("/accounts/signup/")
    field(page, "Username").fill("alice")
    field(page, "Email").fill("alice@acme.example")
    field(page, "Password").fill(NEW_PASSWORD)
    field(page, "Password (again)").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()

    # The verification e-mail's link (the test outbox), then its Confirm button.
    (message,) = mail.outbox
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", message.body)
    page.goto(link.group(1))
    page.get_by_role("button", name="Confirm").click()

    expect(page).to_have_url(re.compile(r"/businesses/new/$"))
    expect(page.get_by_role("heading", name="Create a business")).to_be_visible()
    field(page, "Name").fill("Acme Coffee")
    field(page, "Website URL").fill("https://acme.example")
    field(page, "Currency").select_option("USD")
    expect(field(page, "Time zone")).to_have_value("UTC")  # left as it is
    field(page, "Hourly rate").fill("40")
    page.get_by_role("button", name="Create business").click()

    expect(page).to_have_url(re.compile(r"/b/\d+/platforms/$"))
    expect(page.get_by_role("status")).to_contain_text("Acme Coffee is ready")

    # 2. A Facebook profile.
    page.get_by_role("link", name="Add a platform").click()
    field(page, "Kind").select_option(label="Facebook")
    field(page, "Handle").fill("acmecoffee")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/b/\d+/platforms/$"))
    expect(page.get_by_role("heading", name="Facebook @acmecoffee")).to_be_visible()

    # 3. An organic post, watching the live counter.
    nav(page, "SMO posts")
    page.get_by_role("link", name="New SMO post").click()
    counter = page.get_by_test_id("post-counter")
    expect(counter).to_contain_text("choose a platform")
    field(page, "Platform").select_option(label="Facebook @acmecoffee")
    expect(counter).to_have_text("0 / 63,206 characters")
    field(page, "Title").fill("New beans are in")
    text = field(page, "Post text")
    text.press_sequentially("Fresh beans")
    expect(counter).to_have_text("11 / 63,206 characters")
    text.press_sequentially(" from Ethiopia, roasted this morning.")
    expect(counter).to_have_text("48 / 63,206 characters")
    expect(counter).not_to_have_class(re.compile(r"\bover\b"))
    field(page, "Backlink URL").fill("https://acme.example/beans")
    field(page, "Status").select_option(label="Draft")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(re.compile(r"/b/\d+/smo/\d+/$"))
    expect(page.get_by_role("heading", name="New beans are in")).to_be_visible()

    # 4. Time and results on the post.
    log_time(page, "2", member="alice")
    record_results(page, clicks="10", impressions="500", reach="400", engagements="35")

    # 5. A paid campaign, with its time and results.
    nav(page, "SMM ads")
    page.get_by_role("link", name="New SMM ad campaign").click()
    field(page, "Platform").select_option(label="Facebook @acmecoffee")
    field(page, "Title").fill("Beans, paid push")
    field(page, "Objective").select_option(label="Traffic")
    field(page, "Bid model").select_option(label="CPC (pay per click)")
    field(page, "Budget type").select_option(label="Daily")
    field(page, "Budget amount").fill("25")
    field(page, "Flight start").fill(TODAY.isoformat())
    field(page, "Flight end").fill((TODAY + datetime.timedelta(days=13)).isoformat())
    field(page, "Destination URL").fill("https://acme.example/shop")
    field(page, "Status").select_option(label="Active")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(re.compile(r"/b/\d+/smm/\d+/$"))
    expect(page.get_by_role("heading", name="Beans, paid push")).to_be_visible()
    log_time(page, "1", member="alice")
    record_results(page, clicks="20", impressions="4000", media_spend="30")

    # 6. The dashboard splits effort and cost between organic and paid.
    nav(page, "Dashboard")
    expect(page.get_by_role("heading", name="Acme Coffee: organic versus paid")).to_be_visible()
    split = page.get_by_test_id("split-table")
    expect(split.get_by_test_id("smo-hours")).to_have_text("2 h")
    expect(split.get_by_test_id("smm-hours")).to_have_text("1 h")
    expect(split.get_by_test_id("smo-clicks")).to_have_text("10")
    expect(split.get_by_test_id("smm-clicks")).to_have_text("20")
    expect(split.get_by_test_id("smo-cost")).to_have_text("$80.00")  # 2 h x $40
    expect(split.get_by_test_id("smm-cost")).to_have_text("$70.00")  # 1 h x $40 + $30 spend
    expect(split.get_by_test_id("smo-ecpc")).to_have_text("$8.00")
    expect(split.get_by_test_id("smm-ecpc")).to_have_text("$3.50")
    # This tab asks for reduced motion, so the charts are drawn at once, not animated.
    assert page.evaluate("Chart.getChart('chart-effort').options.animation") is False

    # 7. A screenshot to look at when this fails (test-artifacts/ is git-ignored).
    page.screenshot(path=artifacts_dir / "dashboard.png", full_page=True)

    # What the clicks saved.
    user = get_user_model().objects.get(username="alice")
    assert user.email == "alice@acme.example"
    assert user.check_password(NEW_PASSWORD)
    business = Business.objects.get(name="Acme Coffee")
    assert (business.currency, business.time_zone) == ("USD", "UTC")
    assert business.hourly_rate == Decimal("40.00")
    assert business.website_url == "https://acme.example"
    assert Membership.objects.get(business=business, user=user).role == Role.OWNER
    platform = Platform.objects.get(business=business)
    assert (platform.kind, platform.handle) == ("facebook", "acmecoffee")

    post = Task.objects.get(business=business, kind=Kind.SMO)
    assert (post.platform, post.status) == (platform, "draft")
    assert post.post_text == "Fresh beans from Ethiopia, roasted this morning."
    assert post.backlink_url.startswith("https://acme.example/beans")
    assert [(e.date, e.hours, e.user) for e in post.time_entries.all()] == [
        (TODAY, Decimal("2.00"), user)
    ]
    smo_result = ResultEntry.objects.get(task=post)
    assert (smo_result.date, smo_result.clicks, smo_result.impressions) == (TODAY, 10, 500)
    assert (smo_result.reach, smo_result.engagements, smo_result.spend) == (400, 35, 0)

    ad = Task.objects.get(business=business, kind=Kind.SMM)
    assert (ad.platform, ad.status, ad.objective, ad.bid_model) == (
        platform,
        "active",
        "traffic",
        "cpc",
    )
    assert (ad.budget_type, ad.budget_amount) == ("daily", Decimal("25.00"))
    assert (ad.flight_start, ad.flight_end) == (TODAY, TODAY + datetime.timedelta(days=13))
    assert ad.destination_url.startswith("https://acme.example/shop")
    assert [(e.hours, e.user) for e in ad.time_entries.all()] == [(Decimal("1.00"), user)]
    ad_result = ResultEntry.objects.get(task=ad)
    assert (ad_result.clicks, ad_result.impressions, ad_result.spend) == (
        20,
        4000,
        Decimal("30.00"),
    )


def test_x_post_over_the_limit_is_refused(page: Page) -> None:
    membership = MembershipFactory(user__username="xavier", role=Role.EDITOR)
    business = membership.business
    PlatformFactory(business=business, kind="x", handle="acme_x")
    log_in(page, "xavier", PASSWORD)

    page.goto(f"/b/{business.pk}/smo/new/")
    field(page, "Platform").select_option(label="X (Twitter) @acme_x")
    field(page, "Title").fill("Too long for X")
    counter = page.get_by_test_id("post-counter")
    text = field(page, "Post text")
    # "☕" is outside the Latin ranges, so X counts it twice: 12 + 134 x 2 = 280, at the limit.
    text.fill("Fresh roast " + "☕" * 134)
    expect(counter).to_have_text("280 / 280 weighted characters")
    expect(counter).not_to_have_class(re.compile(r"\bover\b"))
    text.press_sequentially("☕")
    expect(counter).to_have_text("282 / 280 weighted characters — over the limit")
    expect(counter).to_have_class(re.compile(r"\bover\b"))

    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/smo/new/$"))  # not saved: the form comes back
    post_field = page.locator("#div_id_post_text")
    expect(post_field.locator(".invalid-feedback")).to_have_text(
        "Too long for this platform: 282 of 280 weighted characters (text and hashtags)."
    )
    expect(text).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(text).to_have_value("Fresh roast " + "☕" * 135)  # what was typed is kept
    assert not Task.objects.filter(business=business).exists()


@pytest.mark.skipif(
    not os.environ.get("SCREENSHOTS_DIR"), reason="set SCREENSHOTS_DIR to make README screenshots"
)
def test_readme_screenshots(page: Page) -> None:
    """SCREENSHOTS_DIR=docs/screenshots pytest tests/browser -k screenshots"""
    out = Path(os.environ["SCREENSHOTS_DIR"])
    out.mkdir(parents=True, exist_ok=True)
    # The seed's default name, "Northwind Coffee Roasters", wraps the navbar at 1280px (an app
    # layout bug, see the report); a shorter name keeps the README pictures tidy.
    call_command("seed_demo", name="Northwind", stdout=io.StringIO())
    log_in(page, "demo", "demo-password-2026")

    nav(page, "Dashboard")
    expect(page.get_by_test_id("split-table")).to_be_visible()
    navbar = page.get_by_role("navigation", name="Main").bounding_box()
    assert navbar and navbar["height"] < 60, f"the navbar wraps onto two lines: {navbar}"
    page.screenshot(path=out / "dashboard.png", full_page=True)

    nav(page, "SMO posts")
    page.get_by_role("link", name="New SMO post").click()
    field(page, "Platform").select_option(label="X (Twitter) @northwind_coffee")
    field(page, "Title").fill("Weekend cupping session")
    field(page, "Post text").press_sequentially(
        "Join our weekend cupping ☕ Saturday 10:00 at the roastery: "
        "six new single origins, tasting notes and a barista Q&A. "
        "Book a seat: https://northwind-coffee.example/cupping"
    )
    field(page, "Hashtags").fill("#coffee #cupping")
    expect(page.get_by_test_id("post-counter")).to_contain_text("/ 280 weighted characters")
    field(page, "Backlink URL").fill("https://northwind-coffee.example/cupping")
    field(page, "Status").select_option(label="Draft")
    page.mouse.click(5, 5)  # nothing focused: no focus ring in the picture
    page.screenshot(path=out / "smo-form.png", full_page=True)
