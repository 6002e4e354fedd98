"""Review state as a badge, for the lists, the calendar and the task page."""

from django import template
from django.utils.html import format_html

from planner.teamwork.review import ReviewState

register = template.Library()

BADGE_CLASS = {
    ReviewState.NONE: "text-bg-light border",
    ReviewState.IN_REVIEW: "text-bg-warning",
    ReviewState.APPROVED: "text-bg-success",
    ReviewState.CHANGES: "text-bg-danger",
}
LABELS = dict(ReviewState.choices)


@register.simple_tag
def review_badge(state):
    return format_html(
        '<span class="badge {}" data-review-state="{}">{}</span>',
        BADGE_CLASS.get(state, "text-bg-light border"),
        state,
        LABELS.get(state, state),
    )
