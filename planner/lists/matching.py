"""A bulk action on every task that matches a list's filters, up to MAX_MATCHING of them, done
as a set in one transaction.

Task by task (bulk.bulk_change, through services.task_save) 10,000 tasks took minutes: each
save moves its rows one by one. Here the same decisions are made in Python for each task —
the same rules as the form and the save (the status a kind and the approval mode allow, a
plannable publish time, approved content sent back to review) — and what they change is
written as sets: the task rows in a few UPDATEs, and the tallies, the calendar's days and the
dashboard's rollups moved by their grouped differences (planner/rollup_sets.py). Each task
keeps an activity row, as a single edit does; the people it concerns are told once per bulk
action, not once per task. tests/test_bulk_matching.py checks that the outcome is the one of
bulk.bulk_change, and that every tally and rollup equals a recount.
"""

import copy
import json
import secrets
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Sum
from django.urls import reverse
from django.utils import timezone

from planner import calendar_feed, rollups, services
from planner.lists.bulk import _messages, apply_choice
from planner.models import (
    CalendarTally,
    Campaign,
    DailyRollup,
    Kind,
    MonthlyRollup,
    ResultEntry,
    Task,
    TaskTally,
    TimeEntry,
)
from planner.rollup_sets import Deltas, update_rows
from planner.teamwork import notify
from planner.teamwork.activity import logged_fields, task_changes
from planner.teamwork.models import Activity, NotificationKind, Verb
from planner.teamwork.review import Action, ApprovalMode
from planner.teamwork.services import carry_review, sent_back_words
from planner.webhooks import events as webhook_events
from planner.webhooks.services import active_subscriptions

User = get_user_model()
MAX_MATCHING = 10_000  # what one request may change: 10,000 statuses take ~2 s
CHUNK = 2000  # ids per IN (…): well inside SQLite's and PostgreSQL's limits
SHOWN_REFUSED = 3  # titles named per reason; the rest are counted

# The task columns a bulk action can change, as the rows' UPDATE writes them.
WRITTEN = (
    "status",
    "scheduled_at",
    "flight_start",
    "flight_end",
    "campaign_id",
    "assignee_id",
    "review_state",
    "review_requested_by_id",
    "work_date",
    *rollups.FIGURE_FIELDS,
)
LOGGED = logged_fields(frozenset(WRITTEN))  # nothing else of a task changes here
TALLY_KEY = ("kind", "status", "review_state", "platform_id", "campaign_id")
ROLLUP_KEY = ("kind", "platform_id", "campaign_id")


@dataclass
class SetOutcome:
    changed: int = 0  # tasks changed (or deleted)
    unchanged: int = 0  # tasks that had what was asked already
    refused: dict = field(default_factory=dict)  # reason -> [count, first titles]

    def refuse(self, task, reason):
        count_titles = self.refused.setdefault(reason, [0, []])
        count_titles[0] += 1
        if len(count_titles[1]) < SHOWN_REFUSED:
            count_titles[1].append(task.title)


def _load(business, ids):
    """The tasks whole, with the business, the campaigns and the assignees they name
    attached: their activity rows name them, with no query per task."""
    tasks = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        tasks += Task.objects.for_business(business).filter(pk__in=chunk).defer("search_text")
    campaigns = {c.pk: c for c in Campaign.objects.filter(pk__in={t.campaign_id for t in tasks})}
    users = {u.pk: u for u in User.objects.filter(pk__in={t.assignee_id for t in tasks})}
    for task in tasks:
        task.business = business
        task.campaign = campaigns.get(task.campaign_id)
        task.assignee = users.get(task.assignee_id)
    return sorted(tasks, key=lambda task: task.pk)


