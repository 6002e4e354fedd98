"""Recurring posts' dates (planner/compose/recurrence.py): every N days or N weeks on chosen
weekdays, until a day or N times; across month ends and daylight-saving changes the local
time stays; a rule that describes no series says why; two years of daily posts in well under
a second."""

import datetime
import time
import zoneinfo

import pytest

from planner.compose.recurrence import (
    DAY,
    MAX_OCCURRENCES,
    Rule,
    RuleError,
    occurrence_days,
    occurrences,
)

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def d(text):
    return datetime.date.fromisoformat(text)


def test_every_two_days_across_the_end_of_february_in_a_leap_year():
    days = occurrence_days(d("2028-02-25"), Rule(every=2, unit=DAY, count=4))
    assert days == [d("2028-02-25"), d("2028-02-27"), d("2028-02-29"), d("2028-03-02")]


def test_every_three_days_across_a_31st():
    days = occurrence_days(d("2027-01-30"), Rule(every=3, unit=DAY, until=d("2027-02-06")))
    assert days == [d("2027-01-30"), d("2027-02-02"), d("2027-02-05")]


def test_weekly_on_chosen_weekdays_starts_on_the_first_day():
    # 2026-12-02 is a Wednesday: that week's Monday is before it, its Friday after.
    days = occurrence_days(d("2026-12-02"), Rule(weekdays=frozenset({0, 4}), count=5))
    assert days == [d("2026-12-04"), d("2026-12-07"), d("2026-12-11"), d("2026-12-14"),
                    d("2026-12-18")]  # fmt: skip


def test_every_other_week_until_a_day_inclusive():
    days = occurrence_days(d("2026-12-01"), Rule(every=2, weekdays=frozenset({1}),
                                                 until=d("2027-01-12")))  # fmt: skip
    assert days == [d("2026-12-01"), d("2026-12-15"), d("2026-12-29"), d("2027-01-12")]


def test_weekly_without_weekdays_keeps_the_first_day_s():
    assert occurrence_days(d("2027-01-31"), Rule(count=3)) == [d("2027-01-31"), d("2027-02-07"),
                                                              d("2027-02-14")]  # fmt: skip


def test_the_local_time_stays_across_both_changes_of_the_clock():
    first = datetime.datetime(2027, 3, 26, 9, 0, tzinfo=BERLIN)  # a Friday, winter time
    moments = occurrences(first, Rule(every=1, unit=DAY, count=3), "Europe/Berlin")
    assert [m.astimezone(BERLIN).strftime("%d %H:%M %Z") for m in moments] == [
        "26 09:00 CET", "27 09:00 CET", "28 09:00 CEST"]  # fmt: skip
    assert moments[2] - moments[1] == datetime.timedelta(hours=23)
    autumn = datetime.datetime(2027, 10, 30, 9, 0, tzinfo=BERLIN)
    later = occurrences(autumn, Rule(every=1, unit=DAY, count=2), "Europe/Berlin")
    assert later[1] - later[0] == datetime.timedelta(hours=25)
    assert later[1].astimezone(BERLIN).hour == 9


def test_a_time_in_the_spring_gap_moves_on_and_a_doubled_one_is_the_first():
    first = datetime.datetime(2027, 3, 21, 2, 30, tzinfo=BERLIN)  # a Sunday
    spring = occurrences(first, Rule(count=2), "Europe/Berlin")[1]  # 28 March: no 02:30
    assert spring.astimezone(BERLIN).strftime("%H:%M %Z") == "03:30 CEST"
    first = datetime.datetime(2027, 10, 24, 2, 30, tzinfo=BERLIN)
    autumn = occurrences(first, Rule(count=2), "Europe/Berlin")[1]  # 31 October: twice
    # The first of the two: still summer time, 00:30 UTC (the second is 01:30 UTC).
    assert autumn == datetime.datetime(2027, 10, 31, 0, 30, tzinfo=datetime.UTC)


def test_the_first_moment_is_read_in_the_business_time_zone():
    first = datetime.datetime(2026, 12, 6, 23, 30, tzinfo=datetime.UTC)  # Monday 00:30 there
    moments = occurrences(first, Rule(count=2), "Europe/Berlin")
    assert moments[0] == first and moments[1].astimezone(BERLIN).strftime("%a %H:%M") == (
        "Mon 00:30")  # fmt: skip


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (Rule(every=0, count=3), "every 1 to 52"),
        (Rule(unit="month", count=3), "days or weeks"),
        (Rule(unit=DAY, weekdays=frozenset({1}), count=3), "Weekdays go with a weekly"),
        (Rule(weekdays=frozenset({7}), count=3), "Monday to Sunday"),
        (Rule(), "one of them"),
        (Rule(count=3, until=d("2027-01-01")), "one of them"),
        (Rule(count=MAX_OCCURRENCES + 1), "1 to 1,000 posts"),
        (Rule(until=d("2026-11-30")), "cannot end before"),
    ],
)
def test_a_rule_that_describes_no_series_says_why(rule, message):
    with pytest.raises(RuleError, match=message):
        occurrence_days(d("2026-12-01"), rule)


def test_a_long_series_is_capped_not_endless():
    days = occurrence_days(d("2026-01-01"), Rule(unit=DAY, until=d("2099-12-31")))
    assert len(days) == MAX_OCCURRENCES and days[-1] == d("2026-01-01") + datetime.timedelta(999)
    near_the_end = occurrence_days(d("9999-12-30"), Rule(unit=DAY, count=5))
    assert near_the_end == [d("9999-12-30"), d("9999-12-31")]


def test_two_years_of_daily_posts_expand_in_well_under_a_second():
    first = datetime.datetime(2027, 1, 1, 9, tzinfo=BERLIN)
    began = time.perf_counter()
    moments = occurrences(first, Rule(unit=DAY, until=d("2028-12-31")), "Europe/Berlin")
    took = time.perf_counter() - began
    assert len(moments) == 731 and took < 0.2, took
    assert {m.astimezone(BERLIN).hour for m in moments} == {9}
