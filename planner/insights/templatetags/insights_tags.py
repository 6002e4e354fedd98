from django import template

register = template.Library()


@register.filter
def minus(value, other):
    return value - other