@transaction.atomic
def change_matching(business, user, ids, action, value):
    """Change (or delete) the tasks `ids` of `business` as `user`: `action` and `value` as
    bulk.bulk_change takes them. Read again under the business's lock."""
    rollups.lock(business.pk)
    tasks = _load(business, sorted(ids))
    outcome = SetOutcome()
    if action == "delete":
        _delete(business, user, tasks)
        outcome.changed = len(tasks)
        return outcome
    mode = business.approval_mode
    pairs, sent_back = [], []
    for task in tasks:
        before = copy.copy(task)
        try:
            apply_choice(task, action, value)
            _check(task, action)
            back, changed, refusal = carry_review(mode, before, task, user)
            if refusal:
                raise ValidationError({"status": refusal})
        except ValidationError as error:
            outcome.refuse(task, _messages(error))
            continue
        task.work_date = services.work_date(task, business.time_zone)
        if action == "shift":  # a flight's budget and pace move with it; its results stay
            rollups.set_figures(task, rollups.sums_of(task))
        if _columns(before) == _columns(task):
            outcome.unchanged += 1
            continue
        pairs.append((before, task))
        if back and mode != ApprovalMode.OFF:
            sent_back.append((before, task, changed))
    _write(business, user, pairs, sent_back)
    outcome.changed = len(pairs)
    return outcome


def _columns(task):
    return tuple(getattr(task, name) for name in WRITTEN)


# The rules the form's full_clean and the database's constraints hold a change to, in Python:
# full_clean asks the database for each task (its foreign keys, its check constraints).
NEEDS = {
    ("smo", "scheduled"): (("scheduled_at",), "task_scheduled_post_has_time"),
    ("smm", "active"): (("flight_start", "flight_end"), "task_active_ad_has_flight"),
}
SHIFTED = ("scheduled_at", "flight_start", "flight_end")


def _check(task, action):
    needs = NEEDS.get((task.kind, task.status))
    if needs and any(getattr(task, name) is None for name in needs[0]):
        constraint = next(c for c in Task._meta.constraints if c.name == needs[1])
        raise ValidationError(constraint.violation_error_message)
    if action == "shift":
        others = [f.name for f in Task._meta.concrete_fields if f.name not in SHIFTED]
        task.clean_fields(exclude=others)  # the dates' own range
        task.clean()  # a plannable local day, a flight not too long


def _write(business, user, pairs, sent_back):
    if not pairs:
        return
    _move_counts(business, pairs)
    _update_tasks(pairs)
    _record(business, user, pairs, sent_back)
    _tell(business, user, pairs, sent_back)
    _emit(business, pairs)
    calendar_feed.forget_etag(business.pk)


def _update_tasks(pairs):
    """The changed columns of each task, with its version bumped (a form opened before the
    change is then refused as stale, not saved over it): one UPDATE per set of equal new
    values, or one statement per 5,000 rows when they differ (a shift)."""
    now = timezone.now()
    names = [
        name for name in WRITTEN if any(getattr(b, name) != getattr(t, name) for b, t in pairs)
    ]
    groups = {}
    for _before, task in pairs:
        groups.setdefault(tuple(getattr(task, name) for name in names), []).append(task.pk)
    if len(groups) <= 20:
        for values, ids in groups.items():
            for start in range(0, len(ids), CHUNK):
                Task.objects.filter(pk__in=ids[start : start + CHUNK]).update(
                    **dict(zip(names, values, strict=True)),
                    version=F("version") + 1,
                    updated_at=now,
                )
    for _before, task in pairs:
        task.version, task.updated_at = task.version + 1, now
    if len(groups) > 20:
        update_rows(Task, [task for _before, task in pairs], [*names, "version", "updated_at"])


def _move_counts(business, pairs):
    """Each task counted out as it was and in as it is: of the tallies, the calendar's days
    and the rollups of its work date; its time and results follow it to a new campaign."""
    counts = Counts()
    for before, task in pairs:
        counts.task(before, -1)
        counts.task(task, +1)
    moved = {t.pk: t.campaign_id for b, t in pairs if b.campaign_id != t.campaign_id}
    if moved:
        counts.entries(business, moved)
    counts.apply(business.pk)


