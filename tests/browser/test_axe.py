"""axe-core (vendored from npm: tests/browser/vendor/axe-core, MPL-2.0) over every page of the
demo business, and the account pages, at 390 and 1280 px: no violation of any rule it runs.
The page's own Content-Security-Policy would refuse the injected script, so this one browser
context bypasses it (tests/browser/test_csp.py checks the policy itself)."""

from pathlib import Path

import pytest
from django.core.management import call_command

from planner.management.commands.seed_demo import DEMO_PASSWORD
from planner.models import Business
from tests.browser.test_page_widths import business_pages, whole_pages
from tests.browser.test_walkthrough import log_in

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
ACCOUNT_PAGES = ["/accounts/email/", "/accounts/password/change/", "/notifications/"]
VIOLATIONS = """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
  .map(v => `${v.id} (${v.impact}): ${v.nodes.length}× e.g. ${v.nodes[0].target.join(" ")}`)"""


def test_axe_finds_no_violation(browser, live_server, transactional_db):
    call_command("seed_demo", verbosity=0)
    business = Business.objects.get()
    urls = business_pages(business) + ACCOUNT_PAGES
    found = []
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, base_url=live_server.url,
        reduced_motion="reduce", bypass_csp=True,
    )  # fmt: skip
    page = context.new_page()
    log_in(page, "demo", DEMO_PASSWORD)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        checked = 0
        for url in whole_pages(page, urls):
            page.goto(url)
            page.add_script_tag(path=str(AXE))
            found += [f"{url} at {width} px: {problem}" for problem in page.evaluate(VIOLATIONS)]
            checked += 1
        assert checked > 25  # the walk reached the pages
    context.close()
    assert found == [], "\n".join(found)


def test_axe_does_find_a_violation(browser, live_server, transactional_db):
    """Not a deaf check: a page with an image without alt text is reported."""
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.evaluate("document.body.appendChild(document.createElement('img'))")
    page.add_script_tag(path=str(AXE))
    assert any(problem.startswith("image-alt") for problem in page.evaluate(VIOLATIONS))
    context.close()
