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
    taken = set(
        Task.objects.for_business(business)
        .filter(
            kind=Kind.SMO,
            platform_id__in={slot.platform_id for slot in candidates},
            scheduled_at__in={slot.moment for slot in candidates},
        )
        .values_list("platform_id", "scheduled_at")
    )
    return slots.free(candidates, taken, after)


def next_free_slot(business, platform_id, after, zone):
    """The platform's first free slot after `after`, or None (none in SEARCH_WEEKS weeks)."""
    first, last = slots.search_span(after, zone)
    found = free_slots(business, first, last, zone, after, platform_ids=[platform_id])
    return found[0] if found else None
