"""Dashboard periods: presets and custom ranges, inclusive, as dates in the business's time zone.
Pure: no ORM, `today` is passed in."""

import datetime
from dataclasses import dataclass

PRESETS = {
    "month": "This month",
    "30d": "Last 30 days",
    "90d": "Last 90 days",
    "quarter": "This quarter",
    "year": "This year",
    "custom": "Custom",
}
DEFAULT_PRESET = "30d"
MAX_DAYS = 3 * 366  # a custom range longer than this is refused


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date
    preset: str = DEFAULT_PRESET

    @property
    def days(self):
        return (self.end - self.start).days + 1

    @property
    def label(self):
        name = PRESETS.get(self.preset, "Custom")
        return f"{name}: {self.start:%d %b %Y} – {self.end:%d %b %Y}"

    @property
    def bucket(self):
        """Chart granularity: daily up to a month, weekly up to ~13 months, else monthly."""
        if self.days <= 31:
            return "day"
        if self.days <= 400:
            return "week"
        return "month"

    def bucket_start(self, day):
        if self.bucket == "day":
            return day
        if self.bucket == "week":
            return max(self.start, day - datetime.timedelta(days=day.weekday()))
        return max(self.start, day.replace(day=1))

    def buckets(self):
        """The first day of every bucket in the period, in order."""
        starts, day = [], self.start
        while day <= self.end:
            start = self.bucket_start(day)
            if not starts or starts[-1] != start:
                starts.append(start)
            day += datetime.timedelta(days=1)
        return starts

    def bucket_label(self, start):
        if self.bucket == "day":
            return f"{start:%d %b}"
        if self.bucket == "week":
            return f"wk of {start:%d %b}"
        return f"{start:%b %Y}"


def period_for(preset, today, start=None, end=None):
    """The Period a preset names, relative to `today`; `custom` takes start and end."""
    if preset == "month":
        first = today.replace(day=1)
        return Period(first, _month_end(first), preset)
    if preset == "30d":
        return Period(today - datetime.timedelta(days=29), today, preset)
    if preset == "90d":
        return Period(today - datetime.timedelta(days=89), today, preset)
    if preset == "quarter":
        first = today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1)
        last_month_first = first.replace(month=first.month + 2)
        return Period(first, _month_end(last_month_first), preset)
    if preset == "year":
        return Period(today.replace(month=1, day=1), today.replace(month=12, day=31), preset)
    if preset == "custom":
        return Period(start, end, preset)
    raise ValueError(f"unknown period {preset!r}")


def _month_end(first):
    following = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def month_split(start, end):
    """The days `start`..`end` (inclusive; `start` None: no lower bound) as whole calendar
    months and the days around them: (months, days), where `months` is None or (first, after)
    (the months from `first`, None for no bound, up to but not including `after`, as first
    days) and `days` a list of inclusive (first, last) ranges (`first` None: no bound)."""
    first_whole = None if start is None else _month_on_or_after(start)
    after_whole = _month_on_or_after(end + datetime.timedelta(days=1))
    if after_whole > end + datetime.timedelta(days=1):  # `end` is not a month's last day
        after_whole = end.replace(day=1)
    if first_whole is not None and first_whole >= after_whole:
        return None, [(start, end)]
    days = []
    if start is not None and start < first_whole:
        days.append((start, first_whole - datetime.timedelta(days=1)))
    if after_whole <= end:
        days.append((after_whole, end))
    return (first_whole, after_whole), days


def _month_on_or_after(day):
    """The first day of `day`'s month if `day` is one, else of the next month."""
    if day.day == 1:
        return day
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
