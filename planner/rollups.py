"""Keep DailyRollup and MonthlyRollup equal to the sums of their sources, and the tallies
equal to their counts.

A single write moves the rows it touches by its own amounts (the deltas below); bulk loads use
`refresh(business_id, dates)`, which sums whole days again from the raw rows, and then their
months from the days. The property tests check both against plain Python sums.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Case, Count, F, Q, Sum, When
from django.db.models.functions import Round, TruncMonth

from planner import kpis
from planner.models import (
    Business,
    CalendarTally,
    DailyRollup,
    Kind,
    MonthlyRollup,
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


def _tally_key(task):
    """What TaskTally and CalendarTally count a task under."""
    return {
        "business_id": task.business_id,
        "kind": task.kind,
        "status": task.status,
        "review_state": task.review_state,
        "platform_id": task.platform_id,
        "campaign_id": task.campaign_id,
    }


def tally(task, delta):
    """Count a task in (+1) or out (-1) of TaskTally, under the business's lock."""
    key = _tally_key(task)
    row, _created = TaskTally.objects.get_or_create(**key)
    TaskTally.objects.filter(pk=row.pk).update(count=F("count") + delta)


@transaction.atomic
def refresh_tallies(business_id):
    """Recount every task of a business (after bulk loads), for the pipeline and calendar."""
    lock(business_id)
    TaskTally.objects.filter(business_id=business_id).delete()
    counts = (
        Task.objects.filter(business_id=business_id)
        .values("kind", "status", "review_state", "platform_id", "campaign_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    TaskTally.objects.bulk_create(TaskTally(business_id=business_id, **row) for row in counts)
    refresh_calendar(business_id)


ONE_DAY = datetime.timedelta(days=1)


def calendar_days(task):
    """The days the calendar shows a task on, first day first: a post on its publish day (its
    work date), an ad on every day of its flight, a flight without an end on its first day."""
    if task.kind == Kind.SMO:
        return [task.work_date] if task.scheduled_at else []
    if not task.flight_start:
        return []
    last = max(task.flight_end or task.flight_start, task.flight_start)
    return [
        task.flight_start + offset * ONE_DAY
        for offset in range((last - task.flight_start).days + 1)
    ]


def calendar_count(task, delta):
    """Count a task in (+1) or out (-1) of CalendarTally on its days, under the business's lock."""
    days = calendar_days(task)
    if not days:
        return
    key = _tally_key(task)
    rows = CalendarTally.objects.filter(**key, date__range=(days[0], days[-1]))
    if delta > 0:
        have = set(rows.values_list("date", flat=True))
        CalendarTally.objects.bulk_create(
            (CalendarTally(**key, date=day) for day in days if day not in have), batch_size=2000
        )
    rows.update(
        count=F("count") + delta,
        starts=Case(When(date=days[0], then=F("starts") + delta), default=F("starts")),
    )
    if delta < 0:
        rows.filter(count=0).delete()


@transaction.atomic
def refresh_calendar(business_id):
    """Recount the calendar's days of a business from its tasks (after bulk loads or a new
    time zone). Ads are grouped by flight first, then spread over their days here."""
    lock(business_id)
    CalendarTally.objects.filter(business_id=business_id).delete()
    key = ("kind", "status", "review_state", "platform_id", "campaign_id")
    tasks = Task.objects.filter(business_id=business_id).order_by()
    counts = defaultdict(lambda: [0, 0])  # (day, *key) -> [count, starts]
    posts = tasks.filter(kind=Kind.SMO, scheduled_at__isnull=False)
    for row in posts.values("work_date", *key).annotate(n=Count("pk")):
        counts[(row["work_date"], *(row[name] for name in key))] = [row["n"], row["n"]]
    flights = tasks.filter(kind=Kind.SMM, flight_start__isnull=False)
    for row in flights.values("flight_start", "flight_end", *key).annotate(n=Count("pk")):
        ad = Task(kind=Kind.SMM, flight_start=row["flight_start"], flight_end=row["flight_end"])
        for index, day in enumerate(calendar_days(ad)):
            tally = counts[(day, *(row[name] for name in key))]
            tally[0] += row["n"]
            tally[1] += row["n"] if index == 0 else 0
    CalendarTally.objects.bulk_create(
        (
            CalendarTally(
                business_id=business_id,
                date=day,
                kind=kind,
                status=status,
                review_state=review_state,
                platform_id=platform_id,
                campaign_id=campaign_id,
                count=count,
                starts=starts,
            )
            for (day, kind, status, review_state, platform_id, campaign_id), (
                count,
                starts,
            ) in counts.items()
        ),
        batch_size=5000,
    )


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
    _refresh_months(business_id, None if dates is None else {day.replace(day=1) for day in dates})


def _refresh_months(business_id, months=None):
    """Sum the monthly rows of `months` (first days), or of all months, from the daily rows."""
    monthly = MonthlyRollup.objects.filter(business_id=business_id)
    daily = DailyRollup.objects.filter(business_id=business_id)
    if months is not None:
        if not months:
            return
        monthly = monthly.filter(month__in=months)
        within = Q()
        for first in months:
            within |= Q(date__gte=first, date__lt=_next_month(first))
        daily = daily.filter(within)
    monthly.delete()
    grouped = (
        daily.annotate(month=TruncMonth("date"))
        .values("month", "kind", "platform_id", "campaign_id")
        .annotate(**{name: Sum(name) for name in ROLLUP_SUMS})
        .order_by()
    )
    MonthlyRollup.objects.bulk_create(
        (MonthlyRollup(business_id=business_id, **row) for row in grouped), batch_size=2000
    )


def _next_month(first):
    return (first + datetime.timedelta(days=32)).replace(day=1)


# --- Deltas: a single write moves a few rows by its own amounts -------------------------------
#
# A save of one task or entry adds its amounts to the rollup rows of its days, and takes away
# what it had before, under the business's lock: the cost is that of the row, not of the day
# (re-summing a day at 1,000,000 tasks reads ~38,000 result rows: 0.6 s a save). Bulk loads
# still re-sum whole days (refresh); the property tests check both against plain sums.


def _bump(business_id, day, key, amounts):
    """Add `amounts` ({field: delta}) to the rollup rows of (day, kind, platform, campaign)
    and of its month."""
    amounts = {name: value for name, value in amounts.items() if value}
    if not amounts:
        return
    kind, platform_id, campaign_id = key
    where = {
        "business_id": business_id,
        "kind": kind,
        "platform_id": platform_id,
        "campaign_id": campaign_id,
    }
    _move(DailyRollup, {**where, "date": day}, amounts)
    _move(MonthlyRollup, {**where, "month": day.replace(day=1)}, amounts)


def _move(model, where, amounts):
    rows = model.objects.filter(**where)
    if not rows.update(**{name: _plus(name, value) for name, value in amounts.items()}):
        model.objects.create(**where, **amounts)
    elif any(value < 0 for value in amounts.values()):
        rows.filter(**dict.fromkeys(ROLLUP_SUMS, 0)).delete()  # nothing left: no row


def _plus(name, value):
    """The column plus `value`, to the cent: SQLite adds decimals as floats, and a month's row
    that took 0.02 and 0.01 in and out again must be 0, not 4.4e-16 (PostgreSQL is exact)."""
    if isinstance(value, Decimal):
        return Round(F(name) + value, 2)
    return F(name) + value


ROLLUP_SUMS = ("hours", *RESULT_SUMS, "production_cost", "estimated_hours", "published_posts")


def task_key(task):
    return task.kind, task.platform_id, task.campaign_id


def task_sums(task, sign):
    """The task's own amounts on its work date, times `sign`."""
    published = task.kind == Kind.SMO and task.status == SmoStatus.PUBLISHED
    return {
        "production_cost": sign * (task.production_cost or ZERO),
        "estimated_hours": sign * task.estimated_hours,
        "published_posts": sign * int(published),
    }


def count_task(task, sign):
    """Count a task's own amounts in (+1) or out (-1) of its work date's rollup."""
    _bump(task.business_id, task.work_date, task_key(task), task_sums(task, sign))


def count_entries(task, key, sign):
    """Count all of a task's time and results in or out of the rows of `key` (the task's
    kind, platform and campaign, as they were or will be): one grouped query each."""
    # An entry filed under another business than its task's never counted (see refresh).
    times = task.time_entries.filter(business_id=task.business_id)
    for row in times.values("date").annotate(total=Sum("hours")).order_by():
        _bump(task.business_id, row["date"], key, {"hours": sign * row["total"]})
    sums = {name: Sum(name) for name in RESULT_SUMS}
    results = task.results.filter(business_id=task.business_id)
    for row in results.values("date").annotate(**sums).order_by():
        _bump(task.business_id, row["date"], key, {name: sign * row[name] for name in RESULT_SUMS})


def entry_amounts(entry, sign):
    if isinstance(entry, TimeEntry):
        return {"hours": sign * entry.hours}
    return {name: sign * getattr(entry, name) for name in RESULT_SUMS}


def count_entry(entry, task, sign):
    """Count one time or result entry in or out of its day, under its task's key (an entry
    filed under another business than its task's counts for neither)."""
    if entry.business_id == task.business_id:
        _bump(entry.business_id, entry.date, task_key(task), entry_amounts(entry, sign))


def move_results(business_id, changes):
    """Add `changes` ({(date, (kind, platform, campaign)): {figure: change}}) to the rollup
    rows of those days and their months (the bulk results upsert: one row per day and key,
    however many results moved)."""
    for (day, key), amounts in sorted(
        changes.items(), key=lambda item: (item[0][0], str(item[0][1]))
    ):
        _bump(business_id, day, key, amounts)


def move_spend(business_id, changes):
    """Add {task id: change} to the ads' media spend and recompute their stored pacing (the
    spend is the sum of their results: moved by the change, not summed again)."""
    ids = sorted(changes)
    ads = []
    for start in range(0, len(ids), 5000):
        ads += Task.objects.filter(
            business_id=business_id, kind=Kind.SMM, pk__in=ids[start : start + 5000]
        ).only(
            "pk", "kind", "budget_type", "budget_amount", "flight_start", "flight_end", *PACE_FIELDS
        )
    for ad in ads:
        set_pacing(ad, ad.media_spend + changes[ad.pk])
    _write_pacing(ads)


def _key(row, day):
    return (day, row["task__kind"], row["task__platform_id"], row["task__campaign_id"])


PACE_FIELDS = ("media_spend", "pace_over_from", "pace_over_until", "pace_under_from")


def set_pacing(task, spend):
    """Put an ad's media spend and its off-pace days on the row (not saved here)."""
    task.media_spend = spend
    if task.kind == Kind.SMM:
        days = kpis.pace_days(
            task.budget_type, task.budget_amount, task.flight_start, task.flight_end, spend
        )
    else:
        days = (None, None, None)
    task.pace_over_from, task.pace_over_until, task.pace_under_from = days


def spend_of(task_ids):
    """{task id: media spend} over all their results (tasks without results are left out)."""
    rows = (
        ResultEntry.objects.filter(task__in=task_ids)
        .values("task")
        .annotate(total=Sum("spend"))
        .values_list("task", "total")
        .order_by()
    )
    return dict(rows)


def refresh_pacing(business_id, task_ids=None):
    """Recompute the stored pacing of a business's ads (`task_ids`, or all of them)."""
    ads = Task.objects.filter(business_id=business_id, kind=Kind.SMM).only(
        "pk", "kind", "budget_type", "budget_amount", "flight_start", "flight_end", *PACE_FIELDS
    )
    if task_ids is not None:
        ads = ads.filter(pk__in=list(task_ids))
    ads = list(ads)
    spends = spend_of(ads)
    changed = []
    for ad in ads:
        before = tuple(getattr(ad, name) for name in PACE_FIELDS)
        set_pacing(ad, spends.get(ad.pk) or ZERO)
        if tuple(getattr(ad, name) for name in PACE_FIELDS) != before:
            changed.append(ad)
    _write_pacing(changed)


def _write_pacing(ads):
    """Store the ads' pacing fields. On PostgreSQL one UPDATE … FROM (VALUES …) per 5,000
    rows: bulk_update's CASE WHEN per row is quadratic in the batch, minutes for 200,000 ads."""
    if connection.vendor != "postgresql":
        Task.objects.bulk_update(ads, PACE_FIELDS, batch_size=1000)
        return
    table = connection.ops.quote_name(Task._meta.db_table)
    names = ", ".join(PACE_FIELDS)
    sets = ", ".join(f"{name} = v.{name}" for name in PACE_FIELDS)
    row = "(%s, %s::numeric, %s::date, %s::date, %s::date)"
    with connection.cursor() as cursor:
        for start in range(0, len(ads), 5000):
            batch = ads[start : start + 5000]
            params = [
                value for ad in batch for value in (ad.pk, *(getattr(ad, n) for n in PACE_FIELDS))
            ]
            cursor.execute(
                f"UPDATE {table} AS t SET {sets} FROM (VALUES {', '.join([row] * len(batch))}) "
                f"AS v(id, {names}) WHERE t.id = v.id",
                params,
            )
