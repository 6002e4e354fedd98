"""The content calendar: month and week views of posts and ad flights, moving a post from there,
and the iCalendar feed that calendar apps read from a secret URL without logging in."""

import datetime
import hashlib
import zoneinfo
from calendar import timegm
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.dateformat import format as date_format
from django.utils.http import http_date, url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from planner import calendar_feed, calendar_page, services
from planner.access import get_for_business, member_required
from planner.calendar_feed import MONTH, VIEWS, WEEK
from planner.compose.selectors import free_slots
from planner.forms import TASK_FORMS, DateInput
from planner.forms.base import ListedModelChoiceField
from planner.forms.filters import WAITING_FOR_ME
from planner.models import (
    Business,
    Campaign,
    Kind,
    Platform,
    PlatformKind,
    Role,
    SmmStatus,
    SmoStatus,
    Task,
    new_feed_token,
)
from planner.teamwork.review import ApprovalMode, ReviewState

KIND_CHOICES = [
    ("", "Posts and ads"),
    (Kind.SMO, "SMO posts (organic)"),
    (Kind.SMM, "SMM ads (paid)"),
]
# One list for both kinds: "draft" and "archived" exist in both and mean the same.
STATUS_CHOICES = [
    ("", "Any status"),
    (SmoStatus.IDEA, "Idea (SMO)"),
    (SmoStatus.DRAFT, "Draft"),
    (SmoStatus.SCHEDULED, "Scheduled (SMO)"),
    (SmoStatus.PUBLISHED, "Published (SMO)"),
    (SmmStatus.ACTIVE, "Active (SMM)"),
    (SmmStatus.PAUSED, "Paused (SMM)"),
    (SmmStatus.COMPLETED, "Completed (SMM)"),
    (SmoStatus.ARCHIVED, "Archived"),
]
FILTERS = ("platform", "campaign", "kind", "status", "review_state")
# A busy day or week of the month view shows this many, then links to the week for the rest.
MONTH_POSTS_SHOWN = 4  # posts a day
MONTH_BARS_SHOWN = 6  # ad bars a week
# The week view shows this many posts a day and ad flights a week, and pages through the rest.
WEEK_SHOWN = 20
# What an item says of its review state (nothing when it is not in review).
REVIEW_SHOWN = {s: label for s, label in ReviewState.choices if s != ReviewState.NONE}
PLACEHOLDER_DATE = "1999-12-31"  # replaced by each day's date in its link to the week
MAX_PAGE = 10_000


