"""Review and approval through the pages: the task page's review panel and its moves, the
approval modes' rules on the task forms, and the activity row each move writes."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from planner import rollups, services
from planner.forms import TASK_FORMS
from planner.models import Membership, Task, TaskTally
from planner.teamwork import review
from planner.teamwork.models import Activity
from planner.teamwork.services import MAX_COMMENT, STALE
from tests.factories import MembershipFactory, SmmTaskFactory, SmoTaskFactory, UserFactory
from tests.form_checks import all_rows, assert_field_error


@pytest.fixture
def optional(business):
    business.approval_mode = "optional"
    business.save()
    return business


@pytest.fixture
def required(business):
    business.approval_mode = "required"
    business.save()
    return business


def review_url(task, action):
    return reverse("task_review", args=[task.business_id, task.pk, action])


def detail_url(task):
    return reverse(f"{task.kind}_detail", args=[task.business_id, task.pk])


def edit_url(task):
    return reverse(f"{task.kind}_edit", args=[task.business_id, task.pk])


def move(client, task, action, comment="", version=None):
    task.refresh_from_db()
    return client.post(
        review_url(task, action),
        {"comment": comment, "seen_version": task.version if version is None else version},
    )


def form_data(task, **changes):
    """What the task's edit form holds as opened, with `changes`."""
    form = TASK_FORMS[task.kind](instance=task, business=task.business)
    data = {}
    for name in form.fields:
        value = form[name].value()
        if name == "image" or value is None:
            continue
        if isinstance(value, datetime.datetime):  # the form gives it naive, in local time
            value = value.strftime("%Y-%m-%dT%H:%M")
        data[name] = value
    return {**data, **changes}


def state_of(task):
    task.refresh_from_db()
    return task.review_state


def verbs(task):
    """The task's review moves, oldest first (its other activity left out)."""
    moves = Activity.objects.filter(task=task, verb__in=[*review.BUTTONS, review.Action.EDITED])
    return list(moves.order_by("pk").values_list("verb", flat=True))


# The loop, as the five actors see it.


def test_editor_asks_owner_approves_and_each_move_is_recorded(
    client_for, optional, owner, editor, smo_task
):
    response = move(client_for(editor), smo_task, "request")
    assert response.status_code == 302 and response.url.endswith("#review")
    assert state_of(smo_task) == "in_review"
    assert smo_task.review_requested_by == editor

    page = client_for(owner).get(detail_url(smo_task))
    assert b'data-testid="review-approve"' in page.content
    assert move(client_for(owner), smo_task, "approve").status_code == 302
    assert state_of(smo_task) == "approved"
    assert verbs(smo_task) == ["request", "approve"]
    rows = Activity.objects.filter(task=smo_task, verb__in=review.BUTTONS).order_by("pk")
    assert [(r.actor, r.from_state, r.to_state) for r in rows] == [
        (editor, "none", "in_review"),
        (owner, "in_review", "approved"),
    ]
    shown = client_for(owner).get(detail_url(smo_task)).content.decode()
    assert "editor</strong> asked for review" in shown
    assert "owner</strong> approved it" in shown


def test_viewer_cannot_move_anything(client_for, optional, viewer, smo_task):
    before = all_rows()
    for action in ("request", "approve", "withdraw", "request_changes"):
        assert move(client_for(viewer), smo_task, action, "c").status_code == 403
    assert all_rows() == before
    assert b"review-form" not in client_for(viewer).get(detail_url(smo_task)).content


def test_a_client_viewer_marked_approver_approves_but_cannot_ask(
    client_for, optional, business, editor, smo_task
):
    client_user = MembershipFactory(business=business, role="viewer", can_approve=True).user
    assert move(client_for(editor), smo_task, "request").status_code == 302
    refused = move(client_for(client_user), smo_task, "withdraw")
    assert refused.status_code == 400
    assert "Only members who can edit tasks" in refused.content.decode()
    assert move(client_for(client_user), smo_task, "approve").status_code == 302
    assert state_of(smo_task) == "approved"


def test_outsider_and_anonymous_reach_nothing(client, client_for, optional, outsider, smo_task):
    before = all_rows()
    assert move(client_for(outsider), smo_task, "request").status_code == 404
    client.logout()
    response = move(client, smo_task, "request")
    assert response.status_code == 302 and reverse("account_login") in response.url
    assert all_rows() == before


def test_another_business_task_is_404_even_for_its_owner(
    client_for, optional, outsider, other_business
):
    theirs = SmoTaskFactory(business=other_business)
    url = reverse("task_review", args=[optional.pk, theirs.pk, "request"])
    member = MembershipFactory(business=optional, role="owner").user
    assert client_for(member).post(url, {"seen_version": 1}).status_code == 404


