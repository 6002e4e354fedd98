"""Keep DailyRollup and MonthlyRollup equal to the sums of their sources, and the tallies
equal to their counts.

A single write moves the rows it touches by its own amounts (the deltas below); bulk loads use
`refresh(business_id, dates)`, which sums whole days again from the raw rows, and then their
months from the days. The property tests check both against plain Python sums.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
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
from planner.rollup_sets import update_rows

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


# What TaskTally sums besides the count: each task's own columns of the same names.
TALLY_SUMS = (
    "estimated_hours",
    "budget_total",
    "media_spend",
    "total_impressions",
    "total_reach",
    "total_engagements",
    "total_clicks",
    "total_conversions",
    "total_conversion_value",
)


def tally(task, delta):
    """Count a task and its figures in (+1) or out (-1) of TaskTally, under the business's
    lock."""
    _tally_move(_tally_key(task), {name: delta * (getattr(task, name) or 0) for name in TALLY_SUMS},
                delta)  # fmt: skip


def _tally_move(key, amounts, count=0):
    row, _created = TaskTally.objects.get_or_create(**key)
    changes = {name: _plus(name, value) for name, value in amounts.items() if value}
    if count:
        changes["count"] = F("count") + count
    if changes:
        TaskTally.objects.filter(pk=row.pk).update(**changes)


@transaction.atomic
def refresh_tallies(business_id):
    """Recount every task of a business (after bulk loads), for the pipeline, the lists'
    totals and the calendar."""
    lock(business_id)
    TaskTally.objects.filter(business_id=business_id).delete()
    counts = (
        Task.objects.filter(business_id=business_id)
        .values("kind", "status", "review_state", "platform_id", "campaign_id")
        .annotate(count=Count("pk"), **{name: Sum(name) for name in TALLY_SUMS})
        .order_by()
    )
    TaskTally.objects.bulk_create(
        TaskTally(business_id=business_id, **(row | {n: row[n] or 0 for n in TALLY_SUMS}))
        for row in counts
    )
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


def budget_days(budget_type, amount, days):
    """An ad's budget on each of its calendar days, in cents: a daily amount each day, or a
    lifetime amount spread evenly, the first days taking a cent more where it does not divide
    (so the days add up to the amount). None without an amount or a whole flight."""
    if amount is None or not days:
        return None
    if budget_type == "daily":
        return [Decimal(amount)] * len(days)
    cents = int(Decimal(amount) * 100)
    share, extra = divmod(cents, len(days))
    return [Decimal(share + (index < extra)) / 100 for index in range(len(days))]


def calendar_amounts(task):
    """[(day, {"count", "starts", "planned_hours", "planned_production", "planned_budget"})]
    a task adds to CalendarTally: on each of its calendar days, its count, and on its first
    day (its work day) its estimate and production cost."""
    days = calendar_days(task)
    budgets = None
    if task.kind == Kind.SMM and task.flight_end:
        budgets = budget_days(task.budget_type, task.budget_amount, days)
    return [
        (
            day,
            {
                "count": 1,
                "starts": int(index == 0),
                "planned_hours": (task.estimated_hours or ZERO) if index == 0 else ZERO,
                "planned_production": (task.production_cost or ZERO) if index == 0 else ZERO,
                "planned_budget": budgets[index] if budgets else ZERO,
            },
        )
        for index, day in enumerate(days)
    ]


CALENDAR_SUMS = ("count", "starts", "planned_hours", "planned_production", "planned_budget")


def calendar_count(task, delta):
    """Count a task in (+1) or out (-1) of CalendarTally on its days, under the business's lock."""
    amounts = calendar_amounts(task)
    if not amounts:
        return
    key = _tally_key(task)
    first, last = amounts[0][0], amounts[-1][0]
    rows = CalendarTally.objects.filter(**key, date__range=(first, last))
    if delta > 0:
        have = set(rows.values_list("date", flat=True))
        CalendarTally.objects.bulk_create(
            (CalendarTally(**key, date=day) for day, _a in amounts if day not in have),
            batch_size=2000,
        )
    rows.update(
        count=F("count") + delta,
        starts=Case(When(date=first, then=F("starts") + delta), default=F("starts")),
        planned_hours=Case(
            When(date=first, then=F("planned_hours") + delta * amounts[0][1]["planned_hours"]),
            default=F("planned_hours"),
        ),
        planned_production=Case(
            When(
                date=first,
                then=F("planned_production") + delta * amounts[0][1]["planned_production"],
            ),
            default=F("planned_production"),
        ),
    )
    budgets = {}
    for day, amount in amounts:
        if amount["planned_budget"]:
            budgets.setdefault(amount["planned_budget"], []).append(day)
    for budget, days in budgets.items():  # a daily budget is one UPDATE; a lifetime one, two
        rows.filter(date__in=days).update(planned_budget=F("planned_budget") + delta * budget)
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
    counts = defaultdict(lambda: dict.fromkeys(CALENDAR_SUMS, 0))  # (day, *key) -> sums
    posts = tasks.filter(kind=Kind.SMO, scheduled_at__isnull=False)
    summed = {"hours": Sum("estimated_hours"), "production": Sum("production_cost")}
    for row in posts.values("work_date", *key).annotate(n=Count("pk"), **summed):
        counts[(row["work_date"], *(row[name] for name in key))] |= {
            "count": row["n"],
            "starts": row["n"],
            "planned_hours": row["hours"] or ZERO,
            "planned_production": row["production"] or ZERO,
        }
    flights = tasks.filter(kind=Kind.SMM, flight_start__isnull=False)
    grouped = ("flight_start", "flight_end", "budget_type", "budget_amount", *key)
    for row in flights.values(*grouped).annotate(n=Count("pk"), **summed):
        ad = Task(
            kind=Kind.SMM,
            flight_start=row["flight_start"],
            flight_end=row["flight_end"],
            budget_type=row["budget_type"],
            budget_amount=row["budget_amount"],
            estimated_hours=row["hours"] or ZERO,  # of all the ads of the group: counted once
            production_cost=row["production"] or ZERO,
        )
        for index, (day, amount) in enumerate(calendar_amounts(ad)):
            tally = counts[(day, *(row[name] for name in key))]
            tally["count"] += row["n"]
            tally["starts"] += row["n"] if index == 0 else 0
            tally["planned_hours"] += amount["planned_hours"]
            tally["planned_production"] += amount["planned_production"]
            tally["planned_budget"] += amount["planned_budget"] * row["n"]
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
                **sums,
            )
            for (day, kind, status, review_state, platform_id, campaign_id), sums in counts.items()
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


