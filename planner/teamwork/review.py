"""Review and approval: the states, the one table of allowed moves, and the rules around them.

Pure: no database. The services (planner/teamwork/services.py) ask `decide()` before every
move and write the move with its audit row; the task form and services.task_save ask
`status_refusal()` and `after_content_edit()`. docs/domain.md explains the rules in words.
"""

from dataclasses import dataclass

from django.db.models import TextChoices


class ApprovalMode(TextChoices):
    OFF = "off", "Off: no review"
    OPTIONAL = "optional", "Optional: members ask for review when they want it"
    REQUIRED = "required", "Required: nothing is scheduled or goes live before it is approved"


class ReviewState(TextChoices):
    NONE = "none", "Not in review"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    CHANGES = "changes", "Changes requested"


class Action(TextChoices):
    REQUEST = "request", "Ask for review"
    WITHDRAW = "withdraw", "Withdraw from review"
    APPROVE = "approve", "Approve"
    REQUEST_CHANGES = "request_changes", "Request changes"
    # Not a button: an edit of an approved task's content sends it back to review.
    EDITED = "edited", "Content edited"


# Who may take an action.
WORKER = "worker"  # a member who can edit tasks (editor or owner)
APPROVER = "approver"  # an owner, or a member an owner marked as approver
SYSTEM = "system"  # done by the planner itself, as part of a save


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset
    target: str
    by: str
    needs_comment: bool = False


S = ReviewState
TRANSITIONS = {
    t.action: t
    for t in (
        Transition(Action.REQUEST, frozenset({S.NONE, S.CHANGES}), S.IN_REVIEW, WORKER),
        Transition(Action.WITHDRAW, frozenset({S.IN_REVIEW}), S.NONE, WORKER),
        Transition(Action.APPROVE, frozenset({S.IN_REVIEW}), S.APPROVED, APPROVER),
        Transition(
            Action.REQUEST_CHANGES,
            frozenset({S.IN_REVIEW, S.APPROVED}),
            S.CHANGES,
            APPROVER,
            needs_comment=True,
        ),
        Transition(Action.EDITED, frozenset({S.APPROVED}), S.IN_REVIEW, SYSTEM),
    )
}
# What each mode allows: with review off, nothing moves (states already set are kept, hidden,
# and come back if review is turned on again). Optional and required allow the same moves;
# required also holds back scheduling (see `status_refusal`).
MODE_ACTIONS = {
    ApprovalMode.OFF: frozenset(),
    ApprovalMode.OPTIONAL: frozenset(TRANSITIONS),
    ApprovalMode.REQUIRED: frozenset(TRANSITIONS),
}
BUTTONS = (Action.REQUEST, Action.WITHDRAW, Action.APPROVE, Action.REQUEST_CHANGES)

# The statuses that put a task in front of the public, which approval gates in "required"
# mode: a post scheduled or published, an ad running or run.
GATED = {"smo": frozenset({"scheduled", "published"}), "smm": frozenset({"active", "completed"})}
# Where a scheduled post or a running ad goes when an edit sends it back to review in
# "required" mode, and the statuses whose content edits no longer concern review (done).
HELD_BACK = {"smo": ("scheduled", "draft"), "smm": ("active", "paused")}
DONE = {"smo": frozenset({"published", "archived"}), "smm": frozenset({"completed", "archived"})}

# What an approval approves: the fields a client or approver reads. A post's publish time is
# not among them (moving a post on the calendar keeps its approval); an ad's budget and flight
# are (they are money).
UTM = ("utm_source", "utm_medium", "utm_campaign", "utm_content")
CONTENT_FIELDS = {
    "smo": (
        "platform_id",
        "title",
        "post_text",
        "hashtags",
        "image",
        "image_alt",
        "backlink_url",
        *UTM,
    ),
    "smm": (
        "platform_id",
        "title",
        "objective",
        "bid_model",
        "max_bid",
        "budget_type",
        "budget_amount",
        "flight_start",
        "flight_end",
        "audience_job_titles",
        "audience_interests",
        "audience_locations",
        "audience_age_min",
        "audience_age_max",
        "ad_headline",
        "ad_text",
        "destination_url",
        *UTM,
    ),
}