def test_an_unknown_action_is_404(client_for, optional, owner, smo_task):
    assert move(client_for(owner), smo_task, "publish").status_code == 404


# Bad input: a clear message, nothing saved.


def refused(response, message):
    assert response.status_code == 400
    assert message in response.content.decode()


def test_an_author_cannot_approve_their_own_work(client_for, optional, owner, smo_task):
    assert move(client_for(owner), smo_task, "request").status_code == 302
    page = client_for(owner).get(detail_url(smo_task)).content.decode()
    assert 'data-testid="own-work"' in page and "review-approve" not in page
    before = all_rows(), verbs(smo_task)
    refused(move(client_for(owner), smo_task, "approve"), "someone else must approve it")
    assert (all_rows(), verbs(smo_task)) == before


def test_unless_the_business_allows_it(client_for, optional, owner, smo_task):
    optional.authors_cannot_approve = False
    optional.save()
    move(client_for(owner), smo_task, "request")
    assert move(client_for(owner), smo_task, "approve").status_code == 302
    assert state_of(smo_task) == "approved"


def test_approving_twice_is_refused(client_for, optional, owner, editor, smo_task):
    move(client_for(editor), smo_task, "request")
    assert move(client_for(owner), smo_task, "approve").status_code == 302
    before = all_rows(), verbs(smo_task)
    refused(move(client_for(owner), smo_task, "approve"), "It is already approved.")
    assert (all_rows(), verbs(smo_task)) == before


def test_a_stale_approval_after_an_edit_is_refused(client_for, optional, owner, editor, smo_task):
    move(client_for(editor), smo_task, "request")
    opened = Task.objects.get(pk=smo_task.pk).version  # the owner opens the page
    edit = client_for(editor).post(edit_url(smo_task), form_data(smo_task, title="Better title"))
    assert edit.status_code == 302
    before = all_rows(), verbs(smo_task)
    response = move(client_for(owner), smo_task, "approve", version=opened)
    refused(response, STALE.split(":")[0])
    assert (all_rows(), verbs(smo_task)) == before
    assert move(client_for(owner), smo_task, "approve").status_code == 302  # the new version


def test_requesting_changes_needs_a_comment(client_for, optional, owner, editor, smo_task):
    move(client_for(editor), smo_task, "request")
    for blank in ("", "   \n "):
        refused(
            move(client_for(owner), smo_task, "request_changes", blank), "a comment is required"
        )
    assert state_of(smo_task) == "in_review"
    assert (
        move(client_for(owner), smo_task, "request_changes", "Shorter, please").status_code == 302
    )
    assert state_of(smo_task) == "changes"
    assert Activity.objects.get(task=smo_task, verb="request_changes").comment == "Shorter, please"
    # The author fixes it and asks again.
    assert move(client_for(editor), smo_task, "request").status_code == 302
    assert state_of(smo_task) == "in_review"


def test_a_huge_comment_is_refused(client_for, optional, owner, editor, smo_task):
    move(client_for(editor), smo_task, "request")
    before = all_rows()
    response = move(client_for(owner), smo_task, "request_changes", "x" * (MAX_COMMENT + 1))
    assert response.status_code == 400
    errors = response.context["review"]["form"].errors["comment"]
    assert "at most 5000 characters" in errors[0]
    assert "at most 5000 characters" in response.content.decode()
    assert all_rows() == before


def test_a_missing_version_is_refused(client_for, optional, editor, smo_task):
    before = all_rows()
    response = client_for(editor).post(review_url(smo_task, "request"), {"comment": ""})
    assert response.status_code == 400 and all_rows() == before


def test_with_review_off_there_is_no_panel_and_no_move(client_for, business, owner, smo_task):
    assert business.approval_mode == "off"
    assert b"review-panel" not in client_for(owner).get(detail_url(smo_task)).content
    before = all_rows()
    refused(move(client_for(owner), smo_task, "request"), "Review is off for this business")
    assert all_rows() == before


def test_a_failed_audit_row_leaves_the_move_undone(
    client_for, optional, editor, smo_task, monkeypatch
):
    def broken(**fields):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Activity.objects, "create", broken)
    before = all_rows()
    client = client_for(editor)
    client.raise_request_exception = False
    assert move(client, smo_task, "request").status_code == 500
    assert all_rows() == before  # neither the state nor its tallies moved


def test_each_move_moves_the_tallies(client_for, optional, owner, editor, smo_task):
    move(client_for(editor), smo_task, "request")

    def counted():
        return {
            (r.status, r.review_state): r.count
            for r in TaskTally.objects.filter(business=optional, kind="smo")
            if r.count
        }

    assert counted() == {("draft", "in_review"): 1}
    rollups.refresh_tallies(optional.pk)
    assert counted() == {("draft", "in_review"): 1}


# Editing approved work, and the "required" mode's hold on scheduling.


