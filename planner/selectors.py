"""Reads that span models, each in a fixed number of queries whatever the data size."""

import datetime
from collections.abc import Hashable
from contextlib import contextmanager
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce

from planner import kpis
from planner.kpis import KindTotals, Split
from planner.models import (
    DailyRollup,
    Kind,
    Membership,
    ResultEntry,
    SmmStatus,
    Task,
    TaskTally,
    TimeEntry,
)

ZERO = Decimal("0")
RESULT_FIELDS = ("impressions", "reach", "engagements", "clicks", "conversions")
RESULT_MONEY = ("conversion_value", "spend")


def _sum(field, **filters):
    output = ZERO if field in RESULT_MONEY or field in ("hours", "production_cost") else 0
    return Coalesce(Sum(field, filter=Q(**filters) if filters else None), output)


def _kind_totals(hourly_rate, hours, results, production_cost, spend):
    return KindTotals(
        hours=hours,
        media_spend=spend,
        production_cost=production_cost,
        hourly_rate=hourly_rate,
        conversion_value=results["conversion_value"],
        **{field: results[field] for field in RESULT_FIELDS},
    )


def split_for_tasks(business, tasks=None):
    """Organic vs paid totals for a business, optionally limited to a queryset of its tasks.

    Three aggregate queries (time, results, production cost) with conditional sums by kind.
    """
    # Both sides carry the business, so a mis-filed entry can never count for another tenant.
    time_rows = TimeEntry.objects.for_business(business).filter(task__business=business)
    result_rows = ResultEntry.objects.for_business(business).filter(task__business=business)
    task_rows = Task.objects.for_business(business)
    if tasks is not None:
        time_rows = time_rows.filter(task__in=tasks)
        result_rows = result_rows.filter(task__in=tasks)
        task_rows = task_rows.filter(pk__in=tasks)

    hours = time_rows.aggregate(
        smo=_sum("hours", task__kind=Kind.SMO), smm=_sum("hours", task__kind=Kind.SMM)
    )
    result_sums = {}
    for kind in Kind.values:
        for field in RESULT_FIELDS + RESULT_MONEY:
            result_sums[f"{kind}_{field}"] = _sum(field, task__kind=kind)
    results = result_rows.aggregate(**result_sums)
    production = task_rows.aggregate(
        smo=_sum("production_cost", kind=Kind.SMO), smm=_sum("production_cost", kind=Kind.SMM)
    )

    def side(kind):
        return _kind_totals(
            business.hourly_rate,
            hours[kind],
            {field: results[f"{kind}_{field}"] for field in RESULT_FIELDS + RESULT_MONEY},
            production[kind],
            # Organic work has no media spend by definition, whatever was typed.
            results[f"{kind}_spend"] if kind == Kind.SMM else ZERO,
        )

    return Split(smo=side(Kind.SMO), smm=side(Kind.SMM))


def split_from_rollups(business, **filters):
    """Organic vs paid over all time from the daily rollups, in one query whatever the size
    (e.g. `campaign=...`): the same sums as split_for_tasks over those tasks, since the rollups
    are kept equal to the raw rows (planner/rollups.py)."""
    sums = {}
    for kind in Kind.values:
        for field in ("hours", "production_cost", *RESULT_FIELDS, *RESULT_MONEY):
            sums[f"{kind}_{field}"] = _sum(field, kind=kind)
    row = DailyRollup.objects.filter(business=business, **filters).aggregate(**sums)

    def side(kind):
        return _kind_totals(
            business.hourly_rate,
            row[f"{kind}_hours"],
            {field: row[f"{kind}_{field}"] for field in RESULT_FIELDS + RESULT_MONEY},
            row[f"{kind}_production_cost"],
            row[f"{kind}_spend"] if kind == Kind.SMM else ZERO,
        )

    return Split(smo=side(Kind.SMO), smm=side(Kind.SMM))


def campaign_figures(business, campaigns, today):
    """{campaign id: {"split": organic vs paid over all time, "pacing": its paid budget
    against its ads' spend to date}} for a page of campaigns: one grouped query on the daily
    rollups, whatever the size of the campaigns (the same sums as split_from_rollups and
    campaign_pacing give one campaign)."""
    names = ("hours", "production_cost", *RESULT_FIELDS, *RESULT_MONEY)
    rows = (
        DailyRollup.objects.filter(business=business, campaign__in=[c.pk for c in campaigns])
        .values("campaign_id", "kind")
        .annotate(
            **{f"sum_{name}": _sum(name) for name in names},
            spend_to_date=_sum("spend", date__lte=today),
        )
        .order_by()
    )
    found = {
        (row["campaign_id"], row["kind"]): {name: row[f"sum_{name}"] for name in names}
        | {"spend_to_date": row["spend_to_date"]}
        for row in rows
    }
    empty = dict.fromkeys(names, ZERO) | dict.fromkeys(RESULT_FIELDS, 0) | {"spend_to_date": ZERO}
    figures = {}
    for campaign in campaigns:

        def side(kind, campaign=campaign):
            row = found.get((campaign.pk, kind), empty)
            spend = row["spend"] if kind == Kind.SMM else ZERO
            return _kind_totals(business.hourly_rate, row["hours"], row, row["production_cost"],
                                spend)  # fmt: skip

        paid = found.get((campaign.pk, Kind.SMM), empty)
        figures[campaign.pk] = {
            "split": Split(smo=side(Kind.SMO), smm=side(Kind.SMM)),
            "pacing": pacing_for(
                "lifetime",
                campaign.budget,
                campaign.start_date,
                campaign.end_date,
                paid["spend_to_date"],
                today,
            ),  # fmt: skip
        }
    return figures


