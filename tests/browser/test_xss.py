"""Script in the data never runs in a real browser, even without the Content-Security-Policy.

The pages are opened with Chromium's CSP switched off (`bypass_csp`), so what is tested is the
escaping itself: with the policy on, an injected inline script would be blocked anyway and this
test could not tell. Any alert(), confirm() or prompt() fails the test, and so does any element
the payload could have made (an <img src=x>, an inline <script>).
"""

import datetime
import re
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from playwright.sync_api import Page, expect

from planner.models import Role, SmmStatus, SmoStatus
from tests.browser.conftest import VIEWPORT
from tests.factories import (
    CampaignFactory,
    MembershipFactory,
    PlatformFactory,
    ResultEntryFactory,
    SmmTaskFactory,
    SmoTaskFactory,
    TimeEntryFactory,
)

pytestmark = pytest.mark.browser

SCRIPT = "<script>alert(1)</script>"
PAYLOAD = SCRIPT + "\"'><img src=x onerror=alert(2)>"
URL_PAYLOAD = "https://shop.example/\"'><img/src=x/onerror=alert(2)><script>alert(3)</script>"
DAY = datetime.date(2026, 11, 10)
PERIOD = {"period": "custom", "start": "2026-11-01", "end": "2026-11-30"}
CHARTS = (
    "chart-platform-hours",
    "chart-platform-cost",
    "chart-effort",
    "chart-cost",
    "chart-hours-time",
    "chart-cost-time",
)
TINY_PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)

# What a payload could have left in the DOM had it been parsed as markup.
INJECTED = """() => {
  const found = [];
  document.querySelectorAll("img").forEach((img) => {
    if (img.getAttribute("src") === "x" || img.hasAttribute("onerror")) found.push(img.outerHTML);
  });
  document.querySelectorAll("script").forEach((script) => {
    const json = script.type === "application/json";
    if (!json && !script.src) found.push(script.outerHTML.slice(0, 120));
  });
  document.querySelectorAll("*").forEach((el) => {
    for (const attr of el.attributes) {
      if (attr.name.startsWith("on")) found.push(el.tagName + " " + attr.name);
    }
  });
  document.querySelectorAll("a[href]").forEach((a) => {
    if (a.href.trim().toLowerCase().startsWith("javascript:")) found.push(a.outerHTML);
  });
  return found;
}"""

# Hover the centre of a chart's first non-zero element; returns the tooltip's lines once
# Chart.js shows it.
CHART_POINT = """(id) => {
  const chart = Chart.getChart(document.getElementById(id));
  if (!chart) return null;
  for (let d = 0; d < chart.data.datasets.length; d++) {
    const values = chart.data.datasets[d].data;
    for (let i = 0; i < values.length; i++) {
      if (values[i] > 0) {
        // The element's centre: a bar's tooltip position is its top edge, where a hover can
        // land a pixel outside the bar and show nothing.
        const point = chart.getDatasetMeta(d).data[i].getCenterPoint(true);
        return {x: point.x, y: point.y};
      }
    }
  }
  return null;
}"""
TOOLTIP = """(id) => {
  const tooltip = Chart.getChart(document.getElementById(id)).tooltip;
  if (!tooltip || !tooltip.opacity || !tooltip.getActiveElements().length) return null;
  return [...(tooltip.title || []), ...(tooltip.body || []).flatMap((b) => b.lines)];
}"""


@pytest.fixture
def hostile(settings, tmp_path, transactional_db):
    """A business whose text fields all hold script, with hours, costs and results in November
    2026 so that every chart has something to draw."""
    settings.MEDIA_ROOT = tmp_path
    membership = MembershipFactory(
        role=Role.OWNER,
        user__username="owner-" + PAYLOAD,
        user__email='"<script>alert(1)</script>"@example.com',
        business__name="Shop " + PAYLOAD,
        business__website_url=URL_PAYLOAD,
    )
    business, owner = membership.business, membership.user
    platforms = [
        PlatformFactory(
            business=business, kind="facebook", handle=PAYLOAD, profile_url=URL_PAYLOAD
        ),
        PlatformFactory(business=business, kind="x", handle="x " + PAYLOAD),
    ]
    campaign = CampaignFactory(
        business=business,
        name="Campaign " + PAYLOAD,
        objective=PAYLOAD,
        notes=PAYLOAD + "\n" + PAYLOAD,
        start_date=datetime.date(2026, 11, 1),
        end_date=datetime.date(2026, 11, 30),
    )
    smo = SmoTaskFactory(
        business=business,
        platform=platforms[0],
        campaign=campaign,
        title="Post " + PAYLOAD,
        post_text=PAYLOAD,
        hashtags="#script #alert_1",
        image=SimpleUploadedFile("p.png", TINY_PNG, content_type="image/png"),
        image_alt=PAYLOAD,
        backlink_url=URL_PAYLOAD,
        published_url=URL_PAYLOAD,
        utm_content=PAYLOAD,
        status=SmoStatus.SCHEDULED,
        scheduled_at=datetime.datetime(2026, 11, 20, 10, tzinfo=datetime.UTC),
        assignee=owner,
        production_cost=Decimal("40"),
    )
    smm = SmmTaskFactory(
        business=business,
        platform=platforms[1],
        campaign=campaign,
        title="Ad " + PAYLOAD,
        ad_headline=PAYLOAD,
        ad_text=PAYLOAD,
        audience_job_titles=PAYLOAD,
        audience_interests=PAYLOAD,
        audience_locations=PAYLOAD,
        destination_url=URL_PAYLOAD,
        status=SmmStatus.ACTIVE,
        flight_start=datetime.date(2026, 11, 1),
        flight_end=datetime.date(2026, 11, 30),
    )
    for task in (smo, smm):
        TimeEntryFactory(task=task, user=owner, date=DAY, hours=Decimal("2"), note=PAYLOAD)
        ResultEntryFactory(task=task, date=DAY, impressions=900, clicks=30, spend=Decimal("12.50"))
    return {"business": business, "owner": owner, "campaign": campaign, "smo": smo, "smm": smm}