FIGURES = ("impressions", "reach", "engagements", "clicks", "conversions", "conversion_value")
TOTALS = tuple(f"total_{name}" for name in FIGURES)
PACE_FIELDS = ("media_spend", "pace_over_from", "pace_over_until", "pace_under_from")
# Everything set_figures keeps on a task's row.
FIGURE_FIELDS = (
    *PACE_FIELDS,
    *TOTALS,
    "budget_total",
    "cost_per_click",
    "click_through_rate",
    "cost_per_conversion",
    "budget_spent",
)
# What set_figures reads besides FIGURE_FIELDS, and what the tallies are keyed by.
FIGURE_INPUTS = ("kind", "budget_type", "budget_amount", "flight_start", "flight_end",
                 "estimated_hours", "business_id", "status", "review_state", "platform_id",
                 "campaign_id")  # fmt: skip


def no_figures():
    return dict.fromkeys(("spend", *FIGURES), 0)


def figure_values(task, sums):
    """{field: value} of FIGURE_FIELDS for `task` with results summing to `sums` ({"spend",
    "impressions", …}): its totals, budget, sort keys and off-pace days. Organic posts have
    no media spend by definition, so theirs is 0 whatever was typed."""
    smm = task.kind == Kind.SMM
    spend = Decimal(sums["spend"] or 0) if smm else ZERO
    budget = (
        kpis.flight_budget(task.budget_type, task.budget_amount, task.flight_start, task.flight_end)
        if smm
        else None
    )
    clicks, impressions = sums["clicks"] or 0, sums["impressions"] or 0
    values = {
        "media_spend": spend,
        **{f"total_{name}": sums[name] or 0 for name in FIGURES},
        "budget_total": budget,
        **kpis.sort_keys(spend, clicks, impressions, sums["conversions"] or 0, budget),
    }
    if not smm:
        values.update(cost_per_click=None, cost_per_conversion=None, budget_spent=None)
    days = (
        kpis.pace_days(
            task.budget_type, task.budget_amount, task.flight_start, task.flight_end, spend
        )  # fmt: skip
        if smm
        else (None, None, None)
    )
    values["pace_over_from"], values["pace_over_until"], values["pace_under_from"] = days
    return values