def task_counts(business, by, **filters):
    """{value of `by` (platform_id or campaign_id): {kind: tasks}} from TaskTally, which the
    services keep exact: no count over the tasks themselves."""
    rows = (
        TaskTally.objects.filter(business=business, **filters)
        .values(by, "kind")
        .annotate(tasks=Sum("count"))
        .order_by()
    )
    counts = {}
    for row in rows:
        counts.setdefault(row[by], dict.fromkeys(Kind.values, 0))[row["kind"]] = row["tasks"]
    return counts


LIST_SUMS = {
    "estimated_hours": ZERO,
    "budget_total": ZERO,
    "media_spend": ZERO,
    "total_impressions": 0,
    "total_clicks": 0,
    "total_conversions": 0,
    "total_conversion_value": ZERO,
}


def _list_totals(row):
    """The sums of a list's rows and the KPIs of those sums ("—" where a divisor is 0)."""
    spend, clicks = row["media_spend"], row["total_clicks"]
    return {
        **row,
        "ctr": kpis.ctr(clicks, row["total_impressions"]),
        "cpc": kpis.cpc(spend, clicks),
        "cpa": kpis.cpa(spend, row["total_conversions"]),
    }


def tally_totals(business, kind, **keys):
    """A list's count and totals when it is filtered by TaskTally's keys alone (platform,
    campaign, status, review state): one query on the tallies, whatever the list's size."""
    row = TaskTally.objects.filter(business=business, kind=kind, **keys).aggregate(
        count=Coalesce(Sum("count"), 0),
        **{name: Coalesce(Sum(name), empty) for name, empty in LIST_SUMS.items()},
    )
    return _list_totals(row)


def ids_totals(ids):
    """The totals of the tasks `ids` (a search or "off pace" list's newest matches, at most
    MATCHES_COUNTED of them): one query, bounded by their number."""
    row = Task.objects.filter(pk__in=ids).aggregate(
        **{name: Coalesce(Sum(name), empty) for name, empty in LIST_SUMS.items()}
    )
    return _list_totals(row)


def dashboard_summary(business):
    """The first dashboard: organic vs paid over all time, plus what the business has set up."""
    counts = Task.objects.for_business(business).aggregate(
        smo=Count("pk", filter=Q(kind=Kind.SMO)),
        smm=Count("pk", filter=Q(kind=Kind.SMM)),
        platforms=Count("platform", distinct=True),
    )
    return {"split": split_for_tasks(business), "counts": counts}


def task_totals(task):
    """One task's totals, in two queries."""
    hours = task.time_entries.aggregate(total=_sum("hours"))["total"]
    results = task.results.aggregate(**{f: _sum(f) for f in RESULT_FIELDS + RESULT_MONEY})
    return _kind_totals(
        task.business.hourly_rate,
        hours,
        results,
        task.production_cost or ZERO,
        results["spend"] if task.kind == Kind.SMM else ZERO,
    )


def business_members(business):
    return Membership.objects.filter(business=business).select_related("user")


def pacing_for(budget_type, amount, start, end, spend, today):
    """Budget, spend to date, expected spend to date, pacing, flag and projected spend."""
    expected = kpis.expected_spend(budget_type, amount, start, end, today)
    ratio = kpis.pacing(spend, expected)
    budget = kpis.flight_budget(budget_type, amount, start, end)
    projected = kpis.projected_spend(spend, start, end, today)
    return {
        "budget": budget,
        "spend": spend,
        "expected": expected,
        "pacing": ratio,
        "flag": kpis.pace_flag(ratio),
        "projected": projected,
        # The spend at the end at the rate so far, against the budget (1 spends it exactly).
        "projected_share": None if projected is None else kpis.ratio(projected, budget),
    }


def task_pacing(task, spend, today):
    if task.kind != Kind.SMM:
        return None
    return pacing_for(
        task.budget_type, task.budget_amount, task.flight_start, task.flight_end, spend, today
    )


