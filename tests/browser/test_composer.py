"""The composer in a browser: one post for three platforms with different texts. Only the
ticked platforms' sections show; each counts its own text (or the main one) against its own
limit as it is typed; the save makes three posts in one group, then edited together."""

import pytest
from playwright.sync_api import expect

from planner.compose.models import PostGroup
from planner.models import Role
from tests.browser.test_walkthrough import log_in
from tests.factories import PASSWORD, MembershipFactory, PlatformFactory

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 390])
def test_compose_one_post_for_three_platforms(page, transactional_db, artifacts_dir, width):
    editor = MembershipFactory(role=Role.EDITOR, user__username="writer").user
    business = editor.memberships.get().business
    fb = PlatformFactory(business=business, kind="facebook", handle="acme")
    x = PlatformFactory(business=business, kind="x", handle="acme_x")
    li = PlatformFactory(business=business, kind="linkedin", handle="acme-in")
    PlatformFactory(business=business, kind="instagram", handle="acme.gram")
    log_in(page, "writer", PASSWORD)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"/b/{business.pk}/compose/")
    sections = page.locator("[data-section]")
    expect(sections.first).to_be_hidden()  # none ticked yet
    for platform in (fb, x, li):
        page.get_by_label(str(platform), exact=True).check()
    expect(page.locator("[data-section]:visible")).to_have_count(3)
    page.get_by_label("Title").fill("Winter blend")
    page.locator("textarea[name=post_text]").fill("Our winter blend is here. " * 12)  # 312
    x_section = page.get_by_test_id(f"variant-x-{x.pk}")
    expect(x_section.get_by_test_id("post-counter")).to_contain_text("over the limit")
    fb_section = page.get_by_test_id(f"variant-facebook-{fb.pk}")
    expect(fb_section.get_by_test_id("post-counter")).not_to_contain_text("over")
    x_section.locator("textarea").fill("Winter blend ☕ is here.")
    expect(x_section.get_by_test_id("post-counter")).to_contain_text(
        "24 / 280"
    )  # the emoji counts 2
    page.get_by_test_id(f"variant-linkedin-{li.pk}").locator("textarea").fill(
        "Our winter blend is in the shops from today."
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(artifacts_dir / f"composer-{width}.png"), full_page=True)
    page.locator("form[data-composer]").get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved the post for 3 platforms.")).to_be_visible()
    expect(page.get_by_test_id("variant-card")).to_have_count(3)
    group = PostGroup.objects.get()
    texts = {task.platform.kind: task.post_text for task in group.variants.all()}
    assert texts == {
        "facebook": ("Our winter blend is here. " * 12).strip(),
        "x": "Winter blend ☕ is here.",
        "linkedin": "Our winter blend is in the shops from today.",
    }
    # Edited together: the main text changes Facebook's, not the two with their own.
    page.get_by_test_id("edit-together").click()
    page.locator("textarea[name=post_text]").fill("Winter blend, in the shops now.")
    page.locator("form[data-composer]").get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved the post for 3 platforms.")).to_be_visible()
    texts = {task.platform.kind: task.post_text for task in group.variants.all()}
    assert texts["facebook"] == "Winter blend, in the shops now."
    assert texts["x"] == "Winter blend ☕ is here."
