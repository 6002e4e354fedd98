"""The calendar's posts, flight bars and phone ad rows, written in one pass each.

A month page holds up to ~170 posts and ~70 flight rows; as `{% include %}`d templates they were
over a third of the page's time at any size (each include and variable goes through the template
engine). The markup is the same as it was in the templates; every value is escaped here.
"""

from html import escape

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


def _status(task):
    """The status, and the review state where review is on and the task is in it (the view
    sets `review_label`)."""
    review = getattr(task, "review_label", "")
    return escape(task.get_status_display()) + (
        f' · <span class="cal-review">{escape(review)}</span>' if review else ""
    )


@register.simple_tag(takes_context=True)
def calendar_post(context, post):
    """One post of a day: its link, time, platform and status, and (for editors) "Move"."""
    pk, title = post.pk, escape(post.title)
    platform = escape(post.platform.get_kind_display())
    # An editor can drag it to another day (static/js/calendar.js fills its "Move" form).
    drag = f' draggable="true" data-at="{escape(post.at_input)}"' if context.get("can_edit") else ""
    html = (
        f'<li class="cal-item cal-post plat-{escape(post.platform.kind)}" data-task="{pk}"'
        f'{drag} data-testid="calendar-post">'
        f'<a class="cal-link" href="{escape(post.page_url)}"><span class="badge text-bg-success">'
        f'SMO</span> <time class="cal-time" datetime="{escape(post.at_iso)}">'
        f'{escape(post.at_hm)}</time> <span class="cal-title">{title}</span></a>'
        f'<span class="cal-status"><span class="cal-plat">{platform}</span> · '
        f"{_status(post)}</span>"
    )
    if context.get("can_edit"):
        html += (
            '<details class="cal-move">'
            f'<summary>Move<span class="visually-hidden"> “{title}”</span></summary>'
            f'<form method="post" action="{escape(post.move_url)}" class="cal-move-form"'
            ' data-testid="move-form">'
            '<input type="hidden" name="csrfmiddlewaretoken"'
            f' value="{escape(str(context.get("csrf_token", "")))}">'
            f'<input type="hidden" name="next" value="{escape(context.get("here", ""))}">'
            f'<input type="hidden" name="seen_version" value="{post.version}">'
            f'<label class="form-label small mb-0" for="move-{pk}">New publish time</label>'
            '<input class="form-control form-control-sm" type="datetime-local"'
            f' id="move-{pk}" name="scheduled_at" value="{escape(post.at_input)}" required>'
            '<button class="btn btn-primary btn-sm" type="submit">Move</button>'
            "</form></details>"
        )
    return mark_safe(html + "</li>")  # noqa: S308 - every value escaped above


@register.simple_tag(takes_context=True)
def calendar_bar(context, bar):
    """An ad's flight across the days of one week (the wide screen's bars); an editor can drag
    it to start on another day (static/js/calendar.js)."""
    ad = bar.task
    title, platform = escape(ad.title), escape(ad.platform.get_kind_display())
    classes = f"cal-bar plat-{escape(ad.platform.kind)} cal-s{bar.start} cal-w{bar.span}"
    classes += " cal-cont-before" if bar.continues_before else ""
    classes += " cal-cont-after" if bar.continues_after else ""
    drag = ""
    if context.get("can_edit") and ad.flight_start:
        drag = (
            f' draggable="true" data-move-url="{escape(ad.move_url)}"'
            f' data-start="{ad.flight_start.isoformat()}" data-version="{ad.version}"'
        )
    return mark_safe(  # noqa: S308 - every value escaped here
        f'<li class="{classes}" data-task="{ad.pk}"{drag} data-testid="calendar-bar">'
        f'<a class="cal-link" href="{escape(ad.page_url)}"'
        f' title="{title} · {platform} · flight {escape(ad.flight_short)}">'
        + ('<span aria-hidden="true">◂ </span>' if bar.continues_before else "")
        + '<span class="badge text-bg-primary">SMM</span> '
        f'<span class="cal-plat">{platform}</span> <span class="cal-title">{title}</span>'
        f'<span class="visually-hidden">, {_status(ad)}, flight {escape(ad.flight_long)}</span>'
        + ('<span aria-hidden="true"> ▸</span>' if bar.continues_after else "")
        + "</a></li>"
    )


@register.simple_tag
def calendar_ad(ad):
    """An ad of the week in the phone's list."""
    return mark_safe(  # noqa: S308 - every value escaped here
        f'<li class="cal-item cal-ad plat-{escape(ad.platform.kind)} d-md-none"'
        f' data-task="{ad.pk}" data-testid="calendar-ad">'
        f'<a class="cal-link" href="{escape(ad.page_url)}"><span class="badge text-bg-primary">'
        f'SMM</span> <span class="cal-title">{escape(ad.title)}</span></a>'
        f'<span class="cal-status"><span class="cal-plat">'
        f"{escape(ad.platform.get_kind_display())}</span> · {_status(ad)}"
        f" · flight {escape(ad.flight_short)}</span></li>"
    )