class CalendarForm(forms.Form):
    """What the calendar shows, from the query string; only the business's rows are choices."""

    date = forms.DateField(label="Go to date", required=False, widget=DateInput())
    platform = ListedModelChoiceField(
        queryset=Platform.objects.none(), required=False, empty_label="All platforms"
    )
    campaign = ListedModelChoiceField(
        queryset=Campaign.objects.none(), required=False, empty_label="All campaigns"
    )
    kind = forms.ChoiceField(choices=KIND_CHOICES, required=False)
    status = forms.ChoiceField(choices=STATUS_CHOICES, required=False)
    review_state = forms.ChoiceField(
        label="Review", choices=[("", "Any review state"), *ReviewState.choices], required=False
    )

    def __init__(self, *args, business, member=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["platform"].queryset = Platform.objects.for_business(business)
        self.fields["campaign"].queryset = Campaign.objects.for_business(business)
        if business.approval_mode == ApprovalMode.OFF:
            del self.fields["review_state"]
        elif member is not None and member.is_approver:
            choices = self.fields["review_state"].choices
            self.fields["review_state"].choices = [
                choices[0],
                (WAITING_FOR_ME, "Waiting for me"),
                *choices[1:],
            ]

    def clean_date(self):
        date = self.cleaned_data.get("date")
        if date and not calendar_feed.MIN_YEAR <= date.year <= calendar_feed.MAX_YEAR:
            raise forms.ValidationError(
                f"Choose a date between {calendar_feed.MIN_YEAR} and {calendar_feed.MAX_YEAR}."
            )
        return date

    def choice(self, name):
        """A field's value if valid, else nothing: an invalid filter filters nothing out."""
        return self.cleaned_data.get(name) if name not in self.errors else None


def _calendar_url(request, view, date, filters, page=1):
    query = {"view": view, "date": date.isoformat(), **filters}
    if page > 1:
        query["page"] = page
    return reverse("calendar", args=[request.business.pk]) + "?" + urlencode(query)


def _url_maker(business_id):
    """url_of(name, pk): reverse() once per URL name, then the task's id put in its place."""
    made = {}

    def url_of(name, pk):
        if name not in made:
            made[name] = reverse(name, args=[business_id, 0]).rpartition("/0/")
        head, _zero, tail = made[name]
        return f"{head}/{pk}/{tail}"

    return url_of


def _page_number(request):
    """The week view's page: a whole number from 1 to MAX_PAGE, else the first."""
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        return 1
    return page if 1 <= page <= MAX_PAGE else 1


@member_required()
def calendar(request):
    form = CalendarForm(request.GET, business=request.business, member=request.membership)
    form.is_valid()
    today = timezone.localdate()  # the business's time zone is active (member_required)
    view = request.GET.get("view") if request.GET.get("view") in VIEWS else MONTH
    span = calendar_feed.span_for(view, form.choice("date") or today)
    chosen = {name: form.choice(name) for name in FILTERS}
    filters = {  # what the links keep: only valid values, as ids
        name: getattr(value, "pk", value) for name, value in chosen.items() if value
    }
    waiting = chosen["review_state"] == WAITING_FOR_ME
    if waiting:
        chosen["review_state"] = None  # not a state the tallies count: see calendar_page
    tz = timezone.get_current_timezone()
    page = _page_number(request) if view == WEEK else 1
    shown = (MONTH_POSTS_SHOWN, MONTH_BARS_SHOWN) if view == MONTH else (WEEK_SHOWN, WEEK_SHOWN)
    result = calendar_page.calendar_page(
        request.business,
        span,
        tz,
        today,
        filters=chosen,
        posts_shown=shown[0],
        flights_shown=shown[1],
        page=page,
        waiting_for=request.user if waiting else None,
    )
    weeks = result.weeks
    review_labels = {} if request.business.approval_mode == ApprovalMode.OFF else REVIEW_SHOWN
    # Links and dates made once here, not by {% url %} and |date in every cell (~40 µs each).
    url_of = _url_maker(request.business.pk)
    week_url = _calendar_url(request, WEEK, datetime.date.fromisoformat(PLACEHOLDER_DATE), filters)
    for week in weeks:
        for bar in week.bars:
            ad = bar.task
            if not hasattr(ad, "page_url"):
                first, last = calendar_feed.flight(ad)
                ad.page_url = url_of("smm_detail", ad.pk)
                ad.move_url = url_of("calendar_move_flight", ad.pk)
                ad.flight_short = f"{date_format(first, 'j M')} – {date_format(last, 'j M')}"
                ad.flight_long = f"{date_format(first, 'j F')} – {date_format(last, 'j F')}"
                ad.review_label = review_labels.get(ad.review_state, "")
        for day in week.days:
            day.iso = day.date.isoformat()
            day.dow, day.mon = date_format(day.date, "D"), date_format(day.date, "M")
            day.day_mon = f"{day.date.day} {day.mon}"
            day.day_month = date_format(day.date, "j F")
            day.long_label = date_format(day.date, "l j F")
            day.week_url = week_url.replace(PLACEHOLDER_DATE, day.iso)
            for post in day.posts:
                local = timezone.localtime(post.scheduled_at)
                post.at_iso = local.isoformat(timespec="seconds")
                post.at_hm = f"{local:%H:%M}"
                post.at_input = f"{local:%Y-%m-%dT%H:%M}"
                post.page_url = url_of("smo_detail", post.pk)
                post.move_url = url_of("calendar_reschedule", post.pk)
                post.review_label = review_labels.get(post.review_state, "")

    _free_slots(request, weeks, span, tz, chosen)

    def link(view, date, page=1):
        return _calendar_url(request, view, date, filters, page)

    unit = "month" if view == MONTH else "week"
    context = {
        "form": form,
        "span": span,
        "weeks": weeks,
        "view": view,
        "today": today,
        "filtered": bool(filters),
        "links": {
            "previous": (link(view, span.previous), f"Previous {unit}"),
            "today": (link(view, today), "Today"),
            "next": (link(view, span.next), f"Next {unit}"),
            "month": link(MONTH, span.anchor),
            "week": link(WEEK, span.anchor),
            "clear": link(view, span.anchor),
        },
        "page": page,
        "pages": {
            "previous": page > 1 and link(view, span.anchor, page=page - 1),
            "next": result.has_more and link(view, span.anchor, page=page + 1),
            "first": (page - 1) * WEEK_SHOWN + 1,
            "last": page * WEEK_SHOWN,
        },
        "new_post_url": reverse("smo_create", args=[request.business.pk]),
        "month_posts_shown": MONTH_POSTS_SHOWN,
        "platform_kinds": PlatformKind.choices,
        "here": link(view, span.anchor),  # where moving a post comes back to
        "last_move": last_move(request) if request.membership.can_edit else None,
        "feed_url": request.build_absolute_uri(
            reverse("ical_feed", args=[request.business.ical_token])
        ),
    }
    return render(request, "calendar/calendar.html", context, status=400 if form.errors else 200)


def _free_slots(request, weeks, span, tz, chosen):
    """Each day's free posting slots from now on (day.free_slots, each with its new-post
    link), of the chosen platform or all (none when only ads are shown): at most three
    queries whatever the business's size."""
    business, platform = request.business, chosen["platform"]
    found = []
    if chosen["kind"] != Kind.SMM:
        platform_ids = [platform.pk] if platform else None
        found = free_slots(business, span.start, span.end, tz, timezone.now(), platform_ids)
    names = {}
    if found:
        names = {p.pk: p.get_kind_display() for p in Platform.objects.for_business(business)}
    new_post = reverse("smo_create", args=[business.pk])
    by_day = {}
    for slot in found:
        slot.label = f"{slot.local:%H:%M} {names.get(slot.platform_id, '')}"
        slot.url = (
            f"{new_post}?platform={slot.platform_id}&scheduled_at={slot.local:%Y-%m-%dT%H:%M}"
        )
        by_day.setdefault(slot.local.date(), []).append(slot)
    for week in weeks:
        for day in week.days:
            day.free_slots = by_day.get(day.date, [])


def _back(request):
    """Where the user came from on the calendar (a local URL only), else the calendar."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("calendar", request.business.pk)


def _errors(form):
    lines = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        prefix = f"{field.label or name.replace('_', ' ').capitalize()}: " if field else ""
        lines.extend(prefix + error for error in errors)
    return " ".join(lines)


# The member's last move on the calendar, kept in their session so that the page can offer to
# undo it: while the task still has the version the move gave it, nothing else changed since.
UNDO_KEY = "calendar_undo"
MOVE_URLS = {Kind.SMO: "calendar_reschedule", Kind.SMM: "calendar_move_flight"}


def last_move(request):
    """The last move of this member in this business that can still be undone, or None."""
    move = request.session.get(UNDO_KEY)
    if not move or move.get("business") != request.business.pk or "kind" not in move:
        return None
    current = Task.objects.filter(pk=move["task"], business=request.business).values_list(
        "version", flat=True
    )
    if list(current) != [move["version"]]:
        return None
    url = reverse(MOVE_URLS[move["kind"]], args=[request.business.pk, move["task"]])
    return {**move, "url": url}


def _move(request, task, changes, undo_fields, undo_shown):
    """Save `changes` on the task through its kind's own form, so every rule of the form (a
    scheduled post needs a time, the platform's text limits, a flight's warnings…) applies to
    a move too, unless the task changed since the calendar showed it (`seen_version`). The
    saved task, or None with the reason told; the move is kept for its undo."""
    form_class = TASK_FORMS[task.kind]
    shown = request.POST.get("seen_version", "")
    seen_version = int(shown) if shown.isascii() and shown.isdigit() else task.version
    data = model_to_dict(task, fields=[f for f in form_class._meta.fields if f != "image"])
    form = form_class(data | changes, instance=task, business=request.business)
    if not form.is_valid():
        messages.error(request, f"“{task.title}” was not moved: {_errors(form)}")
        return None
    try:
        saved = services.task_save(form.save(commit=False), seen_version, by=request.user)
    except services.EditConflict:
        messages.error(
            request, f"“{task.title}” was changed by someone else just now; nothing was moved."
        )
        return None
    except ValidationError as error:  # the approval mode changed since the form checked
        messages.error(request, f"“{task.title}” was not moved: {' '.join(error.messages)}")
        return None
    undoing = request.POST.get("undo") == "1"
    request.session[UNDO_KEY] = (
        None
        if undoing or not undo_fields
        else {"business": request.business.pk, "task": saved.pk, "kind": saved.kind,
              "title": saved.title, "fields": undo_fields, "shown": undo_shown,
              "version": saved.version}
    )  # fmt: skip
    return saved


@member_required(Role.EDITOR)
@require_POST
def reschedule(request, pk):
    """Move a post to another time (its "Move" form, or a drag to another day)."""
    task = get_for_business(
        Task.objects.smo().select_related("business", "platform"), request.business, pk=pk
    )
    was = f"{timezone.localtime(task.scheduled_at):%Y-%m-%dT%H:%M}" if task.scheduled_at else ""
    changes = {"scheduled_at": request.POST.get("scheduled_at", "").strip()}
    task = _move(request, task, changes, was and {"scheduled_at": was}, was.replace("T", " "))
    if task is None:
        return _back(request)
    moved = "moved back to" if request.POST.get("undo") == "1" else "moved to"
    if task.scheduled_at:
        when = timezone.localtime(task.scheduled_at)
        messages.success(request, f"“{task.title}” {moved} {when:%a %d %b %Y, %H:%M}.")
    else:
        messages.success(request, f"“{task.title}” has no publish time now: it left the calendar.")
    return _back(request)


@member_required(Role.EDITOR)
@require_POST
def move_flight(request, pk):
    """Start an ad's flight on another day (a drag of its bar), its length kept."""
    task = get_for_business(
        Task.objects.smm().select_related("business", "platform"), request.business, pk=pk
    )
    try:
        start = datetime.date.fromisoformat(request.POST.get("flight_start", "").strip())
    except ValueError:
        start = None
    if start is None or task.flight_start is None:
        messages.error(
            request, f"“{task.title}” was not moved: give the new first day of its flight."
        )
        return _back(request)
    offset = start - task.flight_start
    changes = {"flight_start": start,
               "flight_end": task.flight_end + offset if task.flight_end else None}  # fmt: skip
    was = {"flight_start": task.flight_start.isoformat()}
    task = _move(request, task, changes, was, date_format(task.flight_start, "D j M Y"))
    if task is None:
        return _back(request)
    moved = "moved back" if request.POST.get("undo") == "1" else "moved"
    messages.success(
        request, f"“{task.title}”: flight {moved} to {date_format(task.flight_start, 'D j M Y')}."
    )
    return _back(request)


