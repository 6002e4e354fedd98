"""Review writes. Each move locks the business (as every write that moves tallies does), checks
the move against the table (review.decide) and the task's version, moves the state and the
tallies that count it, and writes its activity row: all in one transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction

from planner import rollups
from planner.models import Task
from planner.teamwork import review
from planner.teamwork.models import Activity
from planner.teamwork.review import Action, ReviewRefused, ReviewState

STALE = (
    "It was changed after you opened it: nothing was recorded. Read the new version, then "
    "review it again."
)
MAX_COMMENT = 5000


def record(task, actor, verb, *, from_state="", to_state="", comment="", actor_name=None):
    """Write one activity row for `task` (call inside the transaction of the change)."""
    return Activity.objects.create(
        business_id=task.business_id,
        task=task,
        task_title=task.title,
        actor=actor,
        actor_name=actor_name or (actor.get_username() if actor else "the planner"),
        verb=verb,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
    )


@transaction.atomic
def review_task(business, task_id, action, *, user, membership, comment="", seen_version=None):
    """Take a review `action` on a task of `business` as `user`; ReviewRefused says why not.

    `seen_version` is the task's version the member was looking at: an approval of a task
    edited since is refused (STALE), so nobody approves what they have not seen.
    """
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise ReviewRefused(f"A comment can be at most {MAX_COMMENT:,} characters.")
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
    rollups.tally(task, -1)
    rollups.calendar_count(task, -1)
    task.review_state = transition.target
    if action == Action.REQUEST:
        task.review_requested_by = user
    Task.objects.filter(pk=task.pk).update(
        review_state=task.review_state, review_requested_by=task.review_requested_by_id
    )
    rollups.tally(task, +1)
    rollups.calendar_count(task, +1)
    record(task, user, action, from_state=before, to_state=task.review_state, comment=comment)
    return task


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
    task.review_notice = ""
    if before is None:
        task.review_state, task.review_requested_by = ReviewState.NONE, None
        old_status, sent_back = None, False
    else:
        task.review_state = before.review_state
        task.review_requested_by_id = before.review_requested_by_id
        old_status = before.status
        changed = review.changed_content(task.kind, content_values(before), content_values(task))
        state = review.after_content_edit(mode, task.kind, before.review_state, task.status)
        sent_back = bool(changed) and state != before.review_state
    if sent_back:
        task.review_state, task.review_requested_by = state, by
        task.status = review.held_back(mode, task.kind, old_status, task.status, sent_back)
        task.review_notice = "It was approved: the change sends it back to review" + (
            f", and it is {task.get_status_display().lower()} until approved again."
            if task.status != old_status
            else "."
        )
    refusal = review.status_refusal(mode, task.kind, old_status, task.status, task.review_state)
    if refusal:
        raise ValidationError({"status": refusal})
    if sent_back:
        record(
            task,
            by,
            Action.EDITED,
            from_state=before.review_state,
            to_state=task.review_state,
            comment="Changed: " + ", ".join(_label(task, name) for name in changed),
        )


def _label(task, name):
    field = task._meta.get_field(name.removesuffix("_id"))
    return str(field.verbose_name)
