"""The content calendar: which days a month or week view shows, on which of them each post and
ad goes, and the iCalendar (RFC 5545) feed that calendar apps subscribe to.

Everything here is plain calculation on dates and already loaded tasks, except `feed_items`,
the feed's read (the pages read through planner/calendar_page.py). Days are the business's
local days: a post at 00:30 in Auckland is on that Auckland day, whatever the date in UTC.
"""

import datetime
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import CharField, F, Func, Q
from django.db.models.expressions import RawSQL
from icalendar import Calendar

from planner.models import MAX_FLIGHT_DAYS, Campaign, Kind, SmmStatus, SmoStatus, Task

MONTH, WEEK = "month", "week"
VIEWS = {MONTH: "Month", WEEK: "Week"}
ONE_DAY = datetime.timedelta(days=1)
# Anchor dates outside this range are refused, so that "next month" can never overflow.
MIN_YEAR, MAX_YEAR = 2000, 2100

# The feed: from a quarter ago to a year ahead keeps it small whatever the business's history.
FEED_PAST_DAYS = 90
FEED_FUTURE_DAYS = 365
# …and at most this many events (what calendar apps read without trouble): when the window
# holds more, the upcoming ones first, then the most recent past ones.
FEED_MAX_EVENTS = 2000
POST_DURATION = datetime.timedelta(minutes=30)
PRODID = "-//Campaign planner//Content calendar//EN"
UID_DOMAIN = "campaign-planner"
TENTATIVE = {SmoStatus.IDEA, SmoStatus.DRAFT, SmmStatus.DRAFT}


@dataclass(frozen=True)
class Span:
    """The days one calendar page shows (whole weeks, Monday to Sunday) and its neighbours."""

    view: str
    anchor: datetime.date  # the day asked for; the month view shows its month
    start: datetime.date
    end: datetime.date
    previous: datetime.date
    next: datetime.date

    @property
    def label(self):
        if self.view == MONTH:
            return f"{self.anchor:%B %Y}"
        if self.start.year != self.end.year:
            return f"{_day(self.start)} {self.start:%B %Y} – {_day(self.end)} {self.end:%B %Y}"
        if self.start.month != self.end.month:
            return f"{_day(self.start)} {self.start:%B} – {_day(self.end)} {self.end:%B %Y}"
        return f"{_day(self.start)}–{_day(self.end)} {self.end:%B %Y}"


def _day(date):
    return str(date.day)  # no leading zero, on every platform


def span_for(view, anchor):
    monday = anchor - datetime.timedelta(days=anchor.weekday())
    if view == WEEK:
        week = datetime.timedelta(days=7)
        return Span(WEEK, anchor, monday, monday + 6 * ONE_DAY, monday - week, monday + week)
    first = anchor.replace(day=1)
    last = (first + datetime.timedelta(days=32)).replace(day=1) - ONE_DAY
    return Span(
        MONTH,
        anchor,
        start=first - datetime.timedelta(days=first.weekday()),
        end=last + datetime.timedelta(days=6 - last.weekday()),
        previous=(first - ONE_DAY).replace(day=1),
        next=last + ONE_DAY,
    )


@dataclass
class Day:
    date: datetime.date
    is_today: bool
    in_month: bool  # False for the previous and next month's days a month grid shows
    column: int  # 1 (Monday) to 7 (Sunday)
    posts: list = field(default_factory=list)  # SMO tasks, by publish time
    ads: list = field(default_factory=list)  # SMM tasks whose flight includes the day
    week_url: str = ""  # set by the view: the week view around this day
    more: int = 0  # set by the view: posts the month view leaves to the week view
    counts: object = None  # set by calendar_page: the day's DayCounts
    # Set by the view, once a page rather than by |date in each cell: the ISO date and labels.
    iso: str = ""
    dow: str = ""  # "Mon"
    mon: str = ""  # "Nov"
    day_mon: str = ""  # "2 Nov"
    day_month: str = ""  # "2 November"
    long_label: str = ""  # "Monday 2 November"


@dataclass
class Bar:
    """An ad's flight within one week: from column `start`, `span` days wide."""

    task: Task
    start: int
    span: int
    continues_before: bool
    continues_after: bool


