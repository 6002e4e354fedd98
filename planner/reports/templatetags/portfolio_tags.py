from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_link(context, key):
    """The query string that sorts the portfolio by `key`, high to low on a second click."""
    query = context["request"].GET.copy()
    current = context["sort"]
    query["sort"] = f"-{key}" if current == key else key
    query.pop("page", None)
    return "?" + query.urlencode()


@register.simple_tag(takes_context=True)
def sort_state(context, key):
    """aria-sort for a column header."""
    current = context["sort"]
    if current == key:
        return "ascending"
    if current == f"-{key}":
        return "descending"
    return "none"
