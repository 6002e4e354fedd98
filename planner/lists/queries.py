"""What a saved view keeps of a list's query string: its filters and sort, nothing else."""

from django.http import QueryDict

from planner import list_sorts

# The task lists' parameters (planner/forms/filters.py TaskFilterForm and `sort`), in the
# order a saved query lists them; `page` and anything else are left out.
KEPT = ("q", "platform", "campaign", "status", "pace", "review", "sort")


def kept_query(query, kind):
    """The list's own parameters of a QueryDict, as a query string (one value each; a sort
    the list does not offer is left out, as the list ignores it)."""
    kept = QueryDict(mutable=True)
    for key in KEPT:
        value = query.get(key, "").strip()
        if value and (key != "sort" or list_sorts.chosen(kind, value)[0]):
            kept[key] = value
    return kept.urlencode()
