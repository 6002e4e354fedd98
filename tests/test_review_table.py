"""The review state machine, exhaustively: every mode × action × state × kind of member × the
"authors cannot approve" setting, against the rules as the issue states them (written out
here independently of planner/teamwork/review.py's table)."""

import itertools

import pytest

from planner.teamwork import review
from planner.teamwork.review import Action, ApprovalMode, ReviewRefused, ReviewState

MODES = list(ApprovalMode)
STATES = list(ReviewState)
ACTIONS = list(review.BUTTONS)
# (can edit tasks, is an approver): an editor, an owner (or approving editor), a viewer
# made approver (a client), a plain viewer.
MEMBERS = {
    "editor": (True, False),
    "approver": (True, True),
    "client": (False, True),
    "viewer": (False, False),
}

# The moves the issue names, from → to.
MOVES = {
    (Action.REQUEST, ReviewState.NONE): ReviewState.IN_REVIEW,
    (Action.REQUEST, ReviewState.CHANGES): ReviewState.IN_REVIEW,  # fixed: ask again
    (Action.WITHDRAW, ReviewState.IN_REVIEW): ReviewState.NONE,
    (Action.APPROVE, ReviewState.IN_REVIEW): ReviewState.APPROVED,
    (Action.REQUEST_CHANGES, ReviewState.IN_REVIEW): ReviewState.CHANGES,
    (Action.REQUEST_CHANGES, ReviewState.APPROVED): ReviewState.CHANGES,  # changed their mind
}
APPROVERS_ONLY = {Action.APPROVE, Action.REQUEST_CHANGES}


def expected(mode, action, state, member, is_author, authors_cannot_approve, comment):
    """The target state, or None for a refusal."""
    can_work, can_approve = MEMBERS[member]
    if mode == ApprovalMode.OFF:
        return None
    if action in APPROVERS_ONLY and not can_approve:
        return None
    if action not in APPROVERS_ONLY and not can_work:
        return None
    if (action, state) not in MOVES:
        return None
    if action == Action.APPROVE and is_author and authors_cannot_approve:
        return None
    if action == Action.REQUEST_CHANGES and not comment.strip():
        return None
    return MOVES[(action, state)]


CASES = list(
    itertools.product(
        MODES, ACTIONS, STATES, MEMBERS, [True, False], [True, False], ["", "  ", "Fix it"]
    )
)


@pytest.mark.parametrize(
    "mode, action, state, member, is_author, authors_cannot_approve, comment", CASES
)
def test_every_move_in_every_mode(
    mode, action, state, member, is_author, authors_cannot_approve, comment
):
    want = expected(mode, action, state, member, is_author, authors_cannot_approve, comment)
    can_work, can_approve = MEMBERS[member]
    arguments = {
        "can_work": can_work,
        "can_approve": can_approve,
        "is_author": is_author,
        "authors_cannot_approve": authors_cannot_approve,
    }
    if want is None:
        with pytest.raises(ReviewRefused) as refused:
            review.decide(mode, action, state, comment=comment, **arguments)
        assert str(refused.value)  # always a reason to show
    else:
        assert review.decide(mode, action, state, comment=comment, **arguments).target == want
    # The buttons shown are exactly the moves that would be taken (given a comment).
    shown = review.allowed_actions(mode, state, **arguments)
    assert (action in shown) == (
        expected(mode, action, state, member, is_author, authors_cannot_approve, "x") is not None
    )


def test_the_edit_move_is_not_a_button():
    with pytest.raises(ReviewRefused, match="no such review action"):
        review.decide(
            ApprovalMode.OPTIONAL,
            Action.EDITED,
            ReviewState.APPROVED,
            can_work=True,
            can_approve=True,
            is_author=False,
            authors_cannot_approve=False,
        )


@pytest.mark.parametrize(
    "action, state, message",
    [
        (Action.APPROVE, ReviewState.APPROVED, "already approved"),
        (Action.REQUEST, ReviewState.IN_REVIEW, "already in review"),
        (Action.APPROVE, ReviewState.NONE, "ask for review first"),
        (Action.REQUEST_CHANGES, ReviewState.CHANGES, "already been requested"),
    ],
)
def test_wrong_state_says_why(action, state, message):
    with pytest.raises(ReviewRefused, match=message):
        review.decide(
            ApprovalMode.REQUIRED,
            action,
            state,
            can_work=True,
            can_approve=True,
            is_author=False,
            authors_cannot_approve=True,
            comment="c",
        )


# Content edits and statuses: (mode, kind, state, status) -> state after an edit of content.
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", ["smo", "smm"])
@pytest.mark.parametrize("state", STATES)
def test_an_edit_of_approved_content_sends_it_back(mode, kind, state):
    statuses = (
        ["draft", "scheduled", "published", "archived"]
        if kind == "smo"
        else [
            "draft",
            "active",
            "paused",
            "completed",
            "archived",
        ]
    )
    done = {"published", "archived", "completed"}
    for status in statuses:  # the status before the edit
        after = review.after_content_edit(mode, kind, state, status)
        # With review off too: hidden, the approval must not outlive the edit.
        sends_back = state == ReviewState.APPROVED
        assert after == (ReviewState.IN_REVIEW if sends_back and status not in done else state)


@pytest.mark.parametrize(
    "mode, kind, old, new, sent_back, result",
    [
        (ApprovalMode.REQUIRED, "smo", "scheduled", "scheduled", True, "draft"),
        (ApprovalMode.REQUIRED, "smm", "active", "active", True, "paused"),
        (ApprovalMode.REQUIRED, "smo", "scheduled", "scheduled", False, "scheduled"),
        (ApprovalMode.REQUIRED, "smo", "draft", "draft", True, "draft"),
        (ApprovalMode.OPTIONAL, "smo", "scheduled", "scheduled", True, "scheduled"),
        (ApprovalMode.OPTIONAL, "smm", "active", "active", True, "active"),
        (ApprovalMode.OFF, "smm", "active", "active", True, "active"),
    ],
)
def test_required_mode_holds_back_what_lost_its_approval(mode, kind, old, new, sent_back, result):
    assert review.held_back(mode, kind, old, new, sent_back) == result


GATED = {"smo": {"scheduled", "published"}, "smm": {"active", "completed"}}
ALL_STATUSES = {
    "smo": ["idea", "draft", "scheduled", "published", "archived"],
    "smm": ["draft", "active", "paused", "completed", "archived"],
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", ["smo", "smm"])
@pytest.mark.parametrize("state", STATES)
def test_required_mode_gates_going_public(mode, kind, state):
    for old, new in itertools.product([None, *ALL_STATUSES[kind]], ALL_STATUSES[kind]):
        refusal = review.status_refusal(mode, kind, old, new, state)
        refused = (
            mode == ApprovalMode.REQUIRED
            and new != old
            and new in GATED[kind]
            and state != ReviewState.APPROVED
        )
        assert bool(refusal) == refused, (old, new)
        if refused:
            assert "Approval is required" in refusal
