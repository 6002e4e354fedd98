"""Best times to post: a platform's published posts by weekday and hour in the business's time
zone, with their engagements and link clicks per post, and the best free time ahead
(docs/domain.md, "Best time to post").

The cells come from the posts published in the last WINDOW_DAYS days, at most the newest
MAX_POSTS of them: recent audiences and algorithms matter more than old ones, and the page
costs the same for a business of any size. Where a cell has fewer than MIN_POSTS posts its
figures are shown but not coloured, nor suggested.
"""

import datetime
import zoneinfo
from dataclasses import dataclass

from django.db.models import Count, Exists, Sum
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay

from planner.models import Kind, Platform, SmoStatus, Task

WINDOW_DAYS = 365
MAX_POSTS = 5_000  # 30 a cell on average: enough to rank them, and the page stays flat
MIN_POSTS = 3
SHADES = 5  # colour steps of the heat map
SUGGEST_DAYS = 14
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Cell:
    weekday: int  # 0 Monday … 6 Sunday
    hour: int
    posts: int = 0
    engagements: int = 0
    clicks: int = 0

    @property
    def enough(self):
        return self.posts >= MIN_POSTS

    @property
    def engagements_per_post(self):
        return self.engagements / self.posts if self.posts else None

    @property
    def clicks_per_post(self):
        return self.clicks / self.posts if self.posts else None


def published(business, platform, now):
    """The platform's published posts the heat map counts: the last WINDOW_DAYS days, the
    newest MAX_POSTS at most (one index probe finds where those begin)."""
    posts = Task.objects.filter(
        business=business,
        kind=Kind.SMO,
        status=SmoStatus.PUBLISHED,
        platform=platform,
        scheduled_at__gte=now - datetime.timedelta(days=WINDOW_DAYS),
        scheduled_at__lte=now,
    )
    oldest = posts.order_by("-scheduled_at").values_list("scheduled_at", flat=True)[
        MAX_POSTS - 1 : MAX_POSTS
    ]
    oldest = list(oldest)
    return posts.filter(scheduled_at__gte=oldest[0]) if oldest else posts


def cells(business, platform, now):
    """{(weekday, hour): Cell} of the posts counted, grouped in the database."""
    zone = zoneinfo.ZoneInfo(business.time_zone)
    rows = (
        published(business, platform, now)
        .annotate(
            weekday=ExtractIsoWeekDay("scheduled_at", tzinfo=zone),
            hour=ExtractHour("scheduled_at", tzinfo=zone),
        )
        .values("weekday", "hour")
        .annotate(
            posts=Count("*"),  # not the id: the index holds all else, so the table is not read
            engagements=Sum("total_engagements"),
            clicks=Sum("total_clicks"),
        )
        .order_by()
    )
    return {
        (row["weekday"] - 1, row["hour"]): Cell(
            row["weekday"] - 1,
            row["hour"],
            row["posts"],
            row["engagements"] or 0,
            row["clicks"] or 0,
        )
        for row in rows
    }


def grid(found, figure):
    """Rows of the heat map, Monday first: [(weekday name, [(Cell, shade or None)] × 24)],
    each shade 1..SHADES by the cell's `figure` per post against the best cell's."""
    best = max((getattr(cell, figure) for cell in found.values() if cell.enough), default=None)
    rows = []
    for weekday, name in enumerate(WEEKDAYS):
        line = []
        for hour in range(24):
            cell = found.get((weekday, hour), Cell(weekday, hour))
            shade = None
            if cell.enough and best:
                shade = max(1, round(SHADES * getattr(cell, figure) / best))
            line.append((cell, shade))
        rows.append((name, line))
    return rows


def ranked(found):
    """The cells with enough posts, best first: link clicks per post, then engagements."""
    return sorted(
        (cell for cell in found.values() if cell.enough),
        key=lambda cell: (-cell.clicks_per_post, -cell.engagements_per_post, cell.weekday),
    )


def candidates(found, now, zone, top=5, days=None):
    """The next moments, after `now`, of the best cells (a time that does not exist on a
    night clocks go forward is skipped), in the order of the cells' rank then of time."""
    local_now = now.astimezone(zone)
    days = SUGGEST_DAYS if days is None else days
    moments = []
    for cell in ranked(found)[:top]:
        for offset in range(days + 1):
            day = local_now.date() + datetime.timedelta(days=offset)
            if day.weekday() != cell.weekday:
                continue
            moment = datetime.datetime.combine(day, datetime.time(cell.hour), zone)
            exists = moment.astimezone(datetime.UTC).astimezone(zone).hour == cell.hour
            if moment > now and exists:
                moments.append((cell, moment))
    return moments


def best_free_time(business, platform, now, found):
    """(Cell, moment) of the best time ahead with no post of the platform in that hour, from
    the heat map's cells `found`, or None if every candidate hour is taken: each candidate
    hour is one EXISTS probe of the posts by platform and time, all in one query."""
    zone = zoneinfo.ZoneInfo(business.time_zone)
    moments = candidates(found, now, zone)
    if not moments:
        return None
    posts = Task.objects.filter(business=business, kind=Kind.SMO, platform=platform)
    probes = {
        f"at{i}": Exists(
            posts.filter(
                scheduled_at__gte=moment, scheduled_at__lt=moment + datetime.timedelta(hours=1)
            )
        )
        for i, (_cell, moment) in enumerate(moments)
    }
    taken = Platform.objects.filter(pk=platform.pk).annotate(**probes).values(*probes).get()
    for i, (cell, moment) in enumerate(moments):
        if not taken[f"at{i}"]:
            return cell, moment
    return None