@dataclass
class Week:
    days: list
    bars: list
    more_bars: int = 0  # set by the view: bars the month view leaves to the week view
    flights: int = 0  # set by calendar_page: every flight in the week, shown or not


def flight(task):
    """An ad's first and last day; a flight without an end is its first day only."""
    return task.flight_start, max(task.flight_end or task.flight_start, task.flight_start)


def local_day(moment, tz):
    return moment.astimezone(tz).date()


def lay_out(span, tasks, tz, today, weeks_of_ad=None):
    """The weeks of `span` with each post on its local day and each ad as one bar a week
    (with `weeks_of_ad`, {ad id: Mondays}, only in the weeks chosen to show it)."""
    posts = defaultdict(list)
    ads = []
    for task in tasks:
        if task.kind == Kind.SMO and task.scheduled_at:
            posts[local_day(task.scheduled_at, tz)].append(task)
        elif task.kind == Kind.SMM and task.flight_start:
            ads.append(task)
    ads.sort(key=lambda t: (t.flight_start, -(flight(t)[1] - t.flight_start).days, t.title, t.pk))

    weeks = []
    monday = span.start
    while monday <= span.end:
        sunday = monday + 6 * ONE_DAY
        days = []
        for offset in range(7):
            date = monday + datetime.timedelta(days=offset)
            day_posts = sorted(posts.get(date, []), key=lambda t: (t.scheduled_at, t.pk))
            in_month = span.view == WEEK or date.month == span.anchor.month
            days.append(Day(date, date == today, in_month, offset + 1, day_posts))
        bars = []
        for ad in ads:
            first, last = flight(ad)
            low, high = max(first, monday), min(last, sunday)
            if low > high:
                continue
            if weeks_of_ad is not None and monday not in weeks_of_ad.get(ad.pk, ()):
                continue
            start = (low - monday).days
            bars.append(Bar(ad, start + 1, (high - low).days + 1, first < monday, last > sunday))
            for day in days[start : (high - monday).days + 1]:
                day.ads.append(ad)
        weeks.append(Week(days, bars))
        monday += datetime.timedelta(days=7)
    return weeks


@dataclass
class FeedSelection:
    """Which tasks the feed carries, as SQL: the upcoming ones (soonest first), then the past
    ones (latest first), at most FEED_MAX_EVENTS in all. `summary` is what the ETag is made of,
    read without fetching the rows; `ids_sql()` the chosen ids, for a subquery."""

    upcoming: tuple  # (sql, params) of (item, item_version, edited, day), ordered, limited
    past: tuple  # the same for the past part, before the room left for it is known
    summary: tuple = ()  # per part: (count, sum of ids, sum of versions, latest edit as text)

    def ids_sql(self):
        room = FEED_MAX_EVENTS - (self.summary[0][0] if self.summary else 0)
        sql = f"SELECT item FROM ({self.upcoming[0]}) AS up"
        params = [*self.upcoming[1]]
        if room > 0:
            sql += f" UNION ALL SELECT item FROM ({self.past[0]}) AS past"
            params += [*self.past[1], room]
        return sql, params