@member_required(Role.OWNER)
@require_POST
def feed_token(request):
    """A new secret for the feed's URL: the old URL stops working at once."""
    business = request.business
    business.ical_token = new_feed_token()
    business.save(update_fields=["ical_token"])
    messages.success(
        request,
        "The calendar feed has a new address; the old one no longer works. "
        "Subscribe again with the new one.",
    )
    return _back(request)


@require_safe
def ical_feed(request, token):
    """The business's posts and ad flights for calendar apps (no login: the token is the key)."""
    business = get_object_or_404(Business, ical_token=token)
    tz = zoneinfo.ZoneInfo(business.time_zone)
    now = timezone.now()
    today = now.astimezone(tz).date()
    start, end = calendar_feed.feed_window(today)
    # Calendar apps poll the feed every few hours: a summary of what it carries (at most
    # FEED_MAX_EVENTS) tells whether anything changed; an unchanged feed answers 304,
    # or (to an app that does not ask conditionally) the body kept since it last changed.
    reads = None  # (selection, platforms), read once when needed
    remembered = calendar_feed.remembered_etag(business, today)
    if remembered:
        etag, last_modified = remembered
    else:
        reads = _feed_reads(business, start, today, end, tz)
        etag, last_modified = _feed_etag(business, start, end, *reads)
        calendar_feed.remember_etag(business, today, etag, last_modified)
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if not_modified is not None:
        return not_modified

    site = request.build_absolute_uri("/").removesuffix("/")
    key = calendar_feed.feed_cache_key(business, site, etag)
    body = calendar_feed.cached_feed(key)
    if body is None:
        reads = reads or _feed_reads(business, start, today, end, tz)
        body = calendar_feed.keeping(key, _feed_body(site, business, *reads, now))
    response = StreamingHttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="content-calendar.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    response["ETag"] = etag
    if last_modified:
        response["Last-Modified"] = http_date(last_modified)
    return response


