"""The review loop in a browser, with approval required: an editor drafts a post and asks for
review; the owner finds it waiting, requests changes with a comment; the editor fixes it and
asks again; the owner approves; the editor schedules it. Also at phone width."""

import pytest
from playwright.sync_api import expect

from planner.models import Role, Task
from tests.browser.test_walkthrough import log_in
from tests.factories import PASSWORD, MembershipFactory, PlatformFactory

pytestmark = pytest.mark.browser


def test_draft_review_fix_approve_schedule(
    page, browser, live_server, transactional_db, artifacts_dir
):
    owner = MembershipFactory(role=Role.OWNER, user__username="olga").user
    business = owner.memberships.get().business
    business.approval_mode = "required"
    business.save()
    MembershipFactory(business=business, role=Role.EDITOR, user__username="eddie")
    PlatformFactory(business=business, kind="linkedin", handle="acme")

    # The editor drafts a post and asks for review.
    log_in(page, "eddie", PASSWORD)
    page.goto(f"/b/{business.pk}/smo/new/")
    page.get_by_label("Platform").select_option(label="LinkedIn @acme")
    page.get_by_label("Title").fill("Spring launch")
    page.get_by_label("Post text").fill("Our spring blend is here.")
    page.get_by_label("Status").select_option("scheduled")
    page.get_by_label("Scheduled publish time").fill("2027-03-01T09:00")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Approval is required before a post is scheduled")).to_be_visible()
    page.get_by_label("Status").select_option("draft")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("SMO post created.")).to_be_visible()
    post = Task.objects.get(title="Spring launch")
    page.get_by_role("button", name="Ask for review").click()
    expect(page.get_by_text("SMO post: Sent for review.")).to_be_visible()

    # The owner finds it waiting for them and requests a change.
    owner_page = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    ).new_page()
    log_in(owner_page, "olga", PASSWORD)
    owner_page.goto(f"/b/{business.pk}/smo/?review=mine")
    owner_page.get_by_role("link", name="Spring launch").click()
    owner_page.get_by_role("button", name="Request changes").click()
    expect(owner_page.get_by_text("Say what should change: a comment is required.")).to_be_visible()
    owner_page.get_by_label("Comment").fill("Name the blend: Primavera.")
    owner_page.get_by_role("button", name="Request changes").click()
    expect(owner_page.get_by_text("Changes requested: the author is told")).to_be_visible()

    # The editor reads the comment, fixes the text and asks again.
    page.reload()
    expect(page.get_by_test_id("review-history")).to_contain_text("Name the blend: Primavera.")
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Post text").fill("Primavera, our spring blend, is here.")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Ask for review").click()

    # The owner approves; the editor schedules it.
    owner_page.reload()
    owner_page.get_by_role("button", name="Approve").click()
    expect(owner_page.get_by_text("SMO post: Approved.")).to_be_visible()
    owner_page.set_viewport_size({"width": 390, "height": 844})
    owner_page.screenshot(path=str(artifacts_dir / "review-approved-390.png"), full_page=True)
    width = owner_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the task page scrolls sideways at 390 px ({width} px)"

    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Status").select_option("scheduled")
    page.get_by_label("Scheduled publish time").fill("2027-03-01T09:00")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("SMO post saved.")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "review-scheduled.png"), full_page=True)
    post.refresh_from_db()
    assert (post.status, post.review_state) == ("scheduled", "approved")
    assert list(post.activity.order_by("pk").values_list("verb", flat=True)) == [
        "request",
        "request_changes",
        "request",
        "approve",
    ]
