"""The strict Content-Security-Policy in a real browser: nothing on the main pages is blocked,
and the scripts that matter still work under it (Chart.js draws, htmx swaps, Bootstrap opens
its menus).

Violations are caught twice: a `securitypolicyviolation` listener installed before any page
script runs, and Chromium's console messages ("Refused to ..."). A first test proves that the
listener does catch a violation, so a silent pass means no violation, not a deaf listener.
"""

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from planner.models import Role
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    PlatformFactory,
    ResultEntryFactory,
    SmmTaskFactory,
    SmoTaskFactory,
    TimeEntryFactory,
)

pytestmark = pytest.mark.browser

TODAY = datetime.date.today()

LISTEN_FOR_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    event.violatedDirective + " blocked " + (event.blockedURI || "inline") +
    " at " + event.sourceFile + ":" + event.lineNumber
  );
});
"""


@pytest.fixture
def watched_page(page: Page):
    """The page, with every CSP violation and CSP console message collected."""
    page.add_init_script(LISTEN_FOR_VIOLATIONS)
    console = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    page.csp_console = console
    return page


def violations(page: Page):
    return page.evaluate("window.__cspViolations || []") + page.csp_console


@pytest.fixture
def member(transactional_db):
    """An owner whose business has a platform and a little of everything, so the dashboard
    draws all its charts."""
    membership = MembershipFactory(role=Role.OWNER, user__username="csp-owner")
    business = membership.business
    platform = PlatformFactory(business=business, kind="facebook", handle="acme")
    smo = SmoTaskFactory(business=business, platform=platform)
    smm = SmmTaskFactory(
        business=business,
        platform=platform,
        flight_start=TODAY - datetime.timedelta(days=5),
        flight_end=TODAY + datetime.timedelta(days=5),
    )
    TimeEntryFactory(task=smo, user=membership.user, date=TODAY, hours=Decimal("2.00"))
    TimeEntryFactory(task=smm, user=membership.user, date=TODAY, hours=Decimal("1.50"))
    ResultEntryFactory(task=smm, date=TODAY, impressions=2000, clicks=40, conversions=2)
    ResultEntryFactory(task=smo, date=TODAY, reach=500, engagements=30, clicks=12)
    return membership


def log_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label(re.compile(r"^\s*Username")).fill(username)
    page.get_by_label(re.compile(r"^\s*Password")).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name=f"Log out {username}")).to_be_visible()


def test_the_violation_listener_works(watched_page: Page, live_server):
    """An inline script and an inline style= are blocked and reported: the detector is live."""
    page = watched_page
    response = page.goto("/accounts/login/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.__inlineRan = true";
          document.body.appendChild(script);
        }"""
    )
    page.wait_for_function("window.__cspViolations.length > 0")
    assert page.evaluate("window.__inlineRan === undefined")  # it was blocked, not run
    assert any("script-src" in v for v in violations(page)), violations(page)


def test_dashboard_charts_draw_under_the_policy(watched_page: Page, member):
    page = watched_page
    log_in(page, "csp-owner")
    response = page.goto(f"/b/{member.business_id}/?period=last_30_days")
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    for chart in (
        "chart-effort",
        "chart-cost",
        "chart-hours-time",
        "chart-cost-time",
        "chart-platform-hours",
        "chart-platform-cost",
    ):
        canvas = page.locator(f"canvas#{chart}")
        expect(canvas).to_be_visible()
        page.wait_for_function(
            "(id) => window.Chart && Chart.getChart(document.getElementById(id)) !== undefined",
            arg=chart,
        )
        box = canvas.bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0, chart
        size = page.evaluate(
            "(id) => { const c = document.getElementById(id); return [c.width, c.height]; }",
            chart,
        )
        assert size[0] > 0 and size[1] > 0, chart
    # Bootstrap's dropdown (Popper positions it through the style property, not attributes).
    page.get_by_test_id("business-switcher").click()
    change = page.get_by_role("link", name="Change password")
    expect(change).to_be_visible()
    change.click()
    expect(page.get_by_role("heading", name="Change Password")).to_be_visible()
    assert violations(page) == []


def test_smo_form_htmx_preview_under_the_policy(watched_page: Page, member):
    page = watched_page
    log_in(page, "csp-owner")
    page.goto(f"/b/{member.business_id}/smo/new/")
    expect(page.get_by_role("heading", name=re.compile("post", re.I))).to_be_visible()
    platform = page.locator("select[name=platform]")
    platform.select_option(index=1)
    page.locator("input[name=backlink_url]").fill("https://shop.example/spring-sale")
    preview = page.get_by_test_id("utm-preview")
    expect(preview).to_be_visible()
    tagged = page.get_by_test_id("tagged-url")
    expect(tagged).to_have_value(re.compile(r"^https://shop\.example/spring-sale\?.*utm_source="))
    # The live character counter (post_counter.js) runs too.
    page.locator("[data-post-text]").fill("Fresh beans today")
    expect(page.get_by_test_id("post-counter")).to_contain_text("17")
    assert violations(page) == []


def test_anonymous_and_error_pages_under_the_policy(watched_page: Page, live_server, settings):
    settings.DEBUG = False
    page = watched_page
    for url in (
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/no-such-page/",
    ):
        page.goto(url)
        expect(page.get_by_role("heading").first).to_be_visible()
    assert violations(page) == []
