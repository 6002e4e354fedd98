"""Keep DailyRollup equal to the sums of its sources.

`refresh(business_id, dates)` recomputes whole days from the raw rows rather than adding deltas,
so a rollup can never drift: whatever the write was, the affected days are summed again.
"""

from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, F, Q, Sum

from planner.models import (
    Business,
    DailyRollup,
    Kind,
    ResultEntry,
    SmoStatus,
    Task,
    TaskTally,
    TimeEntry,
)

ZERO = Decimal("0")
RESULT_SUMS = (
    "impressions",
    "reach",
    "engagements",
    "clicks",
    "conversions",
    "conversion_value",
    "spend",
)
TASK_KEY = ("task__kind", "task__platform_id", "task__campaign_id")


def lock(business_id):
    """One writer per business at a time, so two requests cannot interleave their sums.

    FOR NO KEY UPDATE, not FOR UPDATE: it excludes the other writers just the same, but not the
    key-share lock PostgreSQL's foreign-key check takes on the business while rows that point
    at it are inserted. With FOR UPDATE, every save in the business waited for the whole copy
    of an ad-report import (10 s at 1,000,000 rows), not just for its short locked step.
    """
    list(Business.objects.select_for_update(no_key=True).filter(pk=business_id).values_list("pk"))


def tally(task, delta):
    """Count a task in (+1) or out (-1) of TaskTally, under the business's lock."""
    key = {
        "business_id": task.business_id,
        "kind": task.kind,
        "status": task.status,
        "platform_id": task.platform_id,
        "campaign_id": task.campaign_id,
    }
    row, _created = TaskTally.objects.get_or_create(**key)
    TaskTally.objects.filter(pk=row.pk).update(count=F("count") + delta)


@transaction.atomic
def refresh_tallies(business_id):
    """Recount every task of a business (after bulk loads)."""
    lock(business_id)
    TaskTally.objects.filter(business_id=business_id).delete()
    counts = (
        Task.objects.filter(business_id=business_id)
        .values("kind", "status", "platform_id", "campaign_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    TaskTally.objects.bulk_create(TaskTally(business_id=business_id, **row) for row in counts)


@transaction.atomic
def refresh(business_id, dates=None):
    """Recompute the rollup rows of a business for `dates` (an iterable), or for all days."""
    lock(business_id)
    if dates is not None:
        dates = sorted(set(dates))
        if not dates:
            return

    def scoped(queryset, field="date", via_task=True):
        queryset = queryset.filter(business_id=business_id)
        if via_task:
            # An entry filed under the wrong business must not count for either.
            queryset = queryset.filter(task__business_id=business_id)
        return queryset if dates is None else queryset.filter(**{f"{field}__in": dates})

    scoped(DailyRollup.objects, via_task=False).delete()
    sums = defaultdict(dict)

    time_rows = (
        scoped(TimeEntry.objects).values("date", *TASK_KEY).annotate(hours=Sum("hours")).order_by()
    )
    for row in time_rows:
        sums[_key(row, row["date"])]["hours"] = row["hours"]

    result_rows = (
        scoped(ResultEntry.objects)
        .values("date", *TASK_KEY)
        .annotate(**{name: Sum(name) for name in RESULT_SUMS})
        .order_by()
    )
    for row in result_rows:
        sums[_key(row, row["date"])].update({name: row[name] for name in RESULT_SUMS})

    task_rows = (
        scoped(Task.objects, "work_date", via_task=False)
        .values("work_date", "kind", "platform_id", "campaign_id")
        .annotate(
            production_cost=Sum("production_cost"),
            estimated_hours=Sum("estimated_hours"),
            published_posts=Count("pk", filter=Q(kind=Kind.SMO, status=SmoStatus.PUBLISHED)),
        )
        .order_by()
    )
    for row in task_rows:
        key = (row["work_date"], row["kind"], row["platform_id"], row["campaign_id"])
        sums[key].update(
            production_cost=row["production_cost"] or ZERO,
            estimated_hours=row["estimated_hours"] or ZERO,
            published_posts=row["published_posts"],
        )

    DailyRollup.objects.bulk_create(
        (
            DailyRollup(
                business_id=business_id,
                date=day,
                kind=kind,
                platform_id=platform_id,
                campaign_id=campaign_id,
                **values,
            )
            for (day, kind, platform_id, campaign_id), values in sums.items()
        ),
        batch_size=2000,
    )


def _key(row, day):
    return (day, row["task__kind"], row["task__platform_id"], row["task__campaign_id"])


def entry_dates(task):
    """The days on which a task has time or results (what moving it changes)."""
    return set(task.time_entries.values_list("date", flat=True)) | set(
        task.results.values_list("date", flat=True)
    )
