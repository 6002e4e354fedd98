from django.db import connection

from planner.compose import slots
from planner.compose.models import PostingSlot, Snippet, SnippetKind
from planner.models import Kind, Task


def composer_snippets(business):
    """{"templates": [{name, text}], "hashtags": [...]} for the post form's menus (one query,
    at most MAX_SNIPPETS rows)."""
    found = {"templates": [], "hashtags": []}
    for kind, name, text in Snippet.objects.for_business(business).values_list(
        "kind", "name", "text"
    ):
        key = "templates" if kind == SnippetKind.TEMPLATE else "hashtags"
        found[key].append({"name": name, "text": text})
    return found


def group_variants(group):
    """The group's posts, their platforms along, in the order of the business's platforms."""
    return list(
        group.variants.select_related("platform", "campaign", "assignee", "business").order_by(
            "platform__kind", "platform__handle", "pk"
        )
    )


def slot_rows(business, platform_ids=None):
    """(platform_id, weekday, time) of the business's posting slots (one query, at most
    MAX_SLOTS_PER_PLATFORM per platform)."""
    found = PostingSlot.objects.for_business(business)
    if platform_ids is not None:
        found = found.filter(platform_id__in=platform_ids)
    return list(found.values_list("platform_id", "weekday", "at"))


def free_slots(business, first_day, last_day, zone, after, platform_ids=None, slot_list=None):
    """The free slot moments of the days `first_day` to `last_day`, later than `after`, in
    time order: two queries (the slots, then which of their moments have a post)."""
    rows = slot_rows(business, platform_ids) if slot_list is None else slot_list
    candidates = [
        slot for slot in slots.moments(rows, first_day, last_day, zone) if slot.moment > after
    ]
    if not candidates:
        return []
    taken = _taken(business, candidates)
    return slots.free(candidates, taken, after)


def _taken(business, candidates):
    """The (platform id, moment) of `candidates` that a post of that platform has: one index
    probe each (task_platform_scheduled). Asking for the posts at those moments instead read
    every one of them: 51,000 at a million tasks, whose posts share whole hours."""
    ops = connection.ops
    pairs = [(slot.platform_id, slot.moment) for slot in candidates]
    values = ", ".join(["(%s, %s, %s)"] * len(pairs))
    params = []
    for index, (pk, moment) in enumerate(pairs):
        params += [index, pk, ops.adapt_datetimefield_value(moment)]
    table = ops.quote_name(Task._meta.db_table)
    sql = (
        f"WITH slot(n, platform_id, moment) AS (VALUES {values}) "  # noqa: S608 - placeholders only
        f"SELECT slot.n FROM slot WHERE EXISTS (SELECT 1 FROM {table} t "
        "WHERE t.business_id = %s AND t.kind = %s AND t.platform_id = slot.platform_id "
        "AND t.scheduled_at = slot.moment)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, business.pk, Kind.SMO])
        return {pairs[row[0]] for row in cursor.fetchall()}


def next_free_slot(business, platform_id, after, zone):
    """The platform's first free slot after `after`, or None (none in SEARCH_WEEKS weeks)."""
    first, last = slots.search_span(after, zone)
    found = free_slots(business, first, last, zone, after, platform_ids=[platform_id])
    return found[0] if found else None
