"""Two tabs editing the same post: the second save is refused and shows what changed."""

import pytest
from playwright.sync_api import expect

from planner.models import Role, Task
from tests.browser.test_walkthrough import log_in
from tests.factories import PASSWORD, MembershipFactory, PlatformFactory, SmoTaskFactory

pytestmark = pytest.mark.browser


def test_second_tab_cannot_overwrite_the_first(page, transactional_db, artifacts_dir):
    editor = MembershipFactory(role=Role.EDITOR, user__username="tabby").user
    business = editor.memberships.get().business
    platform = PlatformFactory(business=business, kind="facebook", handle="acme")
    post = SmoTaskFactory(business=business, platform=platform, title="Original title")
    log_in(page, "tabby", PASSWORD)
    edit_url = f"/b/{business.pk}/smo/{post.pk}/edit/"

    first = page
    second = page.context.new_page()  # the same person, another tab
    first.goto(edit_url)
    second.goto(edit_url)

    first.get_by_label("Title").fill("Title from tab one")
    first.get_by_role("button", name="Save").click()
    expect(first.get_by_text("SMO post saved.")).to_be_visible()

    second.get_by_label("Title").fill("Title from tab two")
    second.get_by_role("button", name="Save").click()
    alert = second.get_by_text("Someone else changed this since you opened it")
    expect(alert).to_be_visible()
    expect(
        second.get_by_text("saved “Title from tab one”, yours “Title from tab two”")
    ).to_be_visible()
    second.screenshot(path=str(artifacts_dir / "edit-conflict.png"), full_page=True)
    assert Task.objects.get(pk=post.pk).title == "Title from tab one"

    # Having seen the difference, saving again keeps tab two's version.
    second.get_by_role("button", name="Save").click()
    expect(second.get_by_text("SMO post saved.")).to_be_visible()
    assert Task.objects.get(pk=post.pk).title == "Title from tab two"