def approved(client_for, owner, editor, task):
    move(client_for(editor), task, "request")
    assert move(client_for(owner), task, "approve").status_code == 302
    task.refresh_from_db()
    return task


def test_editing_approved_content_sends_it_back_to_review(
    client_for, optional, owner, editor, smo_task
):
    approved(client_for, owner, editor, smo_task)
    response = client_for(owner).post(
        edit_url(smo_task), form_data(smo_task, post_text="New text"), follow=True
    )
    assert "sends it back to review" in response.content.decode()
    assert state_of(smo_task) == "in_review"
    assert smo_task.review_requested_by == owner  # the one who changed it is its author now
    edited = Activity.objects.get(task=smo_task, verb="edited")
    assert edited.actor == owner and "post text" in edited.comment


def test_editing_what_is_not_content_keeps_the_approval(
    client_for, optional, owner, editor, smo_task
):
    approved(client_for, owner, editor, smo_task)
    data = form_data(smo_task, estimated_hours="3", assignee=editor.pk)
    assert client_for(owner).post(edit_url(smo_task), data).status_code == 302
    assert state_of(smo_task) == "approved"
    assert "edited" not in verbs(smo_task)


def test_required_mode_refuses_scheduling_until_approved(
    client_for, required, owner, editor, smo_task
):
    data = form_data(smo_task, status="scheduled", scheduled_at="2026-12-10T09:00")
    before = all_rows()
    response = client_for(editor).post(edit_url(smo_task), data)
    assert response.status_code == 400
    assert_field_error(response, "status", "Approval is required before a post is scheduled")
    assert all_rows() == before
    approved(client_for, owner, editor, smo_task)
    assert client_for(editor).post(edit_url(smo_task), data).status_code == 302
    smo_task.refresh_from_db()
    assert smo_task.status == "scheduled"


def test_required_mode_refuses_a_new_post_created_scheduled(client_for, required, editor, platform):
    url = reverse("smo_create", args=[required.pk])
    data = {
        "platform": platform.pk,
        "title": "Launch",
        "post_text": "Hello",
        "status": "scheduled",
        "scheduled_at": "2026-12-10T09:00",
        "estimated_hours": "1",
    }
    before = all_rows()
    response = client_for(editor).post(url, data)
    assert_field_error(response, "status", "Approval is required")
    assert all_rows() == before
    assert client_for(editor).post(url, {**data, "status": "draft"}).status_code == 302


def test_required_mode_holds_an_ad_back_until_approved(
    client_for, required, owner, editor, platform
):
    ad = SmmTaskFactory(business=required, platform=platform)
    response = client_for(editor).post(edit_url(ad), form_data(ad, status="active"))
    assert_field_error(response, "status", "Approval is required before an ad goes live")
    approved(client_for, owner, editor, ad)
    assert client_for(editor).post(edit_url(ad), form_data(ad, status="active")).status_code == 302
    ad.refresh_from_db()
    # A new headline on the running ad: back to review, and paused until approved again.
    response = client_for(editor).post(edit_url(ad), form_data(ad, ad_headline="New"), follow=True)
    assert "paused until approved again" in response.content.decode()
    ad.refresh_from_db()
    assert (ad.review_state, ad.status) == ("in_review", "paused")


def test_required_mode_sends_an_edited_scheduled_post_back_to_draft(
    client_for, required, owner, editor, smo_task
):
    approved(client_for, owner, editor, smo_task)
    data = form_data(smo_task, status="scheduled", scheduled_at="2026-12-10T09:00")
    assert client_for(editor).post(edit_url(smo_task), data).status_code == 302
    smo_task.refresh_from_db()
    # Moving it on the calendar keeps the approval: the time is not content.
    moved = client_for(editor).post(
        reverse("calendar_reschedule", args=[required.pk, smo_task.pk]),
        {"scheduled_at": "2026-12-11T09:00"},
    )
    assert moved.status_code == 302
    assert state_of(smo_task) == "approved" and smo_task.status == "scheduled"
    edit = client_for(editor).post(edit_url(smo_task), form_data(smo_task, title="Other title"))
    assert edit.status_code == 302
    smo_task.refresh_from_db()
    assert (smo_task.review_state, smo_task.status) == ("in_review", "draft")


def test_grandfathered_scheduled_posts_stay_when_saved_without_a_content_change(
    client_for, business, owner, smo_task
):
    smo_task.status, smo_task.scheduled_at = "scheduled", timezone.now()
    services.task_save(smo_task)
    business.approval_mode = "required"
    business.save()
    data = form_data(smo_task, estimated_hours="2")
    assert client_for(owner).post(edit_url(smo_task), data).status_code == 302
    smo_task.refresh_from_db()
    assert smo_task.status == "scheduled"


# Settings and members.


