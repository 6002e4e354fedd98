"""A whole business as one JSON document, and back: data people can take with them.

The export holds the business's settings, members' roles (by username), platforms, campaigns,
tasks, time entries and results. Rows refer to each other by their position in the file, not
by database ids, so an import creates fresh rows in a new business. Post images are files and
are not included. Members come back only where their username exists here; hours logged by
someone who does not are kept without a member. Importing checks every row with the models'
own validation and constraints and with the rules the forms add on top (quarter hours,
hashtags, fields of the other kind left empty), and saves all of it or nothing.

The platforms' text limits are not checked: a post moved to another platform, or whose
platform changed kind, can be over its new limit in the app itself (its page warns, and its
form asks for a shorter text), and a backup of that business must still restore.
"""

import datetime
import zoneinfo
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

from planner import rollups, services, text_rules
from planner.forms import SmmTaskForm, SmoTaskForm, quarter_hours
from planner.models import (
    Business,
    Campaign,
    Kind,
    Membership,
    Platform,
    ResultEntry,
    Role,
    Task,
    TimeEntry,
    currency_choices,
)

FORMAT = "campaign-planner/1"
BUSINESS_FIELDS = ("name", "website_url", "currency", "time_zone", "hourly_rate")
PLATFORM_FIELDS = ("kind", "handle", "profile_url", *Platform.CHECKLIST)
CAMPAIGN_FIELDS = ("name", "slug", "objective", "start_date", "end_date", "budget", "notes")
TASK_SKIP = {
    "id",
    "business",
    "platform",
    "campaign",
    "assignee",
    "image",
    "created_at",
    "updated_at",
    "version",
}
TASK_FIELDS = tuple(f.name for f in Task._meta.concrete_fields if f.name not in TASK_SKIP)
TIME_FIELDS = ("date", "hours", "note")
RESULT_FIELDS = (
    "date",
    "impressions",
    "reach",
    "engagements",
    "clicks",
    "conversions",
    "conversion_value",
    "spend",
)
# The fields a kind's form does not offer: an organic post has no bid, an ad no post text.
NOT_ON = {
    Kind.SMO: set(SmmTaskForm.Meta.fields) - set(SmoTaskForm.Meta.fields),
    Kind.SMM: set(SmoTaskForm.Meta.fields) - set(SmmTaskForm.Meta.fields) - {"image"},
}
# A field left alone on the other kind's form keeps its default (an SMO post's bid model: CPC).
DEFAULTS = {
    name: Task._meta.get_field(name).get_default() for name in set().union(*NOT_ON.values())
}


class ImportError_(ValueError):  # noqa: N801 - "ImportError" is a builtin
    """The file cannot be imported; the message says why (and where)."""


def export_business(business):
    """The business as plain JSON-ready data, in a fixed number of queries."""
    platforms = list(Platform.objects.for_business(business).order_by("pk"))
    campaigns = list(Campaign.objects.for_business(business).order_by("pk"))
    tasks = list(Task.objects.for_business(business).select_related("assignee").order_by("pk"))
    platform_ref = {p.pk: i for i, p in enumerate(platforms)}
    campaign_ref = {c.pk: i for i, c in enumerate(campaigns)}
    task_ref = {t.pk: i for i, t in enumerate(tasks)}
    members = Membership.objects.filter(business=business).select_related("user")
    return {
        "format": FORMAT,
        "exported_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "business": _values(business, BUSINESS_FIELDS),
        "members": [{"username": m.user.username, "role": m.role} for m in members],
        "platforms": [_values(p, PLATFORM_FIELDS) for p in platforms],
        "campaigns": [_values(c, CAMPAIGN_FIELDS) for c in campaigns],
        "tasks": [
            {
                **_values(t, TASK_FIELDS),
                "platform": platform_ref[t.platform_id],
                "campaign": campaign_ref.get(t.campaign_id),
                "assignee": t.assignee.username if t.assignee_id else None,
            }
            for t in tasks
        ],
        "time_entries": [
            {
                **_values(e, TIME_FIELDS),
                "task": task_ref[e.task_id],
                "user": e.user.username if e.user_id else None,
            }
            for e in TimeEntry.objects.filter(task__business=business)
            .select_related("user")
            .order_by("pk")
        ],
        "results": [
            {**_values(r, RESULT_FIELDS), "task": task_ref[r.task_id]}
            for r in ResultEntry.objects.filter(task__business=business).order_by("pk")
        ],
    }