def feed_selection(business, start, today, end, tz):
    """The feed's tasks (FeedSelection) with their summary, in one or two small queries.

    The window is `start` to `end` (local days); ads whose flight overlaps it count. Posts by
    publish time and ads by first day, each walked in its own index's order with a LIMIT
    (task_kind_scheduled_id, task_kind_flight_start): undated ideas are never in the way. The
    database merges them and sums what the ETag needs, so a poll reads one row a part.
    """
    tasks = (
        Task.objects.for_business(business)
        .exclude(status=SmoStatus.ARCHIVED)  # the same word for both kinds
        # Named, so that the SQL around the parts can name them on both databases.
        .annotate(
            item=F("pk"), item_version=F("version"), edited=F("updated_at"), day=F("work_date")
        )
        .values_list("item", "item_version", "edited", "day")
    )
    posts, ads = tasks.filter(kind=Kind.SMO), tasks.filter(kind=Kind.SMM)
    midnight = local_midnight(today, tz)
    upcoming = _merged(
        posts.filter(
            scheduled_at__gte=midnight, scheduled_at__lt=local_midnight(end + ONE_DAY, tz)
        ).order_by("scheduled_at", "pk")[:FEED_MAX_EVENTS],
        ads.filter(flight_start__gte=today, flight_start__lte=end).order_by("flight_start", "pk")[
            :FEED_MAX_EVENTS
        ],
        "ASC",
        FEED_MAX_EVENTS,
    )
    overlapping = Q(flight_end__gte=start) | Q(flight_end__isnull=True, flight_start__gte=start)
    past = _merged(
        posts.filter(
            scheduled_at__gte=local_midnight(start, tz), scheduled_at__lt=midnight
        ).order_by("-scheduled_at", "-pk")[:FEED_MAX_EVENTS],
        ads.filter(
            overlapping,
            flight_start__lt=today,
            flight_start__gte=start - datetime.timedelta(days=MAX_FLIGHT_DAYS),
        ).order_by("-flight_start", "-pk")[:FEED_MAX_EVENTS],
        "DESC",
        None,  # the room left: a parameter, given once the upcoming part is counted
    )
    selection = FeedSelection(upcoming, past)
    summary = [_summary(*upcoming)]
    room = FEED_MAX_EVENTS - summary[0][0]
    if room > 0:
        summary.append(_summary(past[0], [*past[1], room]))
    selection.summary = tuple(summary)
    return selection


def _merged(posts, ads, direction, limit):
    """(sql, params): the two sliced queries' rows in one order, by day then id, limited (with
    `limit` None, the limit is the last parameter)."""
    posts_sql, posts_params = posts.query.sql_with_params()
    ads_sql, ads_params = ads.query.sql_with_params()
    sql = (
        f"SELECT * FROM (SELECT * FROM ({posts_sql}) AS posts"
        f" UNION ALL SELECT * FROM ({ads_sql}) AS ads) AS both_kinds"
        f" ORDER BY day {direction}, item {direction} LIMIT %s"
    )
    params = [*posts_params, *ads_params]
    return sql, params if limit is None else [*params, limit]


def _summary(sql, params):
    """(count, sum of ids, sum of versions, latest edit time as text) of a part's rows."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), COALESCE(SUM(item), 0), COALESCE(SUM(item_version), 0),"
            f" CAST(MAX(edited) AS TEXT) FROM ({sql}) AS part",
            params,
        )
        count, ids, versions, latest = cursor.fetchone()
    return int(count), int(ids), int(versions), latest


def last_modified(selection):
    """The latest edit time of the feed's tasks, as a UTC datetime (to the second), or None."""
    latest = max((part[3] for part in selection.summary if part[3]), default=None)
    if latest is None:
        return None
    moment = datetime.datetime.strptime(latest[:19], "%Y-%m-%d %H:%M:%S")
    return moment.replace(tzinfo=datetime.UTC)


def local_midnight(day, tz):
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)


def feed_window(today):
    return (
        today - datetime.timedelta(days=FEED_PAST_DAYS),
        today + datetime.timedelta(days=FEED_FUTURE_DAYS),
    )


def task_uid(pk):
    return f"task-{pk}@{UID_DOMAIN}"


class UtcStamp(Func):
    """A moment (plus `minutes`) in iCalendar's UTC form, 20261201T093000Z, written by the
    database: Django reads a timestamp through psycopg's pure-Python parser, and two of them an
    event were a fifth of the feed's time."""

    output_field = CharField()

    def __init__(self, expression, minutes=0):
        super().__init__(expression)
        self.minutes = int(minutes)

    def as_sql(self, compiler, connection):  # PostgreSQL
        moment, params = compiler.compile(self.source_expressions[0])
        shifted = f"({moment} + interval '{self.minutes} minutes') AT TIME ZONE 'UTC'"
        return f"""to_char({shifted}, 'YYYYMMDD"T"HH24MISS"Z"')""", params

    def as_sqlite(self, compiler, connection):  # Django keeps UTC text there
        moment, params = compiler.compile(self.source_expressions[0])
        return f"strftime('%%Y%%m%%dT%%H%%M%%SZ', {moment}, '+{self.minutes} minutes')", params


