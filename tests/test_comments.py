"""Comments on tasks, with @mentions: who may write, edit and delete, what bad input gets, and
the task page's queries at any number of comments."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planner.teamwork import mentions
from planner.teamwork.models import Activity, Comment, Notification
from tests.factories import MembershipFactory, SmoTaskFactory
from tests.form_checks import all_rows


def add_url(task):
    return reverse("comment_create", args=[task.business_id, task.pk])


def edit_url(comment):
    return reverse("comment_edit", args=[comment.business_id, comment.task_id, comment.pk])


def delete_url(comment):
    return reverse("comment_delete", args=[comment.business_id, comment.task_id, comment.pk])


def detail_url(task):
    return reverse(f"{task.kind}_detail", args=[task.business_id, task.pk])


def everything():
    return all_rows(), list(Comment.objects.values()), list(Notification.objects.values())


@pytest.mark.parametrize(
    "text, names",
    [
        ("@editor please look", ["editor"]),
        ("Thanks @owner.", ["owner"]),
        ("@ann, @bob and @ann again", ["ann", "bob"]),
        ("mail ann@example.com about it", []),
        ("@first.last-name_2 ok", ["first.last-name_2"]),
        ("no mention @ here", []),
    ],
)
def test_mentions_are_read_from_the_text(text, names):
    assert mentions.mentioned(text) == names


def test_a_member_comments_and_mentions(
    client_for, business, owner, editor, smo_task, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(editor).post(add_url(smo_task), {"body": "@Owner can you look?"})
    assert response.status_code == 302 and response.url.endswith("#comments")
    comment = Comment.objects.get()
    assert (comment.author, comment.author_name, comment.by_client) == (editor, "editor", False)
    told = Notification.objects.get()
    assert (told.user, told.kind) == (owner, "mention")
    assert "editor mentioned you" in told.text
    # The log says a comment was made; its text stays in the comment alone (so a deleted
    # comment leaves no copy behind).
    logged = Activity.objects.get(task=smo_task, verb="comment")
    assert logged.comment == "" and logged.actor == editor
    page = client_for(owner).get(detail_url(smo_task)).content.decode()
    assert "@Owner can you look?" in page and 'id="mention-members"' in page


def test_a_mention_of_a_non_member_is_refused(client_for, business, editor, smo_task, outsider):
    before = everything()
    response = client_for(editor).post(add_url(smo_task), {"body": "Ask @outsider and @nobody"})
    assert response.status_code == 400
    errors = response.context["thread"]["form"].errors["body"]
    assert "@outsider, @nobody are not members of this business" in errors[0]
    assert everything() == before


@pytest.mark.parametrize("body, message", [("   ", "required"), ("x" * 5001, "at most 5000")])
def test_empty_or_huge_comments_are_refused(client_for, business, editor, smo_task, body, message):
    before = everything()
    response = client_for(editor).post(add_url(smo_task), {"body": body})
    assert response.status_code == 400
    assert message in response.context["thread"]["form"].errors["body"][0]
    assert everything() == before


def test_viewers_cannot_comment_but_a_client_approver_can(client_for, business, viewer, smo_task):
    before = everything()
    assert client_for(viewer).post(add_url(smo_task), {"body": "Hi"}).status_code == 403
    assert everything() == before
    assert b"comment-form" not in client_for(viewer).get(detail_url(smo_task)).content
    client_user = MembershipFactory(business=business, role="viewer", can_approve=True).user
    assert (
        client_for(client_user).post(add_url(smo_task), {"body": "Fine by me"}).status_code == 302
    )


def test_another_business_task_is_404(client_for, business, outsider, other_business, owner):
    theirs = SmoTaskFactory(business=other_business)
    url = reverse("comment_create", args=[business.pk, theirs.pk])
    assert client_for(owner).post(url, {"body": "Hi"}).status_code == 404
    assert client_for(outsider).post(add_url(theirs), {"body": "Hi"}).status_code == 302
    own_url = reverse("comment_create", args=[other_business.pk, theirs.pk])
    assert client_for(owner).post(own_url, {"body": "Hi"}).status_code == 404


def test_anonymous_is_sent_to_log_in(client, smo_task):
    response = client.post(add_url(smo_task), {"body": "Hi"})
    assert response.status_code == 302 and reverse("account_login") in response.url
    assert not Comment.objects.exists()


def comment_by(user, task, body="First"):
    return Comment.objects.create(
        business=task.business, task=task, author=user, author_name=user.username, body=body
    )


def test_authors_edit_their_own_and_only_their_own(
    client_for, business, owner, editor, smo_task, django_capture_on_commit_callbacks
):
    mine = comment_by(editor, smo_task)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(editor).post(edit_url(mine), {"body": "Second, @owner"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.body == "Second, @owner" and mine.edited_at is not None
    assert Notification.objects.filter(user=owner, kind="mention").count() == 1
    with django_capture_on_commit_callbacks(execute=True):  # saved again: nobody told twice
        client_for(editor).post(edit_url(mine), {"body": "Second, @owner!"})
    assert Notification.objects.filter(user=owner, kind="mention").count() == 1
    before = everything()
    assert client_for(owner).get(edit_url(mine)).status_code == 403
    assert client_for(owner).post(edit_url(mine), {"body": "Not mine"}).status_code == 403
    assert everything() == before


def test_an_edit_with_a_bad_mention_changes_nothing(client_for, business, editor, smo_task):
    mine = comment_by(editor, smo_task)
    before = everything()
    response = client_for(editor).post(edit_url(mine), {"body": "@ghost"})
    assert response.status_code == 400
    assert "@ghost is not a member" in response.context["form"].errors["body"][0]
    assert everything() == before


def test_owners_delete_any_comment_others_only_their_own(
    client_for, business, owner, editor, smo_task
):
    owners = comment_by(owner, smo_task)
    before = everything()
    assert client_for(editor).post(delete_url(owners)).status_code == 403
    assert everything() == before
    editors = comment_by(editor, smo_task, "Mine")
    assert client_for(editor).get(delete_url(editors)).status_code == 200  # asks first
    assert client_for(editor).post(delete_url(editors)).status_code == 302
    assert client_for(owner).post(delete_url(owners)).status_code == 302
    assert not Comment.objects.exists()


def test_a_comment_of_another_task_is_404(client_for, business, owner, smo_task, smm_task):
    other = comment_by(owner, smm_task)
    url = reverse("comment_edit", args=[business.pk, smo_task.pk, other.pk])
    assert client_for(owner).get(url).status_code == 404


def test_the_task_page_reads_the_same_queries_at_any_number_of_comments(
    client_for, business, owner, smo_task
):
    business.approval_mode = "optional"
    business.save()
    client = client_for(owner)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(detail_url(smo_task)).status_code == 200
        return len(captured)

    def add(count):
        Comment.objects.bulk_create(
            Comment(business=business, task=smo_task, author=owner, author_name="o", body="c")
            for _ in range(count)
        )

    add(10)
    queries()
    small = queries()
    add(10_000)
    page = client.get(detail_url(smo_task))
    assert len(page.context["thread"]["comments"]) == 100 and page.context["thread"]["earlier"]
    assert queries() == small
