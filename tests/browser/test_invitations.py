"""Browser test: an owner invites a new person; the person signs up from the e-mail's link (read
from the test outbox), confirms the address, accepts and sees the business. Then the same at
phone width: the invitation page fits."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from planner.models import Membership, Role
from tests.browser.test_walkthrough import field, log_in
from tests.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.browser
NEW_PASSWORD = "fresh-start-for-nia-2026"


def link(pattern, message):
    found = re.search(rf"https?://[^/\s]+({pattern})", message.body)
    assert found, message.body
    return found.group(1)


def test_invite_sign_up_verify_accept(page: Page, browser, live_server) -> None:
    membership = MembershipFactory(user__username="olivia", role=Role.OWNER)
    business = membership.business
    log_in(page, "olivia", PASSWORD)
    page.goto(f"/b/{business.pk}/members/")
    field(page, "E-mail address").fill("nia@newhire.example")
    field(page, "Role").select_option(label="Editor")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status")).to_contain_text(
        "An invitation was sent to nia@newhire.example"
    )
    expect(page.get_by_test_id("pending-invitations")).to_contain_text("nia@newhire.example")

    # The invitee, in a browser of their own, at phone width.
    (invitation_mail,) = mail.outbox
    invitation_path = link(r"/invitations/[\w-]+/", invitation_mail)
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, base_url=live_server.url, reduced_motion="reduce"
    )
    context.set_default_timeout(10_000)
    nia = context.new_page()
    nia.goto(invitation_path)
    expect(nia.get_by_role("heading", name=f"Join {business.name}")).to_be_visible()
    expect(nia.get_by_text("olivia")).to_be_visible()
    assert nia.evaluate("document.documentElement.scrollWidth") <= 390
    nia.get_by_role("link", name="Sign up").click()
    field(nia, "Email").fill("nia@newhire.example")
    field(nia, "Username").fill("nia")
    field(nia, "Password").fill(NEW_PASSWORD)
    field(nia, "Password (again)").fill(NEW_PASSWORD)
    nia.get_by_role("button", name="Sign up").click()
    expect(nia.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()
    assert not Membership.objects.filter(user__username="nia").exists()

    confirm_path = link(r"/accounts/confirm-email/[^/\s]+/", mail.outbox[-1])
    nia.goto(confirm_path)
    nia.get_by_role("button", name="Confirm").click()
    # Back on the invitation, now logged in with the confirmed address.
    nia.get_by_role("button", name="Accept and join").click()
    expect(nia.get_by_role("status")).to_contain_text(f"Welcome to {business.name}")
    expect(nia).to_have_url(re.compile(rf"/b/{business.pk}/$"))  # the dashboard
    expect(nia.get_by_test_id("business-switcher")).to_contain_text(business.name)
    assert Membership.objects.get(user__username="nia", business=business).role == Role.EDITOR
    nia.screenshot(path="test-artifacts/invitation-accepted-390.png", full_page=True)
    context.close()
