"""The composer's templates and hashtag groups in a browser: insert a template where the
cursor is and add a hashtag group; the live counter follows, and the post saves with both."""

import pytest
from playwright.sync_api import expect

from planner.compose.models import Snippet
from planner.models import Role, Task
from tests.browser.test_walkthrough import log_in
from tests.factories import PASSWORD, MembershipFactory, PlatformFactory

pytestmark = pytest.mark.browser


def test_insert_a_template_and_a_hashtag_group(page, transactional_db, artifacts_dir):
    editor = MembershipFactory(role=Role.EDITOR, user__username="writer").user
    business = editor.memberships.get().business
    platform = PlatformFactory(business=business, kind="x", handle="acme")
    Snippet.objects.create(business=business, kind="template", name="Weekly roast",
                           text="This week we roast Ethiopian beans.")  # fmt: skip
    Snippet.objects.create(business=business, kind="hashtags", name="Coffee",
                           text="#coffee #beans")  # fmt: skip
    log_in(page, "writer", PASSWORD)
    page.goto(f"/b/{business.pk}/smo/new/")
    page.get_by_label("Platform").select_option(str(platform.pk))
    page.get_by_label("Title").fill("Roast news")
    text = page.get_by_label("Post text")
    text.fill("Hello! ")
    page.get_by_label("Insert a template").select_option(label="Weekly roast")
    expect(text).to_have_value("Hello! This week we roast Ethiopian beans.")
    page.get_by_label("Hashtags", exact=True).fill("#beans")
    page.get_by_label("Add hashtags").select_option(label="Coffee")
    expect(page.get_by_label("Hashtags", exact=True)).to_have_value("#beans #coffee")
    expect(page.get_by_test_id("post-counter")).to_contain_text("58 / 280")  # 42, a blank line, 14
    page.screenshot(path=str(artifacts_dir / "composer-snippets.png"), full_page=True)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("SMO post created.")).to_be_visible()
    post = Task.objects.get()
    assert post.post_text.endswith("Ethiopian beans.") and post.hashtags == "#beans #coffee"
