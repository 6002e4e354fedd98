"""Display of money, ratios and shares: an undefined ratio (None) shows as "—"."""

import functools
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import get_currency_precision, get_currency_symbol
from django import template

from planner import kpis

register = template.Library()
DASH = "—"


@functools.cache
def _currency_format(currency):
    """(symbol, decimal places) for a currency, from CLDR via Babel; looked up once."""
    return get_currency_symbol(currency, locale="en_US"), get_currency_precision(currency)


@register.filter
def money(value, currency="USD"):
    """€1,234.50, -$3.00, ¥1,200: the currency's own number of decimals, rounded half up."""
    if value is None:
        return DASH
    symbol, places = _currency_format(currency)
    amount = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    return f"{sign}{symbol}{abs(amount):,.{places}f}"


@register.filter
def percent(value, places=1):
    if value is None:
        return DASH
    return f"{Decimal(value) * 100:.{int(places)}f}%"


@register.filter
def number(value, places=2):
    """A plain ratio such as ROAS (3.20) or a count with thousands separators."""
    if value is None:
        return DASH
    if isinstance(value, int):
        return f"{value:,}"
    return f"{Decimal(value):,.{int(places)}f}"


@register.filter
def hours(value):
    if value is None:
        return DASH
    return f"{Decimal(value).normalize():f} h" if value else "0 h"


@register.simple_tag(takes_context=True)
def url_with(context, **changes):
    """The current query string with some parameters changed (for pagination links)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    return "?" + query.urlencode()


@register.inclusion_tag("tasks/_sort_header.html", takes_context=True)
def sort_header(context, key, numeric=False):
    """A column header that sorts the list by `key` (planner/list_sorts.py): a first click
    sorts a figure high to low and text or dates low to high, the next click the other way."""
    sort = context["sorts"][key]
    active = context["sort_key"] == key
    descending = context["sort_descending"] if active else False
    next_descending = not descending if active else numeric
    query = context["request"].GET.copy()
    query.pop("page", None)
    query["sort"] = f"-{key}" if next_descending else key
    return {
        "label": sort.label,
        "full": sort.full,
        "key": key,
        "numeric": numeric,
        "active": active,
        "descending": descending,
        "href": "?" + query.urlencode(),
        "next": "high to low" if next_descending else "low to high",
    }


@register.filter
def ratio_of(value, divisor):
    """value ÷ divisor, None ("—") where the divisor is 0 or missing (as the KPIs define)."""
    return None if value is None else kpis.ratio(value, divisor)
