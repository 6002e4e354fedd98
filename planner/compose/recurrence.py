"""Recurring posts' dates: the occurrences of a series, as aware datetimes (pure: no ORM).

A series starts with its first post's local day and time in the business's time zone and
repeats every N days, or every N weeks on chosen weekdays, until a last day (inclusive) or for
a number of times, whichever the rule gives. Each occurrence keeps the local wall time across
daylight-saving changes (a 09:00 post stays at 09:00 in summer and in winter); a time that does
not exist on a spring-forward day (02:30 in Berlin on the last Sunday of March) moves on by the
gap (03:30), and one that happens twice on a fall-back day is the first of the two.

planner/compose (the composer) will create one post per occurrence; this module only says when.
"""

import datetime
import zoneinfo
from dataclasses import dataclass, field

MAX_OCCURRENCES = 1000  # two years of daily posts (731) fit; a series is capped, not refused
DAY, WEEK = "day", "week"
ONE_DAY = datetime.timedelta(days=1)


class RuleError(ValueError):
    """A rule that describes no series (the message says why, for the form's field)."""


@dataclass(frozen=True)
class Rule:
    every: int = 1  # N
    unit: str = WEEK  # DAY or WEEK
    weekdays: frozenset = field(default_factory=frozenset)  # 0 Monday … 6 Sunday; WEEK only
    until: datetime.date | None = None  # the last day that may have one, inclusive
    count: int | None = None  # how many in all, the first included

    def check(self, first_day):
        if self.unit not in (DAY, WEEK):
            raise RuleError("Repeat every so many days or weeks.")
        if not 1 <= self.every <= 52:
            raise RuleError("Repeat every 1 to 52 days or weeks.")
        if self.unit == DAY and self.weekdays:
            raise RuleError("Weekdays go with a weekly series.")
        if any(day not in range(7) for day in self.weekdays):
            raise RuleError("A weekday is Monday to Sunday.")
        if (self.until is None) == (self.count is None):
            raise RuleError("End the series on a day or after a number of posts (one of them).")
        if self.count is not None and not 1 <= self.count <= MAX_OCCURRENCES:
            raise RuleError(f"A series has 1 to {MAX_OCCURRENCES:,} posts.")
        if self.until is not None and self.until < first_day:
            raise RuleError("The series cannot end before its first post.")


def local_moment(day, wall_time, zone):
    """`day` at `wall_time` in `zone`, as an aware datetime: a time inside a spring-forward gap
    moves on by the gap; an ambiguous one is its first occurrence (fold 0)."""
    moment = datetime.datetime.combine(day, wall_time, tzinfo=zone)
    normal = moment.astimezone(datetime.UTC).astimezone(zone)
    return normal if normal.replace(tzinfo=None) != moment.replace(tzinfo=None) else moment


def occurrence_days(first_day, rule):
    """The local days of the series, in order, at most MAX_OCCURRENCES."""
    rule.check(first_day)
    limit = min(rule.count or MAX_OCCURRENCES, MAX_OCCURRENCES)
    last = rule.until or datetime.date.max
    days = []
    if rule.unit == DAY:
        step = rule.every * ONE_DAY
        day = first_day
        while len(days) < limit and day <= last:
            days.append(day)
            if day > datetime.date.max - step:
                break
            day += step
        return days
    weekdays = sorted(rule.weekdays or {first_day.weekday()})
    monday = first_day - first_day.weekday() * ONE_DAY
    while len(days) < limit:
        for weekday in weekdays:
            day = monday + weekday * ONE_DAY
            if day < first_day:
                continue  # the first week starts on the first post's day
            if day > last or len(days) == limit:
                return days
            days.append(day)
        monday += rule.every * 7 * ONE_DAY
    return days


def occurrences(first, rule, time_zone):
    """The series' moments in UTC (as stored; two local datetimes of one zone subtract as wall
    times, hiding the hour a clock change takes), the first being `first` itself as the
    business's local day and time say it."""
    zone = zoneinfo.ZoneInfo(time_zone)
    local = first.astimezone(zone)
    wall = local.time().replace(tzinfo=None, fold=0)
    return [
        local_moment(day, wall, zone).astimezone(datetime.UTC)
        for day in occurrence_days(local.date(), rule)
    ]
