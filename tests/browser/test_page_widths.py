"""No page of a business scrolls sideways, from a 320 px phone to a 1366 px laptop: wide
tables scroll inside their own keyboard-focusable region, the navigation fits the business's
name. Every page of the URLconf that needs no id but the business's, and the pages of one row
of each kind, on the demo data (the 320 and 390 widths are the ones that catch it)."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from planner.compose.models import PostGroup
from planner.insights.models import Goal, Scenario
from planner.management.commands.seed_demo import DEMO_PASSWORD
from planner.models import Business, Campaign, Kind, Platform, Task
from tests.browser.test_walkthrough import log_in
from tests.url_walk import url_patterns

pytestmark = pytest.mark.browser

WIDTHS = (320, 390, 640, 1280, 1366)
# Not pages: files, feeds, actions that answer a POST, and the API's JSON.
NOT_PAGES = re.compile(
    r"_csv$|_export|_feed|ical|delete|remove|revoke|_test$|replay|enable|api-|logout"
)


GROUP_PAGES = ("post_group_detail", "post_group_edit")
SERIES_PAGES = ("smo_detail", "smo_edit", "series_skip")


def business_pages(business):
    found = []
    for name, pattern in url_patterns():
        parameters = set(re.findall(r"<(?:\w+:)?(\w+)>", pattern))
        if parameters == {"business_id"} and not NOT_PAGES.search(name):
            found.append(reverse(name, args=[business.pk]))
    smo = Task.objects.filter(business=business, kind=Kind.SMO).first()
    smm = Task.objects.filter(business=business, kind=Kind.SMM).first()
    campaign = Campaign.objects.filter(business=business).first()
    platform = Platform.objects.filter(business=business).first()
    for name, pk in (
        ("smo_detail", smo.pk), ("smo_edit", smo.pk), ("smm_detail", smm.pk),
        ("smm_edit", smm.pk), ("campaign_detail", campaign.pk), ("campaign_edit", campaign.pk),
        ("platform_edit", platform.pk), ("campaign_goal", campaign.pk),
        ("goal_edit", Goal.objects.filter(business=business).first().pk),
        ("scenario_detail", Scenario.objects.filter(business=business).first().pk),
    ):  # fmt: skip
        found.append(reverse(name, args=[business.pk, pk]))
    group = PostGroup.objects.filter(business=business).first()  # the demo's composed post
    found += [reverse(name, args=[business.pk, group.pk]) for name in GROUP_PAGES]
    series_post = Task.objects.filter(business=business, series__isnull=False).first()
    found += [reverse(name, args=[business.pk, series_post.pk]) for name in SERIES_PAGES]
    found.append(reverse("dashboard", args=[business.pk]) + "?period=year")
    found.append(reverse("calendar", args=[business.pk]) + "?view=week")
    found.append(reverse("portfolio"))  # the user's businesses side by side
    found.append(reverse("report_shared", args=[_report_token(business)]))
    return found


def _report_token(business):
    """A live report link's token: the page anyone with the link sees."""
    from django.http import QueryDict
    from django.utils import timezone

    from planner.models import Membership
    from planner.reports import links
    from planner.reports.report import read_report

    owner = Membership.objects.filter(business=business, role="owner").first().user
    _form, report = read_report(business, QueryDict("period=30d"), timezone.localdate())
    return links.create(business, owner, report, label="Walk")[1]


def whole_pages(page, urls):
    """The URLs that answer a GET with a whole HTML page (not a POST-only 405, a file, or an
    htmx fragment), asked with the tab's cookies before the tab goes there: navigating to an
    error answer leaves Chromium an error page whose reload can interrupt the next visit."""
    for url in urls:
        response = page.request.get(url, max_redirects=0)
        html = response.status == 200 and "text/html" in response.headers.get("content-type", "")
        if html and response.text().lstrip().lower().startswith("<!doctype"):
            yield url


def test_no_page_is_wider_than_the_window(page, transactional_db, artifacts_dir):
    call_command("seed_demo", verbosity=0)
    business = Business.objects.get()
    log_in(page, "demo", DEMO_PASSWORD)
    too_wide = []
    pages = list(whole_pages(page, business_pages(business)))
    assert len(pages) > 25  # the walk found the pages
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for url in pages:
            page.goto(url)
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width:
                too_wide.append(f"{url} at {width} px: {scroll_width} px wide")
    assert too_wide == []
