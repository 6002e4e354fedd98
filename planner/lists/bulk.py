"""Bulk actions on the tasks selected on a list's page: change the status, shift the schedule,
put posts in their platforms' next free posting slots, set the campaign or the assignee,
delete. Each task goes through services.task_save or task_delete (its rollups, tallies,
review state, activity row and webhooks, as a single edit), all of them in one transaction; a
task the change would make invalid is refused with the reason and left as it was, and the
others are changed."""

import datetime
import zoneinfo
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from planner import rollups, services
from planner.compose import slots
from planner.compose.selectors import free_slots, slot_rows
from planner.models import Kind, Task

MAX_SELECTED = 100  # a page holds 25; the bound keeps one request's work small
NO_FREE_SLOT = f"Its platform has no free posting slot in the next {slots.SEARCH_WEEKS} weeks."


@dataclass
class Outcome:
    changed: list = field(default_factory=list)  # tasks changed (or deleted)
    unchanged: list = field(default_factory=list)  # tasks that had what was asked already
    refused: list = field(default_factory=list)  # (task, reason)


def _messages(error):
    if hasattr(error, "message_dict"):
        return "; ".join(
            f"{message}" for messages in error.message_dict.values() for message in messages
        )
    return "; ".join(error.messages)


def _shifted(task, days):
    offset = datetime.timedelta(days=days)
    if task.kind == Kind.SMO:
        if task.scheduled_at is None:
            raise ValidationError("It has no publish time to shift.")
        task.scheduled_at += offset
    else:
        if task.flight_start is None:
            raise ValidationError("It has no flight to shift.")
        task.flight_start += offset
        task.flight_end = task.flight_end + offset if task.flight_end else None


def apply_choice(task, action, value):
    """Put the change on the task (not saved, not checked): ValidationError if it has nothing
    the change can move."""
    if action == "status":
        task.status = value
    elif action == "shift":
        _shifted(task, value)
    elif action == "campaign":
        task.campaign = value
    elif action == "assignee":
        task.assignee = value
    elif action == "slot":  # `value`: the moment _slot_plan gave the task
        task.scheduled_at = value


def apply_change(task, action, value):
    """Put the change on the task (not saved); ValidationError if it cannot take it."""
    apply_choice(task, action, value)
    task.full_clean(exclude=["image"])


def _unchanged(task, action, value):
    """True if the task has what `action` asks already (nothing to save, nothing to log)."""
    if action == "status":
        return task.status == value
    if action in ("campaign", "assignee"):
        return getattr(task, f"{action}_id") == (value.pk if value else None)
    return False


def _slot_plan(business, tasks):
    """The posts' next free slots: {task id: moment, or None if its platform has none left},
    in their publish order (unscheduled ones last), each slot given once. A post already at
    one of its platform's slot moments keeps it (not in the plan)."""
    zone = zoneinfo.ZoneInfo(business.time_zone)
    now = timezone.now()
    first, last = slots.search_span(now, zone)
    platforms = {task.platform_id for task in tasks}
    rows = slot_rows(business, platforms)
    at_slots = {(s.platform_id, s.moment) for s in slots.moments(rows, first, last, zone)}
    free = {}
    for slot in free_slots(business, first, last, zone, now, platforms, slot_list=rows):
        free.setdefault(slot.platform_id, []).append(slot.moment)
    plan = {}
    order = sorted(tasks, key=lambda t: (t.scheduled_at is None, t.scheduled_at or now, t.pk))
    for task in order:
        if (task.platform_id, task.scheduled_at) in at_slots and task.scheduled_at > now:
            continue
        left = free.get(task.platform_id, [])
        plan[task.pk] = left.pop(0) if left else None
    return plan


@transaction.atomic
def bulk_change(business, user, tasks, action, value):
    """Change (or delete) `tasks`, the business's own, read again under the business's lock."""
    outcome = Outcome()
    rollups.lock(business.pk)  # read and written under it: no edit in between is lost
    found = list(
        Task.objects.for_business(business).filter(pk__in=[t.pk for t in tasks]).order_by("pk")
    )
    plan = _slot_plan(business, found) if action == "slot" else {}
    for task in found:
        if action == "slot":
            if task.pk not in plan:
                outcome.unchanged.append(task)  # in one of its platform's slots already
                continue
            if plan[task.pk] is None:
                outcome.refused.append((task, NO_FREE_SLOT))
                continue
            value = plan[task.pk]
        if action == "delete":
            services.task_delete(task, by=user)
            outcome.changed.append(task)
            continue
        if _unchanged(task, action, value):
            outcome.unchanged.append(task)
            continue
        try:
            with transaction.atomic():
                apply_change(task, action, value)
                # Its version moves, as a form's save moves it: a form opened before this
                # change is then refused as stale, not saved over it.
                services.task_save(task, seen_version=task.version, by=user)
        except ValidationError as error:
            outcome.refused.append((task, _messages(error)))
        else:
            outcome.changed.append(task)
    return outcome
