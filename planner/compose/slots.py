"""Posting slots: which weekly slot moments lie in a span, and which are free (pure: no ORM).

A slot is a weekday and a local time of one platform. Its moment on a day is that local time
in the business's time zone (recurrence.local_moment: a time in the spring-forward gap moves
on, a doubled one is the first). A slot is free when no post of its platform is scheduled at
that very moment; "next free slot" is the first free one after a given moment.
"""

import datetime
from dataclasses import dataclass

from planner.compose.recurrence import ONE_DAY, local_moment

SEARCH_WEEKS = 8  # how far "next free slot" looks ahead


@dataclass(order=True)
class SlotMoment:
    moment: datetime.datetime  # aware, UTC
    platform_id: int
    local: datetime.datetime  # the same moment where the business is


def moments(slots, first_day, last_day, zone):
    """The SlotMoments of `slots` ((platform_id, weekday, time) each) on the local days
    `first_day` to `last_day`, in time order."""
    by_weekday = {}
    for platform_id, weekday, at in slots:
        by_weekday.setdefault(weekday, []).append((platform_id, at))
    found = {}
    day = first_day
    while day <= last_day:
        for platform_id, at in by_weekday.get(day.weekday(), ()):
            if _doubled(day, at, zone):
                continue  # 02:30 on a fall-back night happens twice: no form can name it
            local = local_moment(day, at, zone)
            moment = local.astimezone(datetime.UTC)
            # Two slots in a spring-forward gap's hour can land on one moment: it is one slot.
            found[(platform_id, moment)] = SlotMoment(moment, platform_id, local)
        day += ONE_DAY
    return sorted(found.values())


def _doubled(day, at, zone):
    """True if `at` happens twice on `day` in `zone` (the hour a clock goes back)."""
    first = datetime.datetime.combine(day, at, tzinfo=zone)
    second = first.replace(fold=1)
    if first.utcoffset() == second.utcoffset():
        return False
    naive = first.replace(tzinfo=None)
    return all(
        moment.astimezone(datetime.UTC).astimezone(zone).replace(tzinfo=None) == naive
        for moment in (first, second)
    )


def free(candidates, taken, after):
    """The candidates later than `after` whose (platform_id, moment) is not in `taken`."""
    return [
        slot
        for slot in candidates
        if slot.moment > after and (slot.platform_id, slot.moment) not in taken
    ]


def search_span(after, zone):
    """The local days "next free slot" looks through, from `after`'s day."""
    first = after.astimezone(zone).date()
    return first, first + SEARCH_WEEKS * 7 * ONE_DAY
