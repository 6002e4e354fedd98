"""Writes that touch several rows or models, each in one transaction."""

import zoneinfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from planner import calendar_feed, rollups
from planner.api.keys import revoke_keys_of
from planner.models import (
    Business,
    Kind,
    Membership,
    ResultEntry,
    Role,
    Task,
    new_feed_token,
    plannable_local_date,
)
from planner.teamwork import notify
from planner.teamwork.activity import record, record_business, task_saved
from planner.teamwork.models import Verb
from planner.teamwork.services import review_on_save
from planner.webhooks import events as webhook_events


class EditConflict(Exception):
    """Someone saved the row since this edit began; `current` is the row as saved now."""

    def __init__(self, current):
        super().__init__(f"{current} changed since it was opened")
        self.current = current


def claim_version(instance, seen_version):
    """Bump the row's version if it is still `seen_version`, else raise EditConflict.

    The version is checked in the UPDATE itself, so of two saves based on the same version
    exactly one wins, on SQLite and PostgreSQL alike. Call inside the saving transaction.
    """
    if instance.pk is None or seen_version is None:
        return
    claimed = (
        type(instance)
        .objects.filter(pk=instance.pk, version=seen_version)
        .update(version=F("version") + 1)
    )
    if not claimed:
        raise EditConflict(type(instance).objects.get(pk=instance.pk))
    instance.version = seen_version + 1


@transaction.atomic
def save_checked(instance, seen_version=None):
    """Save a platform or campaign edit unless someone else saved it first."""
    claim_version(instance, seen_version)
    instance.save()
    calendar_feed.forget_etag(instance.business_id)  # events show platforms and campaigns
    return instance


@transaction.atomic
def business_create(*, user, **fields):
    """Create a business with its creator as owner."""
    business = Business.objects.create(**fields)
    Membership.objects.create(business=business, user=user, role=Role.OWNER)
    return business


def _owners_left_after(membership, new_role):
    # Lock the owner rows so two owners cannot demote each other at the same moment.
    owners = list(
        Membership.objects.select_for_update()
        .filter(business_id=membership.business_id, role=Role.OWNER)
        .values_list("pk", flat=True)
    )
    if new_role == Role.OWNER:
        return len(set(owners) | {membership.pk})
    return len(set(owners) - {membership.pk})


@transaction.atomic
def member_change_role(membership, role, can_approve=None, by=None):
    """A member's new role (and whether they approve work, unless None: kept)."""
    if _owners_left_after(membership, role) == 0:
        raise ValidationError("The last owner cannot be demoted: make someone else owner first.")
    saved = Membership.objects.get(pk=membership.pk)  # a form may have set the new values
    before = (saved.get_role_display(), saved.can_approve)
    membership.role = role
    if can_approve is not None:
        membership.can_approve = can_approve
    membership.save(update_fields=["role", "can_approve"])
    if role != Role.OWNER:
        # Only owners hold keys: a demoted owner's keys would keep powers they no longer have.
        revoke_keys_of(membership.business_id, membership.user, by)
    after = (membership.get_role_display(), membership.can_approve)
    if after != before:
        record_business(
            membership.business_id,
            by,
            Verb.MEMBER,
            f"{membership.user.get_username()}: {_member_words(*before)} → {_member_words(*after)}",
        )


def _member_words(role, approver):
    return f"{role}{', approver' if approver else ''}"


@transaction.atomic
def member_remove(membership, by=None):
    if _owners_left_after(membership, None) == 0:
        raise ValidationError("The last owner cannot be removed: make someone else owner first.")
    name = membership.user.get_username()
    left = by is not None and by.pk == membership.user_id
    record_business(
        membership.business_id,
        by,
        Verb.MEMBER,
        f"{name} left the business" if left else f"{name} was removed ({membership.role})",
    )
    revoke_keys_of(membership.business_id, membership.user, by)  # a key is its creator's power
    membership.delete()


def work_date(task, time_zone):
    """The day a task's production cost and estimate count on (see Task.work_date).

    ValidationError if a post's local day is not plannable: Task.clean and Business.clean
    refuse such a publish time or time zone first, so this only stops writes past the forms.
    """
    tz = zoneinfo.ZoneInfo(time_zone)
    if task.kind == Kind.SMO and task.scheduled_at:
        return plannable_local_date(task.scheduled_at, time_zone)
    if task.kind == Kind.SMM and task.flight_start:
        return task.flight_start
    return (task.created_at or timezone.now()).astimezone(tz).date()