def _feed_reads(business, start, today, end, tz):
    """The feed's selection of tasks and the business's platforms ({id: Platform})."""
    selection = calendar_feed.feed_selection(business, start, today, end, tz)
    platforms = {platform.pk: platform for platform in Platform.objects.for_business(business)}
    return selection, platforms


def _feed_etag(business, start, end, selection, platforms):
    """(ETag, Last-Modified as a timestamp or None) of the feed as it is now."""
    names = [(pk, platform.kind, platform.handle) for pk, platform in platforms.items()]
    fingerprint = calendar_feed.feed_fingerprint(business, start, end, selection, names)
    etag = f'W/"{hashlib.sha256(fingerprint.encode()).hexdigest()[:32]}"'  # weak: DTSTAMP varies
    last = calendar_feed.last_modified(selection)
    return etag, last and timegm(last.utctimetuple())


def _feed_body(site, business, selection, platforms, now):
    # Reversed once per kind, not per event (2,000 reverse() calls were a tenth of the feed).
    url_of = _url_maker(business.pk)

    def task_url(kind, pk):
        return site + url_of(f"{kind}_detail", pk)

    rows = calendar_feed.event_rows(selection)
    return calendar_feed.ical_feed(business, rows, task_url=task_url, now=now, platforms=platforms)
