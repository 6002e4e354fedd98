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


# What is possible but unusual: warnings the user confirms before it is saved.

LONG_DAY_HOURS = 12


def long_day(logged_that_day, hours):
    total = logged_that_day + hours
    if total <= LONG_DAY_HOURS:
        return None
    return f"{float(total):g} hours on one day for this person: more than {LONG_DAY_HOURS}."


def future_day(day, today, what):
    if day <= today:
        return None
    return f"{day:%Y-%m-%d} is in the future: {what} are recorded for days that have passed."


def spend_outside_flight(day, spend, start, end):
    if not spend or start is None or end is None or start <= day <= end:
        return None
    return f"Spend on {day:%Y-%m-%d}, outside the ad's flight ({start:%Y-%m-%d} to {end:%Y-%m-%d})."


def flight_outside_campaign(start, end, campaign_start, campaign_end):
    if start is None or end is None:
        return None
    if campaign_start <= start and end <= campaign_end:
        return None
    return (
        f"The flight ({start:%Y-%m-%d} to {end:%Y-%m-%d}) runs outside its campaign's dates "
        f"({campaign_start:%Y-%m-%d} to {campaign_end:%Y-%m-%d})."
    )


def budgets_over_campaign(ads_budget, campaign_budget, currency):
    """`ads_budget`: what the campaign's ads may spend over their flights, this one included."""
    if not campaign_budget or ads_budget <= campaign_budget:
        return None
    return (
        f"The campaign's ads may spend {ads_budget:,.2f} {currency} over their flights, more "
        f"than its paid budget of {campaign_budget:,.2f} {currency}."
    )