@transaction.atomic
def task_save(task, seen_version=None, by=None):
    """Save a task (new or changed) by the user `by`, move its amounts in the rollups and its
    tallies, and keep its review state (planner/teamwork: an edit of approved content sends
    it back to review; ValidationError on `status` if the approval mode holds the status back).

    With `seen_version`, refuse (EditConflict) if someone saved the task since.
    """
    rollups.lock(task.business_id)
    claim_version(task, seen_version)
    before = Task.objects.get(pk=task.pk) if task.pk else None
    review_on_save(before, task, by)
    if before:
        rollups.tally(before, -1)
        rollups.calendar_count(before, -1)
        rollups.count_task(before, -1)
    task.work_date = work_date(task, task.business.time_zone)
    sums = rollups.figures_of([task.pk]).get(task.pk) if task.pk else None
    rollups.set_figures(task, sums or rollups.no_figures())
    task.save()
    rollups.tally(task, +1)
    rollups.calendar_count(task, +1)
    rollups.count_task(task, +1)
    if before and rollups.task_key(before) != rollups.task_key(task):
        # Its time and results count under its kind, platform and campaign: they move too.
        rollups.count_entries(task, rollups.task_key(before), -1)
        rollups.count_entries(task, rollups.task_key(task), +1)
    task_saved(before, task, by)
    webhook_events.task_saved(before, task)
    if task.assignee_id and (before is None or before.assignee_id != task.assignee_id):
        notify.assigned(task, by, task.version)
    calendar_feed.forget_etag(task.business_id)
    return task


@transaction.atomic
def task_delete(task, by=None):
    rollups.lock(task.business_id)
    before = Task.objects.get(pk=task.pk)
    record(before, by, Verb.DELETED)
    webhook_events.task_deleted(before)
    rollups.tally(before, -1)
    rollups.calendar_count(before, -1)
    rollups.count_task(before, -1)
    rollups.count_entries(before, rollups.task_key(before), -1)
    task.delete()
    calendar_feed.forget_etag(before.business_id)


@transaction.atomic
def entry_save(entry):
    """Save a time or result entry; the business comes from its task, never from input."""
    entry.business_id = entry.task.business_id
    rollups.lock(entry.business_id)
    before = type(entry).objects.select_related("task").filter(pk=entry.pk).first()
    if before:  # a changed entry (the admin allows it): out of its old day and task first
        if before.business_id != entry.business_id:
            rollups.lock(before.business_id)
        rollups.count_entry(before, before.task, -1)
    entry.save()
    rollups.count_entry(entry, entry.task, +1)
    if isinstance(entry, ResultEntry):
        if before and before.task_id != entry.task_id:  # moved in the admin: both change
            rollups.refresh_figures(before.business_id, [before.task_id])
        rollups.refresh_figures(entry.business_id, [entry.task_id])
    return entry


@transaction.atomic
def entry_delete(entry):
    rollups.lock(entry.business_id)
    # Counted out as it is now, not as it was read: an edit since then must not linger.
    current = type(entry).objects.select_related("task").filter(pk=entry.pk).first()
    if current is None:
        return  # deleted meanwhile: counted out then
    current.delete()
    rollups.count_entry(current, current.task, -1)
    if isinstance(current, ResultEntry):
        rollups.refresh_figures(current.business_id, [current.task_id])


@transaction.atomic
def business_update(business):
    """Save business settings; a new time zone moves posts' work dates, so re-sum everything."""
    before = Business.objects.select_for_update(no_key=True).get(pk=business.pk)  # as rollups.lock
    if business.require_mfa and not before.require_mfa:
        # The feed's address is a key without a second factor: a new one, given only to
        # members who pass the new rule (on the calendar page).
        business.ical_token = new_feed_token()
    business.save()
    if before.time_zone != business.time_zone:
        tasks = list(Task.objects.for_business(business))
        for task in tasks:
            task.work_date = work_date(task, business.time_zone)
        Task.objects.bulk_update(tasks, ["work_date"], batch_size=2000)
        rollups.refresh(business.pk)
        rollups.refresh_calendar(business.pk)  # posts' local days moved
    calendar_feed.forget_etag(business.pk)
    return business


def _platform_moved(platform, target):
    """The platform is content (planner/teamwork/review.py): approved work moved to another
    platform goes back to review, and in "required" mode a scheduled post or running ad is
    held back until approved again. The tallies are recounted by the caller."""
    from planner.teamwork.review import HELD_BACK, ApprovalMode, ReviewState

    approved = Task.objects.filter(platform=platform, review_state=ReviewState.APPROVED)
    count = approved.count()
    if not count:
        return
    if platform.business.approval_mode == ApprovalMode.REQUIRED:
        for kind, (held, fallback) in HELD_BACK.items():
            approved.filter(kind=kind, status=held).update(status=fallback)
    approved.update(review_state=ReviewState.IN_REVIEW)
    record_business(
        platform.business_id,
        None,
        Verb.CHANGED,
        f"{count} approved task(s) moved from {platform} to {target}: back to review",
    )


@transaction.atomic
def move_tasks_and_delete(obj, field, target):
    """Delete a platform or campaign after moving its tasks to `target` (None: no campaign).

    Tasks are never deleted with it; the moved tasks' versions change, so an edit opened
    before the move cannot silently put them back.
    """
    business_id = obj.business_id
    rollups.lock(business_id)
    if field == "platform":
        _platform_moved(obj, target)
    Task.objects.filter(**{field: obj}).update(**{field: target, "version": F("version") + 1})
    obj.delete()
    rollups.refresh(business_id)
    rollups.refresh_tallies(business_id)
    calendar_feed.forget_etag(business_id)
