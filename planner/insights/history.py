"""The weekly history the what-if planner fits its curves on: one grouped query of the daily
rollups over the baseline, per side, platform and day, bucketed into weeks here."""

import datetime
from collections import defaultdict

from django.db.models import Sum

from planner.insights.whatif import Segment, Week
from planner.models import DailyRollup, Kind, Platform, PlatformKind

LABELS = dict(PlatformKind.choices)
# Side × platform pairs the planner weighs at most: the ones with the most input in the
# baseline (a projection costs a fit per pair and resample).
MAX_SEGMENTS = 24


def baseline_days(end, weeks):
    """(first day, last day) of the `weeks` weeks that end on `end`."""
    return end - datetime.timedelta(days=7 * weeks - 1), end


def segments(business, end, weeks, platforms=None):
    """[Segment] of each side × platform with figures in the baseline (at most MAX_SEGMENTS;
    the business's platforms in `platforms`, else read): each week's input (organic hours,
    paid media spend), clicks, conversions and value, and its other costs over the baseline
    (what a scenario keeps)."""
    start, end = baseline_days(end, weeks)
    if platforms is None:
        platforms = list(Platform.objects.for_business(business).order_by("kind", "handle", "pk"))
    rows = (
        DailyRollup.objects.filter(business=business, date__gte=start, date__lte=end)
        .values("kind", "platform_id", "date")
        .annotate(
            hours=Sum("hours"),
            spend=Sum("spend"),
            production_cost=Sum("production_cost"),
            clicks=Sum("clicks"),
            conversions=Sum("conversions"),
            conversion_value=Sum("conversion_value"),
        )
        .order_by()
    )
    weekly = defaultdict(lambda: [[0.0, 0.0, 0.0, 0.0] for _ in range(weeks)])
    other = defaultdict(float)
    rate = float(business.hourly_rate)
    for row in rows:
        key = f"{row['kind']}:{row['platform_id']}"
        week = weekly[key][(row["date"] - start).days // 7]
        hours = float(row["hours"] or 0)
        if row["kind"] == Kind.SMO:
            week[0] += hours
            other[key] += float(row["production_cost"] or 0)
        else:
            week[0] += float(row["spend"] or 0)
            other[key] += hours * rate + float(row["production_cost"] or 0)
        week[1] += float(row["clicks"] or 0)
        week[2] += float(row["conversions"] or 0)
        week[3] += float(row["conversion_value"] or 0)
    found = []
    for kind in (Kind.SMO, Kind.SMM):
        for platform in platforms:
            key = f"{kind}:{platform.pk}"
            if key not in weekly:  # nothing of this side on this platform in the baseline
                continue
            found.append(
                Segment(
                    key=key,
                    kind=kind,
                    label=f"{LABELS.get(platform.kind, '?')} @{platform.handle}",
                    weeks=tuple(Week(*values) for values in weekly[key]),
                    other_cost=other[key],
                )
            )
    if len(found) > MAX_SEGMENTS:
        kept = sorted(found, key=lambda s: -s.baseline_input)[:MAX_SEGMENTS]
        found = [segment for segment in found if segment in kept]
    return found
