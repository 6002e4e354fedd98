"""The daily checks (`manage.py notify_daily`, run by cron or a scheduler once a day): posts
due within 24 hours that are not approved or not scheduled, posts whose time has passed
unpublished, and ads off pace are told to whoever is assigned (else the owners); then the
daily digests go out. Running it twice in a day tells nobody twice (the events' keys)."""

import datetime
import zoneinfo
from collections import Counter

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from planner import kpis
from planner.models import Business, Kind, Membership, Role, SmoStatus, Task
from planner.selectors import off_pace
from planner.teamwork import notify
from planner.teamwork.models import NotificationKind
from planner.teamwork.review import ApprovalMode, ReviewState
from planner.webhooks import events as webhook_events

# Each business is told of at most this many of each kind a day, so a business with
# thousands of late drafts gets a list worth reading, not thousands of e-mails.
PER_BUSINESS = 200
# A post late by more than this is old news: it was told when it became late.
OVERDUE_WINDOW = datetime.timedelta(days=7)
NOT_OUT = (SmoStatus.PUBLISHED, SmoStatus.ARCHIVED)


def run_daily(now=None):
    """Check every business, then send the digests; {what: how many} for the command."""
    now = now or timezone.now()
    counts = Counter()
    for business in Business.objects.order_by("pk").iterator(chunk_size=500):
        with transaction.atomic():
            counts.update(check_business(business, now))
    counts["digests sent"] = notify.send_digests()
    return counts


def check_business(business, now):
    members = dict(Membership.objects.filter(business=business).values_list("user_id", "role"))
    owners = [uid for uid, role in members.items() if role == Role.OWNER]

    def told(task):
        return [task.assignee_id] if task.assignee_id in members else owners

    tz = zoneinfo.ZoneInfo(business.time_zone)
    review_on = business.approval_mode != ApprovalMode.OFF
    posts = Task.objects.filter(business=business, kind=Kind.SMO).exclude(status__in=NOT_OUT)
    counts = Counter()

    due = posts.filter(scheduled_at__gt=now, scheduled_at__lte=now + datetime.timedelta(days=1))
    waiting = ~Q(status=SmoStatus.SCHEDULED)
    if review_on:
        waiting |= ~Q(review_state=ReviewState.APPROVED)
    for task in due.filter(waiting).order_by("scheduled_at", "pk")[:PER_BUSINESS]:
        missing = [] if task.status == SmoStatus.SCHEDULED else ["not scheduled"]
        if review_on and task.review_state != ReviewState.APPROVED:
            missing.append("not approved")
        when = timezone.localtime(task.scheduled_at, tz)
        notify.tell(
            told(task),
            business=business,
            kind=NotificationKind.DUE_SOON,
            key=f"due:{task.pk}:{task.scheduled_at:%Y%m%dT%H%M}",
            text=f"“{task.title}” is due {when:%a %d %b, %H:%M} and is {' and '.join(missing)}",
            url=notify.task_url(task, "top"),
            task=task,
        )
        counts["due soon"] += 1

    late = posts.filter(scheduled_at__lte=now, scheduled_at__gt=now - OVERDUE_WINDOW)
    for task in late.order_by("-scheduled_at", "-pk")[:PER_BUSINESS]:
        when = timezone.localtime(task.scheduled_at, tz)
        notify.tell(
            told(task),
            business=business,
            kind=NotificationKind.OVERDUE,
            key=f"overdue:{task.pk}:{task.scheduled_at:%Y%m%dT%H%M}",
            text=f"“{task.title}” was due {when:%a %d %b, %H:%M} and is not published",
            url=notify.task_url(task, "top"),
            task=task,
        )
        counts["overdue"] += 1

    today = timezone.localtime(now, tz).date()
    ads = Task.objects.filter(business=business).filter(off_pace(today))
    for ad in ads.order_by("-created_at", "-pk")[:PER_BUSINESS]:
        over = kpis.off_pace_on((ad.pace_over_from, ad.pace_over_until, None), today)
        direction = "over" if over else "under"
        notify.tell(
            told(ad),
            business=business,
            kind=NotificationKind.OFF_PACE,
            # Once per ad and direction in a flight: told again only if it swings the other way.
            key=f"pace:{ad.pk}:{ad.flight_start}:{direction}",
            text=f"“{ad.title}” is {direction} pace",
            url=notify.task_url(ad, "top"),
            task=ad,
        )
        webhook_events.ad_off_pace(ad, direction)
        counts["off pace"] += 1
    return counts