def campaign_pacing(campaign, today):
    """A campaign's paid budget against the media spend of its ads, to date: one query on the
    daily rollups (kept equal to the results), not a sum over every result of the campaign."""
    spend = DailyRollup.objects.filter(
        business_id=campaign.business_id, campaign=campaign, kind=Kind.SMM, date__lte=today
    ).aggregate(total=_sum("spend"))["total"]
    return pacing_for(
        "lifetime", campaign.budget, campaign.start_date, campaign.end_date, spend, today
    )


PACING_STATUSES = (SmmStatus.ACTIVE, SmmStatus.PAUSED)


def off_pace(today):
    """Running ad campaigns (active or paused, flight started) under or over pace on `today`.

    A filter on the pacing each ad keeps on its row (rollups.refresh_figures), which the
    partial index task_pace_candidates serves in list order: nothing is summed per request.
    """
    return Q(
        kind=Kind.SMM,
        status__in=PACING_STATUSES,
        flight_start__lte=today,
        flight_end__isnull=False,
        budget_amount__isnull=False,
    ) & (Q(pace_under_from__lte=today) | Q(pace_over_from__lte=today, pace_over_until__gte=today))


def first_ids(querysets):
    """The ids of each sliced queryset, in one UNION ALL query: [[ids of the first], …].

    Written out because Django's union() refuses sliced parts on SQLite; each part is the
    ORM's own SQL, wrapped as a subquery so its ORDER BY and LIMIT apply to it alone. A part
    can also be given as (sql, params) of ids_sql().
    """
    if not querysets:
        return []
    parts, params = [], []
    for tag, queryset in enumerate(querysets):
        sql, part_params = queryset if isinstance(queryset, tuple) else ids_sql(queryset)
        parts.append(f"SELECT {tag} AS tag, item FROM ({sql}) AS part_{tag}")
        params.extend(part_params)
    ids = [[] for _ in querysets]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for tag, item in cursor.fetchall():
            ids[tag].append(item)
    return ids


def ids_sql(queryset):
    """(sql, params) of the ids of `queryset`, as one part of first_ids."""
    return queryset.annotate(item=F("pk")).values_list("item").query.sql_with_params()


# Two moments no task has, to find where a query's time bounds sit in its parameters.
_LOW_MARK = datetime.datetime(1901, 1, 1, 0, 0, 1, tzinfo=datetime.UTC)
_HIGH_MARK = datetime.datetime(1901, 1, 1, 0, 0, 2, tzinfo=datetime.UTC)


def ids_sql_between(make, bounds):
    """[ids_sql(make(low, high)) for low, high in bounds], compiled once: make() builds a
    queryset between two moments, and each pair's values take the places of the first's.
    (Compiling a queryset costs ~0.3 ms; a month calendar asks for one per day.)"""
    sql, params = ids_sql(make(_LOW_MARK, _HIGH_MARK))
    adapt = connection.ops.adapt_datetimefield_value
    marks = {adapt(_LOW_MARK): 0, adapt(_HIGH_MARK): 1}
    slots = [(i, marks[p]) for i, p in enumerate(params) if isinstance(p, Hashable) and p in marks]
    if sorted(which for _i, which in slots) != [0, 1]:  # each mark once, else build them all
        return [ids_sql(make(low, high)) for low, high in bounds]
    made = []
    for pair in bounds:
        filled = list(params)
        for i, which in slots:
            filled[i] = adapt(pair[which])
        made.append((sql, tuple(filled)))
    return made


SEARCH_PROBE = 1000  # the newest tasks a search is tried on first, to see how common it is


@contextmanager
def steered_search(newest, searched, dense_at):
    """On PostgreSQL, choose how a text search is read, for the queries inside this block
    (one transaction), from how often it matches among the SEARCH_PROBE newest tasks.

    PostgreSQL estimates a LIKE from the whole column, not from this business and kind: at
    1,000,000 tasks a word found only in ads was expected in 80,000 posts, so the list was
    walked to its end (1.8 s) instead of looking the word up in the trigram index. A word
    common among the newest is found fastest by walking the list in order until the page is
    full (`dense_at` hits or more); a rare one through its kind's trigram index
    (task_search_smo, _smm), in any order. Elsewhere (SQLite) nothing changes.
    """
    with transaction.atomic():
        if connection.vendor != "postgresql":
            yield
            return
        probe = newest.order_by("-created_at", "-pk").values("pk")[:SEARCH_PROBE]
        hits = searched.filter(pk__in=probe).order_by().count()
        walk = "enable_bitmapscan" if hits >= dense_at else "enable_indexscan"
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL {walk} = off")
            cursor.execute("SET LOCAL enable_seqscan = off")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL {walk} TO DEFAULT")
                cursor.execute("SET LOCAL enable_seqscan TO DEFAULT")