# What an event shows of a task, read as plain rows rather than model instances (building
# 2,000 deferred instances and their choice labels was a third of the feed's time).
EVENT_COLUMNS = (
    *("pk", "kind", "title", "status", "modified", "platform_id", "campaign_name"),
    *("starts", "ends", "post_text", "hashtags", "flight_start", "flight_end"),
    *("ad_headline", "ad_text"),
)
STATUS_LABELS = {Kind.SMO: dict(SmoStatus.choices), Kind.SMM: dict(SmmStatus.choices)}


def event_rows(selection):
    """The feed's tasks as named rows, by day, a chunk at a time."""
    return (
        Task.objects.filter(pk__in=RawSQL(*selection.ids_sql()))
        .annotate(
            modified=UtcStamp("updated_at"),
            starts=UtcStamp("scheduled_at"),
            ends=UtcStamp("scheduled_at", minutes=POST_DURATION.total_seconds() // 60),
            campaign_name=F("campaign__name"),
        )
        .order_by("work_date", "pk")
        .values_list(*EVENT_COLUMNS, named=True)
        .iterator(chunk_size=500)
    )


def feed_fingerprint(business, start, end, selection, platforms):
    """What the feed's ETag is made of: the window, the business's name and time zone, the
    summary of its tasks (how many, which, their versions and latest edit: a save moves the
    latest edit, a move between platforms or campaigns the versions, a task in or out the count
    and the ids), and the names the events show: each platform's (`platforms`: (id, kind,
    handle)) and each campaign's, as they are (an edit in the admin bumps no version)."""
    campaigns = Campaign.objects.for_business(business).order_by("pk").values_list("pk", "name")
    parts = [business.name, business.time_zone, start, end, *selection.summary]
    parts += [f"{pk}:{kind}:{handle}" for pk, kind, handle in sorted(platforms)]
    parts += [f"{pk}:{name}" for pk, name in campaigns]
    return "|".join(map(str, parts))


def ical_feed(business, rows, *, task_url, now, platforms):
    """The rows (of event_rows) as an RFC 5545 calendar, in pieces of bytes (a generator: one
    event at a time is in memory): posts at their publish time (in UTC), ads as all-day events
    over their flight. `task_url(kind, pk)` is the absolute URL of a task's page; `platforms`
    maps each platform id to its Platform."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{business.name}: content calendar")
    calendar.add("x-wr-caldesc", "Organic posts (SMO) and paid ad flights (SMM) from the planner.")
    calendar.add("x-wr-timezone", business.time_zone)
    calendar.add("refresh-interval", datetime.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    head, end = calendar.to_ical().split(b"END:VCALENDAR")
    yield head
    labels = {pk: (str(p), p.get_kind_display()) for pk, p in platforms.items()}
    stamp = f"DTSTAMP:{_utc(now)}\r\n".encode()
    for row in rows:
        yield _event(row, task_url(row.kind, row.pk), stamp, labels[row.platform_id])
    yield b"END:VCALENDAR" + end


# The feed is the same for everyone who polls it until something in it changes: the first answer
# after a change is kept (in Redis in production) under its ETag and sent as it is until then.
FEED_CACHE_SECONDS = 24 * 3600
FEED_CACHE_MAX_BYTES = 4 * 1024 * 1024  # a bigger feed (very long posts) is streamed, not kept


# What the last answer's ETag was, for FEED_ETAG_SECONDS (the answer's own max-age): a poll in
# that time reads neither the tasks nor their summary. The services forget it when a task,
# platform, campaign or the business changes (forget_etag, after the commit).
FEED_ETAG_SECONDS = 300


def _etag_key(business_id):
    return f"ical-feed-etag:{business_id}"


def remembered_etag(business, today):
    """(etag, last modified) of the last answer, if remembered for this business and day."""
    found = cache.get(_etag_key(business.pk))
    if found and found[0] == today.isoformat():
        return found[1], found[2]
    return None


def remember_etag(business, today, etag, last_modified):
    cache.set(_etag_key(business.pk), (today.isoformat(), etag, last_modified), FEED_ETAG_SECONDS)


def forget_etag(business_id):
    """Call on a write that changes what the feed shows: forgotten now, and again once the
    write commits (a poll in between may have remembered the state before it)."""
    cache.delete(_etag_key(business_id))
    transaction.on_commit(lambda: cache.delete(_etag_key(business_id)))


def feed_cache_key(business, site, etag):
    """Per business, site (the events' links are absolute) and ETag."""
    digest = hashlib.sha256(f"{site}|{etag}".encode()).hexdigest()[:32]
    return f"ical-feed:{business.pk}:{digest}"


def cached_feed(key):
    """The kept feed as one chunk, or None."""
    body = cache.get(key)
    return None if body is None else [body]


def keeping(key, chunks):
    """Yield `chunks`, and once they are all sent, keep them under `key` (unless too big)."""
    kept, size = [], 0
    for chunk in chunks:
        if kept is not None:
            kept.append(chunk)
            size += len(chunk)
            if size > FEED_CACHE_MAX_BYTES:
                kept = None
        yield chunk
    if kept is not None:
        cache.set(key, b"".join(kept), FEED_CACHE_SECONDS)


# Events are written here rather than through icalendar's Event: it takes ~250 µs an event
# (2,000 events, half a second a poll) for what is a dozen escaped and folded lines. The
# calendar's own header still comes from icalendar, and the tests read every feed back with it.
CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")  # not allowed in TEXT (RFC 5545 3.3.11)
NEEDS_ESCAPE = re.compile(r"[\\;,\x00-\x08\x0a-\x1f\x7f]")


def _text(value):
    """A TEXT value: backslash, semicolon, comma and newlines escaped, other controls dropped."""
    if not NEEDS_ESCAPE.search(value):  # most titles: nothing to do
        return value
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return CONTROL.sub("", value)


def _fold(line):
    """One content line as bytes, folded at 75 octets (RFC 5545 3.1), never inside a UTF-8
    character."""
    data = line.encode()
    if len(data) <= 75:
        return data + b"\r\n"
    parts, start, limit = [], 0, 75
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:  # a continuation byte: break before its character
            end -= 1
        parts.append(data[start:end])
        start, limit = end, 74  # a continued line begins with a space
    parts.append(data[start:])
    return b"\r\n ".join(parts) + b"\r\n"


def _utc(moment):
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


TRANSPARENT = b"TRANSP:TRANSPARENT\r\n"  # planned work, not a meeting: never "busy"


def _event(row, url, stamp, platform_labels):
    """The VEVENT of one task row, as bytes (`stamp` is its DTSTAMP line, the same for all)."""
    platform, platform_kind = platform_labels
    if row.kind == Kind.SMO:
        label = "SMO"
        when = f"DTSTART:{row.starts}\r\nDTEND:{row.ends}\r\n"
        text = (row.post_text, row.hashtags)
    else:
        label = "SMM"
        first, last = flight(row)
        # DTEND is exclusive: the day after the last.
        when = f"DTSTART;VALUE=DATE:{first:%Y%m%d}\r\nDTEND;VALUE=DATE:{last + ONE_DAY:%Y%m%d}\r\n"
        text = (row.ad_headline, row.ad_text)
    status = STATUS_LABELS[row.kind].get(row.status, row.status)
    campaign = f" · campaign {row.campaign_name}" if row.campaign_name else ""
    description = "\n\n".join([*filter(None, text), f"{platform} · {status}{campaign}", url])
    tentative = "TENTATIVE" if row.status in TENTATIVE else "CONFIRMED"
    return b"".join(
        (
            f"BEGIN:VEVENT\r\nUID:{task_uid(row.pk)}\r\n".encode(),
            stamp,
            f"LAST-MODIFIED:{row.modified}\r\n".encode(),
            _fold(f"SUMMARY:{_text(f'[{label}] {platform_kind}: {row.title}')}"),
            _fold(f"URL:{url}"),
            f"CATEGORIES:{label}\r\nSTATUS:{tentative}\r\n".encode(),
            TRANSPARENT,
            when.encode(),
            _fold(f"DESCRIPTION:{_text(description)}"),
            b"END:VEVENT\r\n",
        )
    )
