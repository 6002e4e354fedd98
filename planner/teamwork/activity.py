"""The activity log's rows, written by the services in the transaction of each change: who
did what to which task (or to the business), and for a change, each field's old and new value
in words."""

from django.utils import timezone

from planner.models import Task
from planner.teamwork.models import Activity, Verb


def record(
    task, actor, verb, *, from_state="", to_state="", comment="", actor_name=None, changes=()
):
    """Write one activity row for `task` (call inside the transaction of the change)."""
    return Activity.objects.create(
        business_id=task.business_id,
        task=task,
        task_title=task.title,
        actor=actor,
        actor_name=actor_name or _name(actor),
        verb=verb,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        changes=list(changes),
    )


def record_business(business_id, actor, verb, comment):
    """An activity row of the business itself (an import, a member change)."""
    return Activity.objects.create(
        business_id=business_id, actor=actor, actor_name=_name(actor), verb=verb, comment=comment
    )


def _name(actor):
    return actor.get_username() if actor else "the planner"


# What a task's change lists: the fields members fill in, not what the planner keeps itself.
NOT_LOGGED = {
    "id",
    "business",
    "kind",
    "created_at",
    "updated_at",
    "version",
    "work_date",
    "search_text",
    "media_spend",
    "pace_over_from",
    "pace_over_until",
    "pace_under_from",
    "review_state",
    "review_requested_by",
}
SHOWN_LENGTH = 120


def logged_fields(attnames=None):
    """The task's fields a change lists (of those in `attnames`, if given)."""
    return [
        field
        for field in Task._meta.concrete_fields
        if field.name not in NOT_LOGGED and (attnames is None or field.attname in attnames)
    ]


def task_changes(before, task, fields=None):
    """[[label, old, new], …] of the fields a save changed, as a reader would say them (of
    `fields` only, when the caller knows no other can differ)."""
    rows = []
    for field in fields or logged_fields():
        old, new = getattr(before, field.attname), getattr(task, field.attname)
        if field.name == "image":
            old, new = old.name or "", new.name or ""
        if old == new or (old in (None, "") and new in (None, "")):
            continue
        rows.append([str(field.verbose_name), _shown(before, field), _shown(task, field)])
    return rows


def _shown(task, field):
    if field.name == "status":
        return task.get_status_display()
    value = getattr(task, field.name)
    if field.choices and value:
        value = task._get_FIELD_display(field)
    elif field.name == "image":
        value = value.name
    elif hasattr(value, "astimezone"):
        value = timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    elif field.is_relation and value is not None:
        value = getattr(value, "username", None) or str(value)
    text = "—" if value in (None, "") else str(value)
    return text if len(text) <= SHOWN_LENGTH else text[: SHOWN_LENGTH - 1] + "…"


def task_saved(before, task, by):
    """Part of services.task_save, after the save: its activity row."""
    if before is None:
        record(task, by, Verb.CREATED)
        return
    changes = task_changes(before, task)
    if changes:
        only_status = [label for label, _old, _new in changes] == ["status"]
        record(task, by, Verb.STATUS if only_status else Verb.CHANGED, changes=changes)
