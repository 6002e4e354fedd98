"""What the task page's review panel reads: two rows at most (settings come with the task)."""

from planner.teamwork import review
from planner.teamwork.forms import ReviewForm
from planner.teamwork.models import Activity
from planner.teamwork.review import ApprovalMode, ReviewState

HISTORY_SHOWN = 20


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