class ReviewRefused(Exception):
    """A move the table or the business's settings do not allow; the message says why."""


def decide(
    mode,
    action,
    state,
    *,
    can_work,
    can_approve,
    is_author,
    authors_cannot_approve,
    comment="",
):
    """The transition `action` takes from `state`, or ReviewRefused with the reason."""
    transition = TRANSITIONS.get(action)
    if transition is None or transition.by == SYSTEM:
        raise ReviewRefused("There is no such review action.")
    if action not in MODE_ACTIONS[mode]:
        raise ReviewRefused("Review is off for this business: an owner can turn it on in Settings.")
    if transition.by == WORKER and not can_work:
        raise ReviewRefused("Only members who can edit tasks can do this.")
    if transition.by == APPROVER and not can_approve:
        raise ReviewRefused(
            "Only approvers can do this: owners, and the members an owner marks as approvers."
        )
    if state not in transition.sources:
        raise ReviewRefused(_wrong_state(action, state))
    if action == Action.APPROVE and is_author and authors_cannot_approve:
        raise ReviewRefused(
            "You asked for this review (or made the last change): someone else must approve it."
        )
    if transition.needs_comment and not comment.strip():
        raise ReviewRefused("Say what should change: a comment is required.")
    return transition


def _wrong_state(action, state):
    if action == Action.APPROVE and state == S.APPROVED:
        return "It is already approved."
    if action == Action.REQUEST and state == S.IN_REVIEW:
        return "It is already in review."
    if action == Action.REQUEST_CHANGES and state == S.CHANGES:
        return "Changes have already been requested."
    if state == S.NONE:
        return "It is not in review: ask for review first."
    return f"This cannot be done while it is “{S(state).label.lower()}”."


def allowed_actions(mode, state, *, can_work, can_approve, is_author, authors_cannot_approve):
    """The buttons to show a member: every action `decide` would take (a comment aside)."""
    shown = []
    for action in BUTTONS:
        try:
            decide(
                mode,
                action,
                state,
                can_work=can_work,
                can_approve=can_approve,
                is_author=is_author,
                authors_cannot_approve=authors_cannot_approve,
                comment="shown",
            )
        except ReviewRefused:
            continue
        shown.append(action)
    return shown


def changed_content(kind, before, after):
    """Names of the content fields that differ between two {field: value} dicts."""
    return [name for name in CONTENT_FIELDS[kind] if before.get(name) != after.get(name)]


def after_content_edit(mode, kind, state, old_status):
    """The review state after an edit of the content: approved work goes back to review,
    with review off too (hidden then, it must not come back approved when review is turned
    on). Work that was done before the edit (published, completed, archived) is left alone:
    the status before the edit counts, so editing and publishing in one save cannot keep an
    approval."""
    if state != S.APPROVED or old_status in DONE[kind]:
        return state
    return S.IN_REVIEW


def after_changes_requested(mode, kind, status):
    """The status when approved work is sent back by an approver or a client: in "required"
    mode, a scheduled post or a running ad is held back as after an edit."""
    return held_back(mode, kind, status, status, sent_back=True)


def held_back(mode, kind, old_status, new_status, sent_back):
    """The status after a save: in "required" mode, a scheduled post or a running ad whose
    edit just `sent_back` its approval goes back to draft or paused until approved again."""
    held, fallback = HELD_BACK[kind]
    if mode == ApprovalMode.REQUIRED and sent_back and old_status == new_status == held:
        return fallback
    return new_status


def status_refusal(mode, kind, old_status, new_status, state):
    """Why a task may not move to `new_status` (None if it may): in "required" mode a post
    cannot be scheduled or published, nor an ad made active or completed, unless approved."""
    if mode != ApprovalMode.REQUIRED or new_status == old_status or state == S.APPROVED:
        return None
    if new_status not in GATED[kind]:
        return None
    what = "a post is scheduled or published" if kind == "smo" else "an ad goes live"
    return (
        f"Approval is required before {what}: ask for review, and change the status once "
        "it is approved."
    )
