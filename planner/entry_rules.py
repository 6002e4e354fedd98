"""What recorded figures and hours cannot be, by definition (pure: no ORM).

A figure left blank is 0, "not reported": a ceiling applies only when the figure it is read
against was reported (clicks with no impressions recorded are accepted, as platforms report
what they report). These are errors; what is merely unusual is a warning elsewhere.
"""

HOURS_IN_A_DAY = 24


def impossible_results(figures):
    """{field: message} for the figures of one day that cannot be true together."""
    impressions = figures.get("impressions") or 0
    reach = figures.get("reach") or 0
    clicks = figures.get("clicks") or 0
    conversions = figures.get("conversions") or 0
    problems = {}
    if impressions and clicks > impressions:
        problems["clicks"] = (
            f"{clicks:,} clicks on {impressions:,} impressions: each click needs an impression. "
            "Check the columns (link clicks, not all clicks) or leave impressions blank."
        )
    if impressions and reach > impressions:
        problems["reach"] = (
            f"Reach ({reach:,} people) cannot exceed impressions ({impressions:,} views): "
            "each person reached saw it at least once."
        )
    if clicks and conversions > clicks:
        problems["conversions"] = (
            f"{conversions:,} conversions from {clicks:,} clicks: record the conversions the "
            "clicks brought (click-through), or leave clicks blank."
        )
    return problems


def hours_over_a_day(logged_that_day, hours):
    """The message if `hours` more than `logged_that_day` (the person's other entries that day,
    in this business) pass 24, else None."""
    total = logged_that_day + hours
    if total <= HOURS_IN_A_DAY:
        return None
    return (
        f"That makes {float(total):g} hours on one day for this person "
        f"({float(logged_that_day):g} already logged): a day has {HOURS_IN_A_DAY}."
    )
