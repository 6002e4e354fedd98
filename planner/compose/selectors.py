from planner.compose.models import Snippet, SnippetKind


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
