"""What one calendar page reads, in a fixed number of queries whatever the business's size.

The counts ("+K more") come from CalendarTally, which the services keep exact. The items shown
are at most a few posts per day and ad flights per week, each day's and week's chosen
by its own small ordered query with a LIMIT, all sent as one UNION ALL, so the database reads
a few index entries per day instead of every task in the span.

Which flights a week shows, when it has more than fit: the ones already running on its Monday
that end soonest, then those starting in the week, earliest first. The week view
pages through the rest in that order; the month view links to it.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from planner.calendar_feed import ONE_DAY, lay_out, local_midnight
from planner.models import CalendarTally, Kind, Task
from planner.rollups import calendar_days
from planner.selectors import first_ids, ids_sql_between
from planner.teamwork.review import ReviewState

LONG_TEXT = ("post_text", "ad_text", "hashtags", "image_alt", "audience_interests")


@dataclass
class DayCounts:
    posts: int = 0  # posts published that day
    ads: int = 0  # ads whose flight includes the day
    ad_starts: int = 0  # ads whose flight begins that day


@dataclass
class CalendarPage:
    weeks: list
    counts: dict = field(default_factory=dict)  # day -> DayCounts
    has_more: bool = False  # a later page of the week view has items


def day_counts(business, start, end, filters):
    """{day: DayCounts} for the days `start` to `end`, from CalendarTally in one query."""
    rows = (
        CalendarTally.objects.filter(business=business, date__range=(start, end), **filters)
        .values("date", "kind")
        .annotate(count=Sum("count"), starts=Sum("starts"))
        .order_by()
    )
    counts = {}
    for row in rows:
        day = counts.setdefault(row["date"], DayCounts())
        if row["kind"] == Kind.SMO:
            day.posts += row["count"]
        else:
            day.ads += row["count"]
            day.ad_starts += row["starts"]
    return counts


def waiting_counts(tasks, start, end):
    """{day: DayCounts} counted from `tasks` themselves: for "waiting for me", which no tally
    keeps (it depends on who looks). Two grouped queries over the work in review in the span,
    the ads' flights spread over their days here (as rollups.refresh_calendar does)."""
    counts = {}
    posts = tasks.filter(kind=Kind.SMO, scheduled_at__isnull=False, work_date__range=(start, end))
    for row in posts.values("work_date").annotate(n=Count("pk")).order_by():
        counts.setdefault(row["work_date"], DayCounts()).posts += row["n"]
    flights = tasks.filter(kind=Kind.SMM, flight_start__lte=end).filter(
        Q(flight_end__gte=start) | Q(flight_end__isnull=True, flight_start__gte=start)
    )
    for row in flights.values("flight_start", "flight_end").annotate(n=Count("pk")).order_by():
        ad = Task(kind=Kind.SMM, flight_start=row["flight_start"], flight_end=row["flight_end"])
        for index, day in enumerate(calendar_days(ad)):
            if start <= day <= end:
                counts.setdefault(day, DayCounts()).ads += row["n"]
                counts[day].ad_starts += row["n"] if index == 0 else 0
    return counts


def calendar_page(
    business, span, tz, today, *, filters, posts_shown, flights_shown, page=1, waiting_for=None
):
    """The weeks of `span` with at most `posts_shown` posts a day and `flights_shown` flights
    a week, from the `page`-th such slice of each (the week view pages; the month view shows
    the first). `waiting_for`: a user, to show only the work in review waiting for them."""

    # `filters`: platform, campaign, kind, status and review state, each None/"" for all.
    # Three queries (four for "waiting for me").
    tally_filters = {name: value for name, value in filters.items() if value}
    tasks = Task.objects.for_business(business).filter(**tally_filters).order_by()
    if waiting_for is None:
        counts = day_counts(business, span.start, span.end, tally_filters)
    else:
        tasks = tasks.filter(review_state=ReviewState.IN_REVIEW)
        if business.authors_cannot_approve:
            tasks = tasks.exclude(review_requested_by=waiting_for.pk)
        counts = waiting_counts(tasks, span.start, span.end)
    low, high = (page - 1) * posts_shown, page * posts_shown
    parts, kinds = [], []
    days = [span.start + offset * ONE_DAY for offset in range((span.end - span.start).days + 1)]
    if filters.get("kind") != Kind.SMM:

        def posts_between(start, stop):
            within = tasks.filter(kind=Kind.SMO, scheduled_at__gte=start, scheduled_at__lt=stop)
            return within.order_by("scheduled_at", "pk")[low:high]

        busy = [day for day in days if counts.get(day, DayCounts()).posts > low]
        bounds = [(local_midnight(day, tz), local_midnight(day + ONE_DAY, tz)) for day in busy]
        parts.extend(ids_sql_between(posts_between, bounds))
        kinds.extend(("post", day) for day in busy)
    if filters.get("kind") != Kind.SMO:
        for monday in days[::7]:
            parts.extend(
                _week_flights(
                    tasks, monday, counts, (page - 1) * flights_shown, page * flights_shown
                )
            )
            kinds.extend([("flight", monday)] * (len(parts) - len(kinds)))
    ids = first_ids(parts)
    week_of = {}  # ad id -> the Mondays of the weeks that show it
    chosen = set()
    for (what, day), part in zip(kinds, ids, strict=True):
        chosen.update(part)
        if what == "flight":
            for pk in part:
                week_of.setdefault(pk, set()).add(day)
    loaded = (
        Task.objects.filter(pk__in=chosen).select_related("platform").defer(*LONG_TEXT)
        if chosen
        else []
    )
    weeks = lay_out(span, loaded, tz, today, weeks_of_ad=week_of)
    has_more = False
    for week in weeks:
        monday = week.days[0].date
        in_week = sum(counts.get(day.date, DayCounts()).ad_starts for day in week.days)
        week.flights = in_week + _carried_into(counts, monday)
        week.more_bars = max(0, week.flights - page * flights_shown)
        has_more = has_more or week.more_bars > 0
        for day in week.days:
            day.counts = counts.get(day.date, DayCounts())
            day.more = max(0, day.counts.posts - high)
            has_more = has_more or day.more > 0
    return CalendarPage(weeks, counts, has_more)


def _carried_into(counts, monday):
    """Flights running on `monday` that began before it."""
    day = counts.get(monday, DayCounts())
    return day.ads - day.ad_starts


def _week_flights(tasks, monday, counts, low, high):
    """The sliced queries of the flights ranked `low` to `high` in the week from `monday`:
    first those carried in (soonest end first), then those starting in the week."""
    carried = _carried_into(counts, monday)
    sunday = monday + 6 * ONE_DAY
    in_week = sum(counts.get(monday + n * ONE_DAY, DayCounts()).ad_starts for n in range(7))
    parts = []
    if low < carried:
        # By last day: the scan from Monday meets flights ending soon, nearly all carried in
        # (a flight that starts in the week and ends soon after is the only kind it skips).
        running = tasks.filter(
            kind=Kind.SMM, flight_end__gte=monday, flight_start__lt=monday
        ).order_by("flight_end", "pk")
        parts.append(running[low : min(high, carried)])
    start, stop = max(0, low - carried), high - carried
    if stop > 0 and in_week > start:
        starting = tasks.filter(
            kind=Kind.SMM, flight_start__gte=monday, flight_start__lte=sunday
        ).order_by("flight_start", "pk")
        parts.append(starting[start:stop])
    return parts
