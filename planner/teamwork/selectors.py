"""What the task page's review panel and comment thread read, in a fixed number of queries."""

from planner.models import Membership
from planner.teamwork import review
from planner.teamwork.forms import CommentForm, ReviewForm
from planner.teamwork.models import Activity, Comment
from planner.teamwork.review import ApprovalMode, ReviewState

HISTORY_SHOWN = 20
COMMENTS_SHOWN = 100
MEMBERS_LISTED = 500  # the @ autocomplete's choices


def member_names(business):
    """The usernames a comment can mention, for the autocomplete."""
    return list(
        Membership.objects.filter(business=business)
        .order_by("user__username")
        .values_list("user__username", flat=True)[:MEMBERS_LISTED]
    )


def comment_thread(business, membership, user, task, form=None):
    """The task page's comments: the latest COMMENTS_SHOWN, oldest first, and the form (for
    members who take part). Two queries: the comments, the members' names."""
    latest = list(
        Comment.objects.filter(task=task).order_by("-created_at", "-id")[: COMMENTS_SHOWN + 1]
    )
    may_write = membership.can_edit or membership.is_approver
    for comment in latest:
        comment.editable = comment.author_id == user.pk and not comment.by_client
        comment.deletable = comment.author_id == user.pk or membership.is_owner
    return {
        "comments": latest[:COMMENTS_SHOWN][::-1],
        "earlier": len(latest) > COMMENTS_SHOWN,
        "form": (form or CommentForm()) if may_write else None,
        "members": member_names(business) if may_write else [],
    }


def review_panel(business, membership, user, task, form=None, action=None):
    """The panel's context, or None when review is off for the business. `form` and `action`
    are a refused move's, to show its message where it was made."""
    if business.approval_mode == ApprovalMode.OFF:
        return None
    is_author = task.review_requested_by_id == user.pk
    actions = review.allowed_actions(
        business.approval_mode,
        task.review_state,
        can_work=membership.can_edit,
        can_approve=membership.is_approver,
        is_author=is_author,
        authors_cannot_approve=business.authors_cannot_approve,
    )
    return {
        "mode": ApprovalMode(business.approval_mode),
        "state": ReviewState(task.review_state),
        "requested_by": task.review_requested_by,
        "actions": [review.Action(value) for value in actions],
        # Why an approver sees no Approve button on work waiting for review.
        "own_work": membership.is_approver
        and is_author
        and business.authors_cannot_approve
        and task.review_state == ReviewState.IN_REVIEW,
        "history": list(Activity.objects.filter(task=task)[:HISTORY_SHOWN]),
        "form": form or ReviewForm(initial={"seen_version": task.version}),
        "failed_action": action,
    }
