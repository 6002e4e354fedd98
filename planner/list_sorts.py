"""The orders the task lists can be sorted in: `?sort=clicks` (ascending) or `?sort=-clicks`.

Each order is an index walk (the indexes task_sort_* and the date and status ones on Task),
with the id as the tie-break, so a page costs the same at 1,000 or 1,000,000 tasks. Columns
that can be empty (an ad without clicks has no CPC, a post without a time) put their empty
rows last in both directions, as Ads Manager does; those have an index for each direction.
A sort nobody offers is the default order, newest first, never an error.
"""

from dataclasses import dataclass

from django.db.models import F

from planner.models import Kind

NEWEST = (F("created_at").desc(), F("pk").desc())


@dataclass(frozen=True)
class Sort:
    label: str
    columns: tuple  # the order's columns before the id
    empty_last: bool = False  # the first column can be empty: those rows go last
    full: str = ""  # the label in full, where the header abbreviates it


COMMON = {
    "title": Sort("Title", ("title",)),
    "hours": Sort("Est. hours", ("estimated_hours",)),
}
SORTS = {
    Kind.SMO: COMMON
    | {
        # Within a status, by publish time: the index of the dashboard's pipeline.
        "status": Sort("Status", ("status", "scheduled_at")),
        "scheduled": Sort("Scheduled", ("scheduled_at",), empty_last=True),
    },
    Kind.SMM: COMMON
    | {
        "status": Sort("Status", ("status", "flight_end")),
        "flight": Sort("Flight", ("flight_start",), empty_last=True),
        "budget": Sort("Budget", ("budget_total",), empty_last=True),
        "spend": Sort("Spend", ("media_spend",)),
        "spent": Sort(
            "Spent", ("budget_spent",), empty_last=True, full="Share of the budget spent"
        ),
        "impressions": Sort("Impr.", ("total_impressions",), full="Impressions"),
        "clicks": Sort("Clicks", ("total_clicks",)),
        "ctr": Sort("CTR", ("click_through_rate",), empty_last=True, full="Click-through rate"),
        "cpc": Sort("CPC", ("cost_per_click",), empty_last=True, full="Cost per click"),
        "conversions": Sort("Conv.", ("total_conversions",), full="Conversions"),
        "cpa": Sort("CPA", ("cost_per_conversion",), empty_last=True, full="Cost per conversion"),
    },
}


def chosen(kind, value):
    """(key, descending) of a `sort` parameter, or ("", False) for the default order."""
    value = (value or "").strip()
    descending = value.startswith("-")
    key = value[1:] if descending else value
    if key not in SORTS[kind]:
        return "", False
    return key, descending


def order_by(kind, key, descending):
    """The ORDER BY expressions of a sort (NEWEST for the default)."""
    if not key:
        return NEWEST
    sort = SORTS[kind][key]
    expressions = []
    for index, column in enumerate((*sort.columns, "pk")):
        field = F(column)
        last = {"nulls_last": True} if index == 0 and sort.empty_last else {}
        expressions.append(field.desc(**last) if descending else field.asc(**last))
    return tuple(expressions)
