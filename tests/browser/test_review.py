"""The review loop in a browser, with approval required: an editor drafts a post and asks for
review; the owner sees the notification, comments with a mention and requests changes; the
editor, told, fixes it and asks again; the owner approves; the editor schedules it. The task
page is looked at on a phone too."""

import pytest
from playwright.sync_api import expect

from planner.models import Membership, Role, Task
from planner.teamwork.services import review_task
from tests.browser.test_walkthrough import log_in
from tests.factories import (
    PASSWORD,
    CampaignFactory,
    MembershipFactory,
    PlatformFactory,
    SmmTaskFactory,
)

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

    # The owner sees the notification, opens it, comments with a mention (picked from the
    # autocomplete) and requests a change.
    owner_page = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    ).new_page()
    log_in(owner_page, "olga", PASSWORD)
    expect(owner_page.get_by_test_id("unread-count")).to_contain_text("1")
    owner_page.get_by_test_id("bell").click()
    expect(owner_page.get_by_test_id("notification")).to_contain_text(
        "eddie asks you to review “Spring launch”"
    )
    owner_page.get_by_role("button", name="Open eddie asks you to review").click()
    expect(owner_page.get_by_role("heading", name="Spring launch")).to_be_visible()
    # The autocomplete's script runs at the end of the page: type once it has.
    owner_page.wait_for_load_state("load")
    comment = owner_page.get_by_test_id("comment-form").get_by_label("Comment")
    comment.press_sequentially("Nice. @ed")
    expect(owner_page.get_by_role("listbox", name="Members to mention")).to_be_visible()
    owner_page.get_by_test_id("comments").screenshot(
        path=str(artifacts_dir / "mention-autocomplete.png")
    )
    owner_page.get_by_role("option", name="@eddie").click()
    comment.press_sequentially("please name the blend.")
    owner_page.get_by_role("button", name="Comment", exact=True).click()
    expect(owner_page.get_by_test_id("comment")).to_contain_text("Nice. @eddie please name")
    owner_page.get_by_test_id("review-form").get_by_label("Comment").fill("")
    owner_page.get_by_role("button", name="Request changes").click()
    expect(owner_page.get_by_text("Say what should change: a comment is required.")).to_be_visible()
    owner_page.get_by_test_id("review-form").get_by_label("Comment").fill(
        "Name the blend: Primavera."
    )
    owner_page.get_by_role("button", name="Request changes").click()
    expect(owner_page.get_by_text("Changes requested: the author is told")).to_be_visible()
    assert owner_page.evaluate("document.documentElement.scrollWidth") <= 1280

    # The editor is told twice (the mention, the decision), reads the comments, fixes the
    # text and asks again.
    page.reload()
    expect(page.get_by_test_id("unread-count")).to_contain_text("2")
    expect(page.get_by_test_id("review-history")).to_contain_text("Name the blend: Primavera.")
    expect(page.get_by_test_id("comments")).to_contain_text("Name the blend: Primavera.")
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
    moves = post.activity.exclude(verb__in=["created", "changed", "status"])
    assert list(moves.order_by("pk").values_list("verb", flat=True)) == [
        "request",
        "comment",
        "request_changes",
        "request",
        "approve",
    ]


def test_a_client_approves_an_ad_through_the_review_link(
    page, browser, live_server, transactional_db, artifacts_dir
):
    owner = MembershipFactory(role=Role.OWNER, user__username="olga").user
    business = owner.memberships.get().business
    business.approval_mode = "required"
    business.save()
    editor = MembershipFactory(business=business, role=Role.EDITOR, user__username="eddie").user
    platform = PlatformFactory(business=business, kind="facebook", handle="acme")
    campaign = CampaignFactory(business=business, name="Spring")
    ad = SmmTaskFactory(
        business=business, platform=platform, campaign=campaign, title="Spring blend ad"
    )
    review_task(
        business,
        ad.pk,
        "request",
        user=editor,
        membership=Membership.objects.get(user=editor),
    )

    # The owner makes a link for the campaign and copies it.
    log_in(page, "olga", PASSWORD)
    page.goto(f"/b/{business.pk}/review-links/")
    page.get_by_label("Label").fill("Spring, for Carla")
    page.get_by_label("Campaign").select_option(label="Spring")
    page.get_by_role("button", name="Create link").click()
    address = page.get_by_label("The new review link").input_value()
    assert "/review/" in address

    # The client, with no account, opens it on a phone and approves the ad.
    client = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}
    ).new_page()
    client.goto(address)
    item = client.get_by_test_id("review-item")
    expect(item).to_contain_text("Spring blend ad")
    expect(item).to_contain_text("Budget $20.00 daily")
    client.screenshot(path=str(artifacts_dir / "review-link-390.png"), full_page=True)
    assert client.evaluate("document.documentElement.scrollWidth") <= 390
    client.get_by_role("button", name="Approve").click()
    expect(client.get_by_text("This field is required.")).to_be_visible()
    client.get_by_label("Your name").fill("Carla")
    client.get_by_role("button", name="Approve").click()
    expect(client.get_by_text("“Spring blend ad” approved. Thank you.")).to_be_visible()
    ad.refresh_from_db()
    assert ad.review_state == "approved"

    # The owner is told; the editor can now make it active.
    page.goto("/notifications/")
    expect(page.get_by_test_id("notification").first).to_contain_text(
        "Carla (client) approved “Spring blend ad”"
    )
    page.goto(f"/b/{business.pk}/review-links/")
    page.get_by_role("button", name="Withdraw").click()
    expect(page.get_by_text("is withdrawn")).to_be_visible()
    client.goto(address)
    expect(client.get_by_text("Page not found")).to_be_visible()
