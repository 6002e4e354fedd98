"""Review moves and comments. Each move locks the business (as every write that moves tallies
does), checks the move against the table (review.decide) and the task's version, moves the
state and the tallies that count it, and writes its activity row: all in one transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from planner import rollups
from planner.models import Membership, Role, Task
from planner.teamwork import mentions, notify, review
from planner.teamwork.activity import record
from planner.teamwork.models import Comment, Verb
from planner.teamwork.review import Action, ApprovalMode, ReviewRefused, ReviewState
from planner.webhooks import events as webhook_events

STALE = (
    "It was changed after you opened it: nothing was recorded. Read the new version, then "
    "review it again."
)
MAX_COMMENT = 5000


@transaction.atomic
def review_task(business, task_id, action, *, user, membership, comment="", seen_version=None):
    """Take a review `action` on a task of `business` as `user`; ReviewRefused says why not.

    `seen_version` is the task's version the member was looking at: an approval of a task
    edited since is refused (STALE), so nobody approves what they have not seen.
    """
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise ReviewRefused(f"A comment can be at most {MAX_COMMENT:,} characters.")
    try:
        mentioned = mentioned_members(business, comment)
    except ValidationError as error:
        raise ReviewRefused(error.messages[0]) from None
    rollups.lock(business.pk)
    task = Task.objects.select_related("business").filter(pk=task_id, business=business).first()
    if task is None:
        raise ReviewRefused("This task was deleted meanwhile.")
    if seen_version is not None and task.version != seen_version:
        raise ReviewRefused(STALE)
    settings = task.business  # read under the lock: the settings as they are now
    transition = review.decide(
        settings.approval_mode,
        action,
        task.review_state,
        can_work=membership.can_edit,
        can_approve=membership.is_approver,
        is_author=task.review_requested_by_id == user.pk,
        authors_cannot_approve=settings.authors_cannot_approve,
        comment=comment,
    )
    before = task.review_state
    move_state(task, transition.target, requested_by=user if action == Action.REQUEST else None)
    activity = record(
        task, user, action, from_state=before, to_state=task.review_state, comment=comment
    )
    told = notify.review_moved(task, action, user, activity, comment)
    webhook_events.review_decided(task, action, user.get_username(), comment)
    if comment:  # in the task's thread too, where the author reads and answers it; whoever
        # the move itself tells is not told again of a mention in it
        _add_comment(task, user, user.get_username(), comment, set(mentioned) - set(told))
    return task


def move_state(task, target, requested_by=None):
    """Move a task (read under the business's lock) to review state `target`, with its
    tallies. Approved work sent back in "required" mode is held back (scheduled → draft,
    active → paused) in the same move."""
    rollups.tally(task, -1)
    rollups.calendar_count(task, -1)
    if task.review_state == ReviewState.APPROVED and target == ReviewState.CHANGES:
        task.status = review.after_changes_requested(
            task.business.approval_mode, task.kind, task.status
        )
    task.review_state = target
    if requested_by is not None:
        task.review_requested_by = requested_by
    Task.objects.filter(pk=task.pk).update(
        review_state=task.review_state,
        review_requested_by=task.review_requested_by_id,
        status=task.status,
    )
    rollups.tally(task, +1)
    rollups.calendar_count(task, +1)


def content_values(task):
    values = {name: getattr(task, name) for name in review.CONTENT_FIELDS[task.kind]}
    if "image" in values:
        values["image"] = values["image"].name or ""
    return values


def review_on_save(before, task, by):
    """Part of services.task_save, under its lock: the review state is carried over from the
    saved row (a form never sets it), approved content that changed goes back to review, and
    a status the approval mode holds back is refused (ValidationError on `status`).

    Sets `task.review_notice` to what the member should be told, or "".
    """
    mode = task.business.approval_mode
    sent_back, changed, refusal = carry_review(mode, before, task, by)
    if refusal:
        raise ValidationError({"status": refusal})
    if sent_back and mode != ApprovalMode.OFF:  # hidden while review is off: nobody is asked
        activity = record(task, by, Action.EDITED, **sent_back_words(before, task, changed))
        if by is not None:
            notify.review_moved(task, Action.EDITED, by, activity)


def carry_review(mode, before, task, by):
    """The review part of a save, without its writes (the bulk change of every task that
    matches a list's filters uses it too): carries the review state over onto `task`, sends
    approved content that changed back to review, and returns (sent_back, the content fields
    changed, why the new status is refused or None). Sets `task.review_notice`."""
    task.review_notice = ""
    if before is None:
        task.review_state, task.review_requested_by = ReviewState.NONE, None
        old_status, sent_back, changed = None, False, []
    else:
        task.review_state = before.review_state
        task.review_requested_by_id = before.review_requested_by_id
        old_status = before.status
        changed = review.changed_content(task.kind, content_values(before), content_values(task))
        state = review.after_content_edit(mode, task.kind, before.review_state, before.status)
        sent_back = bool(changed) and state != before.review_state
        if changed and before.review_state == ReviewState.IN_REVIEW and by is not None:
            # Whoever changes work in review is one of its authors: they cannot approve it.
            task.review_requested_by = by
    if sent_back:
        task.review_state, task.review_requested_by = state, by
        task.status = review.held_back(mode, task.kind, old_status, task.status, sent_back)
        if mode != ApprovalMode.OFF:
            task.review_notice = "It was approved: the change sends it back to review" + (
                f", and it is {task.get_status_display().lower()} until approved again."
                if task.status != old_status
                else "."
            )
    refusal = review.status_refusal(mode, task.kind, old_status, task.status, task.review_state)
    return sent_back, changed, refusal


def sent_back_words(before, task, changed):
    """The activity row's states and comment for approved work an edit sent back to review."""
    return {
        "from_state": before.review_state,
        "to_state": task.review_state,
        "comment": "Changed: " + ", ".join(_label(task, name) for name in changed),
    }


def _label(task, name):
    field = task._meta.get_field(name.removesuffix("_id"))
    return str(field.verbose_name)


# Comments.


class CommentRefused(Exception):
    """Not the commenter's to change, or gone."""


def mentioned_members(business, body):
    """The user ids `body` mentions; ValidationError naming any mention of a non-member."""
    names = mentions.mentioned(body)
    if not names:
        return []
    if len(names) > mentions.MAX_MENTIONS:
        raise ValidationError(f"Mention at most {mentions.MAX_MENTIONS} people in one comment.")
    members = {
        username.lower(): user_id
        for user_id, username in Membership.objects.filter(business=business).values_list(
            "user_id", "user__username"
        )
    }
    unknown = [name for name in names if name.lower() not in members]
    if unknown:
        listed = ", ".join(f"@{name}" for name in unknown[:5])
        raise ValidationError(
            f"{listed} {'is not a member' if len(unknown) == 1 else 'are not members'} of "
            "this business: mention members only (type @ for the list)."
        )
    return [members[name.lower()] for name in names]


def _add_comment(task, author, author_name, body, mentioned, by_client=False):
    comment = Comment.objects.create(
        business_id=task.business_id,
        task=task,
        author=author,
        author_name=author_name,
        by_client=by_client,
        body=body,
    )
    notify.mentioned(comment, mentioned)
    return comment


@transaction.atomic
def comment_add(task, *, author, body):
    """A member's comment on `task`; ValidationError (at `body`) for bad mentions or length."""
    body = _checked_body(body)
    mentioned = mentioned_members(task.business, body)
    comment = _add_comment(task, author, author.get_username(), body, mentioned)
    # The text stays in the comment alone, so editing or deleting it leaves no copy behind.
    record(task, author, Verb.COMMENT)
    return comment


@transaction.atomic
def comment_edit(comment, *, user, body):
    """The author's new text; people newly mentioned are told (the others were already)."""
    if comment.author_id != user.pk or comment.by_client:
        raise CommentRefused("Only its author can edit a comment.")
    body = _checked_body(body)
    mentioned = mentioned_members(comment.task.business, body)
    comment.body, comment.edited_at = body, timezone.now()
    comment.save(update_fields=["body", "edited_at"])
    notify.mentioned(comment, mentioned)
    return comment


@transaction.atomic
def comment_delete(comment, *, user, membership):
    """Its author deletes their own; owners delete any."""
    if comment.author_id != user.pk and membership.role != Role.OWNER:
        raise CommentRefused("Only its author or an owner can delete a comment.")
    comment.delete()


def _checked_body(body):
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise ValidationError("Write something first.")
    if len(body) > MAX_COMMENT:
        raise ValidationError(f"A comment can be at most {MAX_COMMENT:,} characters.")
    return body
