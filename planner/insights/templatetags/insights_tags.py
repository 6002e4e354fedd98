from django import template

register = template.Library()


@register.filter
def minus(value, other):
    return value - other


@register.filter
def weekday_name(value):
    return ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")[value]