class Counts:
    """What a set of changes moves in the tallies, the calendar's days and the rollups."""

    def __init__(self):
        self.tallies = Deltas(TaskTally, TALLY_KEY, ("count", *rollups.TALLY_SUMS))
        self.days = Deltas(CalendarTally, ("date", *TALLY_KEY), rollups.CALENDAR_SUMS)
        self.daily = Deltas(DailyRollup, ("date", *ROLLUP_KEY), rollups.ROLLUP_SUMS)
        self.monthly = Deltas(MonthlyRollup, ("month", *ROLLUP_KEY), rollups.ROLLUP_SUMS)

    def task(self, task, sign):
        """A task counted in (+1) or out (-1), as rollups.tally, calendar_count and
        count_task count it."""
        tally = tuple(getattr(task, name) for name in TALLY_KEY)
        amounts = {"count": 1, **{name: getattr(task, name) or 0 for name in rollups.TALLY_SUMS}}
        self.tallies.add(tally, amounts, sign)
        for day, amounts in rollups.calendar_amounts(task):
            self.days.add((day, *tally), amounts, sign)
        self._rollups(task.work_date, rollups.task_key(task), rollups.task_sums(task, sign))

    def _rollups(self, day, key, amounts, sign=1):
        self.daily.add((day, *key), amounts, sign)
        self.monthly.add((day.replace(day=1), *key), amounts, sign)

    def entries(self, business, moved, deleted=False):
        """The time and results of the tasks in `moved` ({id: new campaign}), by day, out of
        their old campaign's rows and into the new one's (out only when `deleted`). An entry
        filed under another business than its task's never counted (see rollups.refresh)."""
        ids = sorted(moved)
        sums = ({"hours": Sum("hours")}, {n: Sum(n) for n in rollups.RESULT_SUMS})
        for model, summed in zip((TimeEntry, ResultEntry), sums, strict=True):
            for start in range(0, len(ids), CHUNK):
                rows = (
                    model.objects.filter(
                        business_id=business.pk, task_id__in=ids[start : start + CHUNK]
                    )
                    .values("date", "task_id", *rollups.TASK_KEY)
                    .annotate(**summed)
                    .order_by()
                )
                for row in rows:
                    old = (row["task__kind"], row["task__platform_id"], row["task__campaign_id"])
                    amounts = {name: row[name] or 0 for name in summed}
                    self._rollups(row["date"], old, amounts, -1)
                    if not deleted:
                        self._rollups(row["date"], (*old[:2], moved[row["task_id"]]), amounts)

    def apply(self, business_id):
        def nothing(row):
            return not any(getattr(row, name) for name in rollups.ROLLUP_SUMS)

        self.tallies.apply(business_id, empty=lambda row: row.count == 0)
        self.days.apply(business_id, empty=lambda row: row.count == 0)
        self.daily.apply(business_id, empty=nothing)
        self.monthly.apply(business_id, empty=nothing)


def _record(business, user, pairs, sent_back):
    """Each task's activity rows, as services.task_save writes them: the review move first
    where approved content went back to review, then the change of its fields."""
    name = user.get_username() if user else "the planner"
    rows = [
        Activity(business_id=business.pk, task=task, task_title=task.title, actor=user,
                 actor_name=name, verb=Action.EDITED, **sent_back_words(before, task, changed))
        for before, task, changed in sent_back
    ]  # fmt: skip
    alike = {}  # (verb, changes as JSON) -> the ids of the tasks whose row says that
    for before, task in pairs:
        changes = task_changes(before, task, LOGGED)
        if changes:
            only_status = [label for label, _old, _new in changes] == ["status"]
            verb = Verb.STATUS if only_status else Verb.CHANGED
            alike.setdefault((verb, json.dumps(changes)), []).append(task.pk)
    if connection.vendor == "postgresql" and len(alike) <= 20:
        # A status change's rows say the same of every task that had the same status: each
        # kind of row is one INSERT … SELECT of the tasks' ids and titles (10,000 Activity
        # objects through bulk_create took a second).
        Activity.objects.bulk_create(rows, batch_size=1000)
        for (verb, changes), ids in alike.items():
            _insert_alike(business, user, name, verb, changes, ids)
        return
    titles = {task.pk: task.title for _before, task in pairs}
    rows += [
        Activity(business_id=business.pk, task_id=pk, task_title=titles[pk], actor=user,
                 actor_name=name, verb=verb, changes=json.loads(changes))
        for (verb, changes), ids in alike.items()
        for pk in ids
    ]  # fmt: skip
    Activity.objects.bulk_create(rows, batch_size=1000)