def set_figures(task, sums):
    """Put figure_values on the task (not saved here)."""
    for name, value in figure_values(task, sums).items():
        setattr(task, name, value)


def sums_of(task):
    """The sums of a task's results as its row keeps them (for set_figures)."""
    return {"spend": task.media_spend, **{name: getattr(task, f"total_{name}") for name in FIGURES}}


def figures_of(task_ids):
    """{task id: sums of all its results} (tasks without results are left out)."""
    rows = (
        ResultEntry.objects.filter(task__in=task_ids)
        .values("task")
        .annotate(**{name: Sum(name) for name in ("spend", *FIGURES)})
        .order_by()
    )
    return {row.pop("task"): row for row in rows}


def _with_figures(business_id):
    """The business's tasks with what set_figures reads and writes, and nothing else."""
    return Task.objects.filter(business_id=business_id).only("pk", *FIGURE_INPUTS, *FIGURE_FIELDS)


def _load(business_id, task_ids):
    tasks = _with_figures(business_id)
    ids = sorted(task_ids)
    found = []
    for start in range(0, len(ids), 5000):
        found += tasks.filter(pk__in=ids[start : start + 5000])
    return found


def _store(tasks, before):
    """Write the tasks whose figures changed, and move their tallies by the change."""
    changed = [task for task in tasks if _figures(task) != before[task.pk]]
    by_key = defaultdict(lambda: defaultdict(int))
    for task in changed:
        was = dict(zip(FIGURE_FIELDS, before[task.pk], strict=True))
        key = tuple(sorted(_tally_key(task).items(), key=lambda item: item[0]))
        for name in TALLY_SUMS:
            if name in was:
                by_key[key][name] += (getattr(task, name) or 0) - (was[name] or 0)
    for key, amounts in sorted(by_key.items(), key=lambda item: str(item[0])):
        _tally_move(dict(key), amounts)
    _write_figures(changed)


def _figures(task):
    return tuple(getattr(task, name) for name in FIGURE_FIELDS)


def move_figures(business_id, changes):
    """Add {task id: {figure: change}} to the tasks' result totals and recompute what follows
    from them (the totals are the sums of their results: moved by the change, not summed
    again)."""
    tasks = _load(business_id, changes)
    before = {task.pk: _figures(task) for task in tasks}
    for task in tasks:
        sums = sums_of(task)
        for name, change in changes[task.pk].items():
            sums[name] = (sums[name] or 0) + change
        set_figures(task, sums)
    _store(tasks, before)


FIGURES_CHUNK = 200  # tasks re-summed at a time: memory stays flat at any size


def refresh_figures(business_id, task_ids=None):
    """Sum again the result totals of a business's tasks (`task_ids`, or all of them), and
    recompute what follows from them, FIGURES_CHUNK tasks at a time."""
    if task_ids is not None:
        ids = sorted(set(task_ids))
        for start in range(0, len(ids), FIGURES_CHUNK):
            _refresh_chunk(_load(business_id, ids[start : start + FIGURES_CHUNK]))
        return
    last = 0
    while True:
        tasks = list(_with_figures(business_id).filter(pk__gt=last).order_by("pk")[:FIGURES_CHUNK])
        if not tasks:
            return
        _refresh_chunk(tasks)
        last = tasks[-1].pk


def _refresh_chunk(tasks):
    sums = figures_of([task.pk for task in tasks])
    before = {task.pk: _figures(task) for task in tasks}
    for task in tasks:
        set_figures(task, sums.get(task.pk) or no_figures())
    _store(tasks, before)


def _key(row, day):
    return (day, row["task__kind"], row["task__platform_id"], row["task__campaign_id"])


def _write_figures(tasks):
    update_rows(Task, tasks, FIGURE_FIELDS)