@transaction.atomic
def import_business(data, owner):
    """Create a new business from an export; `owner` becomes its owner. All or nothing."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportError_(f"This is not a campaign planner export (expected format {FORMAT}).")
    users = _users_by_name(data)
    business = _build(Business, data.get("business"), BUSINESS_FIELDS, "business")
    if business.time_zone not in zoneinfo.available_timezones():
        raise ImportError_(f"business: unknown time zone {business.time_zone!r}.")
    if business.currency not in {code for code, _name in currency_choices()}:
        raise ImportError_(f"business: unknown currency {business.currency!r}.")
    business.save()
    Membership.objects.create(business=business, user=owner, role=Role.OWNER)
    for i, member in enumerate(_list(data, "members")):
        user = users.get(member.get("username"))
        if user and user != owner and member.get("role") in Role.values:
            Membership.objects.create(business=business, user=user, role=member["role"])
        elif member.get("role") not in Role.values:
            raise ImportError_(f"members[{i}]: unknown role {member.get('role')!r}.")

    platforms = [
        _check_platform(
            _build(Platform, row, PLATFORM_FIELDS, f"platforms[{i}]", business=business),
            f"platforms[{i}]",
        )
        for i, row in enumerate(_list(data, "platforms"))
    ]
    try:
        platforms = Platform.objects.bulk_create(platforms)
    except IntegrityError as error:
        raise ImportError_("platforms: the same profile appears twice.") from error
    campaigns = Campaign.objects.bulk_create(
        [
            _build(Campaign, row, CAMPAIGN_FIELDS, f"campaigns[{i}]", business=business)
            for i, row in enumerate(_list(data, "campaigns"))
        ]
    )
    tasks = []
    for i, row in enumerate(_list(data, "tasks")):
        where = f"tasks[{i}]"
        task = _build(
            Task,
            row,
            TASK_FIELDS,
            where,
            business=business,
            platform=_pick(platforms, row.get("platform"), where, "platform"),
            campaign=_pick(campaigns, row.get("campaign"), where, "campaign", optional=True),
            assignee=_user(users, row.get("assignee"), where),
            exclude=() if row.get("work_date") else ("work_date",),
        )
        tasks.append(_check_task(task, where))
    try:
        _save_rows(business, tasks, users, data)
    except IntegrityError as error:
        raise ImportError_(f"The file repeats a row that must be unique ({error}).") from error
    rollups.refresh(business.pk)
    rollups.refresh_tallies(business.pk)
    return business


def _save_rows(business, tasks, users, data):
    tasks = Task.objects.bulk_create(tasks, batch_size=2000)
    entries = []
    for i, row in enumerate(_list(data, "time_entries")):
        where = f"time_entries[{i}]"
        # Hours by someone with no account here (or a deleted one) are kept without a member,
        # as the app keeps them when an account is deleted: the totals stay the same.
        user = _user(users, row.get("user"), where)
        entry = _build(
            TimeEntry,
            row,
            TIME_FIELDS,
            where,
            exclude=() if user else ("user",),
            business=business,
            task=_pick(tasks, row.get("task"), where, "task"),
            user=user,
        )
        entries.append(_check_time_entry(entry, where))
    TimeEntry.objects.bulk_create(entries, batch_size=2000)
    results = []
    for i, row in enumerate(_list(data, "results")):
        where = f"results[{i}]"
        result = _build(
            ResultEntry,
            row,
            RESULT_FIELDS,
            where,
            exclude=("task",),
            business=business,
            task=_pick(tasks, row.get("task"), where, "task"),
        )
        results.append(_check_result(result, where))
    ResultEntry.objects.bulk_create(results, batch_size=2000)


def _check_platform(platform, where):
    """What PlatformForm.clean_handle does: '@name ' is stored as 'name', and it cannot be empty."""
    platform.handle = platform.handle.strip().lstrip("@").strip()
    if not platform.handle:
        raise ImportError_(f"{where}: handle: Enter the profile's handle.")
    return platform


def _check_task(task, where):
    """The rules SmoTaskForm and SmmTaskForm hold beyond the model's own."""
    for name in sorted(NOT_ON[task.kind]):
        value = getattr(task, name)
        if value not in (None, "") and value != DEFAULTS[name]:
            other = "paid (SMM)" if task.kind == Kind.SMO else "organic (SMO)"
            raise ImportError_(f"{where}: {name} belongs to {other} tasks only.")
    _check(where, "estimated_hours", quarter_hours, task.estimated_hours, allow_zero=True)
    if task.kind == Kind.SMO:
        tags = text_rules.split_hashtags(task.hashtags)
        if tags is None:
            raise ImportError_(f"{where}: hashtags: each one is a word of letters, digits or _.")
        task.hashtags = " ".join(tags)
        task.post_text = task.post_text.replace("\r\n", "\n")
    else:
        for name in ("objective", "bid_model", "budget_type"):
            if not getattr(task, name):
                raise ImportError_(f"{where}: {name}: an ad campaign needs one.")
    return task