def _insert_alike(business, user, name, verb, changes, ids):
    activity, task = Activity._meta.db_table, Task._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {activity} (business_id, task_id, task_title, actor_id, actor_name, "
            "verb, from_state, to_state, comment, changes, created_at) "
            f"SELECT %s, t.id, t.title, %s, %s, %s, '', '', '', %s::jsonb, %s FROM {task} t "
            "WHERE t.id = ANY(%s) ORDER BY t.id",
            [business.pk, user.pk if user else None, name, verb, changes, timezone.now(), ids],
        )


def _tell(business, user, pairs, sent_back):
    """Once per bulk action, not per task: each new assignee (but the one who did it) of the
    tasks given to them, and the approvers of the approved work sent back to review."""
    if user is None:
        return
    key, who = f"bulk:{secrets.token_hex(8)}", user.get_username()
    noun = {Kind.SMO: "post", Kind.SMM: "ad"}[pairs[0][1].kind]
    url = reverse(f"{pairs[0][1].kind}_list", args=[business.pk])
    given = {}
    for before, task in pairs:
        if task.assignee_id and task.assignee_id != before.assignee_id:
            given[task.assignee_id] = given.get(task.assignee_id, 0) + 1
    for assignee, count in sorted(given.items()):
        if assignee != user.pk:
            notify.tell([assignee], business=business, kind=NotificationKind.ASSIGNED,
                        key=f"{key}:assigned", url=url,
                        text=f"{who} assigned {_count_of(count, noun)} to you")  # fmt: skip
    if sent_back:
        others = [uid for uid in notify.approver_ids(business) if uid != user.pk]
        text = (f"{who} changed {_count_of(len(sent_back), 'approved ' + noun)}: "
                f"{'it needs' if len(sent_back) == 1 else 'they need'} review again")  # fmt: skip
        notify.tell(others, business=business, kind=NotificationKind.REVIEW_REQUESTED,
                    key=f"{key}:review", text=text, url=f"{url}?review=in_review")  # fmt: skip


def _count_of(count, noun):
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _emit(business, pairs):
    """The webhooks' task.updated and task.status_changed of each changed task, when someone
    subscribed to them (one query when nobody did)."""
    subscriptions = active_subscriptions(business)
    if not any({"task.updated", "task.status_changed"} & set(s.events) for s in subscriptions):
        return
    for before, task in pairs:
        webhook_events.task_saved(before, task, subscriptions)


def _delete(business, user, tasks):
    """Delete the tasks, counted out of every tally and rollup first, with their time and
    results; each keeps its activity row ("deleted", with its title)."""
    if not tasks:
        return
    counts = Counts()
    for task in tasks:
        counts.task(task, -1)
    counts.entries(business, {task.pk: task.campaign_id for task in tasks}, deleted=True)
    counts.apply(business.pk)
    name = user.get_username() if user else "the planner"
    Activity.objects.bulk_create(
        [Activity(business_id=business.pk, task=task, task_title=task.title, actor=user,
                  actor_name=name, verb=Verb.DELETED) for task in tasks],
        batch_size=1000,
    )  # fmt: skip
    subscriptions = active_subscriptions(business)
    if any("task.deleted" in s.events for s in subscriptions):
        for task in tasks:
            webhook_events.task_deleted(task, subscriptions)
    ids = [task.pk for task in tasks]
    for start in range(0, len(ids), CHUNK):
        Task.objects.filter(pk__in=ids[start : start + CHUNK]).delete()
    calendar_feed.forget_etag(business.pk)