@pytest.fixture
def unprotected(browser, live_server, hostile):
    """A logged-in tab with the Content-Security-Policy switched off; fails the test if any
    dialog opens or any script error happens."""
    context = browser.new_context(
        viewport=VIEWPORT, base_url=live_server.url, reduced_motion="reduce", bypass_csp=True
    )
    context.set_default_timeout(10_000)
    client = Client()
    client.force_login(hostile["owner"])
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    page = context.new_page()
    dialogs, errors = [], []

    def on_dialog(dialog):
        dialogs.append(f"{dialog.type}: {dialog.message} at {page.url}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not dialogs, f"script from the data ran: {dialogs}"
    assert not errors, f"JavaScript errors in the page: {errors}"


def open_page(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")  # htmx fragments and charts are in
    assert page.evaluate(INJECTED) == [], f"markup from the data on {url}"
    expect(page.get_by_text(SCRIPT, exact=False).first).to_be_visible()


def hover_chart(page: Page, chart_id: str) -> list:
    canvas = page.locator(f"#{chart_id}")
    canvas.scroll_into_view_if_needed()
    point = page.evaluate(CHART_POINT, chart_id)
    assert point, f"{chart_id} has nothing to hover"
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
    handle = page.wait_for_function(TOOLTIP, arg=chart_id)
    return handle.json_value()


def test_dashboard_charts_and_tables_show_script_as_text(unprotected: Page, hostile) -> None:
    page = unprotected
    business = hostile["business"]
    open_page(page, f"/b/{business.pk}/?{urlencode(PERIOD)}")
    platform_table = page.get_by_test_id("platform-table")
    expect(platform_table.get_by_text(SCRIPT, exact=False).first).to_be_visible()
    for chart_id in CHARTS:
        lines = hover_chart(page, chart_id)
        if chart_id.startswith("chart-platform"):
            # The tooltip's title is the platform's label, handle and all, as plain text.
            assert any(PAYLOAD in line for line in lines), (chart_id, lines)
        page.mouse.move(1, 1)
    assert page.evaluate(INJECTED) == []

    # Filtered to the campaign and a platform: their names are in the period line too.
    query = {**PERIOD, "campaign": hostile["campaign"].pk, "platform": hostile["smo"].platform_id}
    open_page(page, f"/b/{business.pk}/?{urlencode(query)}")
    expect(page.get_by_test_id("period-label")).to_contain_text(SCRIPT)
    hover_chart(page, "chart-platform-hours")


def test_lists_task_pages_and_campaign_page_show_script_as_text(unprotected: Page, hostile):
    page = unprotected
    b = hostile["business"].pk
    smo, smm, campaign = hostile["smo"], hostile["smm"], hostile["campaign"]
    for url in (
        f"/b/{b}/smo/",
        f"/b/{b}/smm/",
        f"/b/{b}/smo/?{urlencode({'q': 'alert'})}",
        f"/b/{b}/smo/{smo.pk}/",
        f"/b/{b}/smm/{smm.pk}/",
        f"/b/{b}/campaigns/{campaign.pk}/",
        f"/b/{b}/campaigns/",
        f"/b/{b}/platforms/",
        f"/b/{b}/members/",
        f"/b/{b}/calendar/?view=month&date=2026-11-15",
        f"/b/{b}/calendar/?view=week&date=2026-11-18",
    ):
        open_page(page, url)

    open_page(page, f"/b/{b}/smo/{smo.pk}/")
    expect(page.get_by_role("heading", name="Post " + PAYLOAD)).to_be_visible()
    expect(page.get_by_alt_text(PAYLOAD)).to_be_visible()
    expect(page.get_by_test_id("tagged-url")).to_have_value(re.compile(r"^https://shop\.example/"))


def test_task_forms_and_their_live_preview_keep_script_as_text(unprotected: Page, hostile):
    """The edit forms hold the payload in their inputs, and htmx swaps in the tagged-URL
    preview built from them (htmx would run a <script> in what it swaps in)."""
    page = unprotected
    b = hostile["business"].pk
    for kind in ("smo", "smm"):
        task = hostile[kind]
        page.goto(f"/b/{b}/{kind}/{task.pk}/edit/")
        page.wait_for_load_state("networkidle")
        expect(page.locator("input[name=title]")).to_have_value(task.title)
        expect(page.get_by_test_id("utm-preview")).to_be_visible()
        page.locator("input[name=title]").fill("Changed " + PAYLOAD)  # the preview reloads
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(600)  # htmx waits 400 ms after typing before it asks
        assert page.evaluate(INJECTED) == []