def test_owner_sets_the_mode_and_marks_an_approver(client_for, business, owner, editor):
    data = {
        "name": business.name,
        "website_url": business.website_url,
        "currency": business.currency,
        "time_zone": business.time_zone,
        "hourly_rate": "50",
        "approval_mode": "required",
    }
    assert (
        client_for(owner).post(reverse("business_edit", args=[business.pk]), data).status_code
        == 302
    )
    business.refresh_from_db()
    assert business.approval_mode == "required" and not business.authors_cannot_approve
    membership = Membership.objects.get(business=business, user=editor)
    url = reverse("member_edit", args=[business.pk, membership.pk])
    assert client_for(owner).post(url, {"role": "editor", "can_approve": "on"}).status_code == 302
    membership.refresh_from_db()
    assert membership.can_approve and membership.is_approver
    members = client_for(owner).get(reverse("member_list", args=[business.pk]))
    assert b'data-testid="approver"' in members.content


def test_an_unknown_mode_is_refused(client_for, business, owner):
    data = {
        "name": business.name,
        "website_url": business.website_url,
        "currency": business.currency,
        "time_zone": business.time_zone,
        "hourly_rate": "50",
        "approval_mode": "sometimes",
    }
    response = client_for(owner).post(reverse("business_edit", args=[business.pk]), data)
    assert_field_error(response, "approval_mode", "Select a valid choice")


def test_a_removed_approver_cannot_approve(client_for, optional, owner, editor, smo_task):
    other = UserFactory()
    MembershipFactory(business=optional, user=other, role="editor", can_approve=True)
    move(client_for(editor), smo_task, "request")
    client = client_for(other)
    Membership.objects.filter(user=other).delete()
    assert move(client, smo_task, "approve").status_code == 404
    assert state_of(smo_task) == "in_review"


# Found in review: ways around the rules, closed.


def test_editing_and_publishing_in_one_save_cannot_keep_an_approval(
    client_for, required, owner, editor, smo_task
):
    approved(client_for, owner, editor, smo_task)
    data = form_data(smo_task, status="scheduled", scheduled_at="2026-12-10T09:00")
    assert client_for(editor).post(edit_url(smo_task), data).status_code == 302
    smo_task.refresh_from_db()
    before = all_rows()
    both = form_data(smo_task, post_text="Rewritten", status="published")
    response = client_for(editor).post(edit_url(smo_task), both)
    assert_field_error(response, "status", "Approval is required")
    assert all_rows() == before


def test_whoever_changes_work_in_review_cannot_approve_it(
    client_for, optional, owner, editor, smo_task
):
    move(client_for(editor), smo_task, "request")
    assert (
        client_for(owner)
        .post(edit_url(smo_task), form_data(smo_task, post_text="Mine"))
        .status_code
        == 302
    )
    refused(move(client_for(owner), smo_task, "approve"), "someone else must approve it")
    assert state_of(smo_task) == "in_review"


def test_changes_requested_on_scheduled_approved_work_hold_it_back(
    client_for, required, owner, editor, smo_task
):
    approved(client_for, owner, editor, smo_task)
    data = form_data(smo_task, status="scheduled", scheduled_at="2026-12-10T09:00")
    client_for(editor).post(edit_url(smo_task), data)
    assert move(client_for(owner), smo_task, "request_changes", "Wait").status_code == 302
    smo_task.refresh_from_db()
    assert (smo_task.review_state, smo_task.status) == ("changes", "draft")
    counted = {
        (r.status, r.review_state): r.count
        for r in TaskTally.objects.filter(business=required, kind="smo")
        if r.count
    }
    assert counted == {("draft", "changes"): 1}


def test_approved_work_moved_off_a_deleted_platform_goes_back_to_review(
    client_for, required, owner, editor, smo_task, platform
):
    from tests.factories import PlatformFactory

    approved(client_for, owner, editor, smo_task)
    data = form_data(smo_task, status="scheduled", scheduled_at="2026-12-10T09:00")
    client_for(editor).post(edit_url(smo_task), data)
    other = PlatformFactory(business=required, kind="x", handle="other")
    url = reverse("platform_delete", args=[required.pk, platform.pk])
    assert client_for(owner).post(url, {"move_to": other.pk}).status_code == 302
    smo_task.refresh_from_db()
    assert (smo_task.platform, smo_task.review_state, smo_task.status) == (
        other,
        "in_review",
        "draft",
    )


def test_an_edit_while_review_is_off_does_not_keep_the_approval(
    client_for, optional, owner, editor, smo_task
):
    approved(client_for, owner, editor, smo_task)
    optional.approval_mode = "off"
    optional.save()
    client_for(editor).post(edit_url(smo_task), form_data(smo_task, post_text="Off-time edit"))
    assert state_of(smo_task) == "in_review"
    assert not Activity.objects.filter(task=smo_task, verb="edited").exists()