def _check_time_entry(entry, where):
    """TimeEntryForm's rule beyond the model's: quarter hours."""
    _check(where, "hours", quarter_hours, entry.hours)
    return entry


def _check_result(result, where):
    """ResultEntryForm has no spend for organic work: it would count as paid media."""
    if result.task.kind == Kind.SMO and result.spend:
        raise ImportError_(f"{where}: spend: organic (SMO) tasks have no media spend.")
    return result


def _check(where, name, rule, value, **kwargs):
    try:
        rule(value, **kwargs)
    except ValidationError as error:
        raise ImportError_(f"{where}: {name}: {error.messages[0]}") from error


def _values(obj, fields):
    return {name: _plain(getattr(obj, name)) for name in fields}


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value


def _list(data, key):
    rows = data.get(key, [])
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise ImportError_(f"{key}: expected a list of objects.")
    return rows


def _users_by_name(data):
    names = set()
    for i, member in enumerate(_list(data, "members")):
        if not isinstance(member.get("username"), str):
            raise ImportError_(f"members[{i}]: the username must be text.")
        names.add(member["username"])
    return {u.username: u for u in get_user_model().objects.filter(username__in=names)}


def _user(users, username, where):
    """A member by username; None if the file names nobody or someone unknown here."""
    if username is not None and not isinstance(username, str):
        raise ImportError_(f"{where}: a username must be text.")
    return users.get(username)


def _pick(rows, index, where, name, optional=False):
    if index is None and optional:
        return None
    if not isinstance(index, int) or not 0 <= index < len(rows):
        raise ImportError_(f"{where}: {name} {index!r} is not in the file.")
    return rows[index]


def _build(model, row, fields, where, exclude=(), **related):
    """A model instance from a row, checked with the model's validation and constraints."""
    if not isinstance(row, dict):
        raise ImportError_(f"{where}: expected an object.")
    values = {name: row[name] for name in fields if name in row}
    for name, value in values.items():
        if isinstance(value, list | dict):
            raise ImportError_(f"{where}: {name} must be a single value.")
    try:
        obj = model(**values, **related)
        obj.full_clean(exclude=[*exclude, "business", "ical_token"], validate_unique=False)
        if model is Task and obj.work_date is None:
            # An export from before work dates: place the task as the app would.
            obj.work_date = services.work_date(obj, related["business"].time_zone)
    except ValidationError as error:
        raise ImportError_(f"{where}: {_first_message(error)}") from error
    except (TypeError, ValueError) as error:
        raise ImportError_(f"{where}: {error}") from error
    return obj


def _first_message(error):
    if hasattr(error, "message_dict"):
        field, messages = next(iter(error.message_dict.items()))
        return messages[0] if field == NON_FIELD_ERRORS else f"{field}: {messages[0]}"
    return error.messages[0]
