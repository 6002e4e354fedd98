"""Dashboard periods and pacing arithmetic: pure, no database."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner import kpis
from planner.periods import Period, month_split, period_for

D = datetime.date


@pytest.mark.parametrize(
    "preset, start, end",
    [
        ("month", D(2026, 2, 1), D(2026, 2, 28)),
        ("30d", D(2026, 1, 16), D(2026, 2, 14)),
        ("90d", D(2025, 11, 17), D(2026, 2, 14)),
        ("quarter", D(2026, 1, 1), D(2026, 3, 31)),
        ("year", D(2026, 1, 1), D(2026, 12, 31)),
    ],
)
def test_presets_are_inclusive_ranges(preset, start, end):
    period = period_for(preset, D(2026, 2, 14))
    assert (period.start, period.end) == (start, end)


def test_quarter_and_month_at_year_end():
    assert period_for("quarter", D(2026, 11, 24)) == Period(
        D(2026, 10, 1), D(2026, 12, 31), "quarter"
    )
    assert period_for("month", D(2026, 12, 5)).end == D(2026, 12, 31)
    assert period_for("month", D(2028, 2, 10)).end == D(2028, 2, 29)


def test_buckets_daily_weekly_monthly():
    short = Period(D(2026, 11, 1), D(2026, 11, 30))
    assert short.bucket == "day" and len(short.buckets()) == 30
    quarter = Period(D(2026, 10, 1), D(2026, 12, 31))  # 1 Oct 2026 is a Thursday
    weeks = quarter.buckets()
    assert quarter.bucket == "week"
    assert weeks[0] == D(2026, 10, 1) and weeks[1] == D(2026, 10, 5)
    assert quarter.bucket_start(D(2026, 10, 7)) == D(2026, 10, 5)
    long = Period(D(2025, 1, 1), D(2026, 6, 30))
    assert long.bucket == "month" and len(long.buckets()) == 18


def test_lifetime_pacing():
    start, end = D(2026, 11, 1), D(2026, 11, 30)
    expected = kpis.expected_spend("lifetime", Decimal("3000"), start, end, D(2026, 11, 10))
    assert expected == Decimal("1000.00")  # 10 of 30 days
    assert kpis.pacing(Decimal("950"), expected) == Decimal("0.95")
    assert kpis.pace_flag(Decimal("0.95")) == "on pace"
    assert kpis.pace_flag(Decimal("0.89")) == "under"
    assert kpis.pace_flag(Decimal("1.11")) == "over"
    assert kpis.expected_spend("lifetime", Decimal("3000"), start, end, D(2026, 12, 5)) == 3000


def test_daily_pacing_and_projection():
    start, end = D(2026, 11, 1), D(2026, 11, 30)
    assert kpis.expected_spend("daily", Decimal("20"), start, end, D(2026, 11, 5)) == 100
    assert kpis.projected_spend(Decimal("120"), start, end, D(2026, 11, 5)) == Decimal("720.00")


def test_before_the_flight_nothing_is_expected():
    start, end = D(2026, 12, 1), D(2026, 12, 31)
    expected = kpis.expected_spend("daily", Decimal("20"), start, end, D(2026, 11, 24))
    assert expected == 0
    assert kpis.pacing(Decimal("0"), expected) is None
    assert kpis.pace_flag(None) == "not started"
    assert kpis.projected_spend(Decimal("0"), start, end, D(2026, 11, 24)) is None


def _days(first, last):
    day, found = first, []
    while day <= last:
        found.append(day)
        day += datetime.timedelta(days=1)
    return found


EARLIEST = datetime.date(2019, 1, 1)  # "no lower bound" stands for this in the check below


@given(
    start=st.one_of(st.none(), st.dates(datetime.date(2020, 1, 1), datetime.date(2027, 12, 31))),
    length=st.integers(0, 800),
)
def test_month_split_covers_every_day_once(start, length):
    """Whole months and edge days together are exactly the period's days, none twice; the
    months are whole (they start on a 1st), the dashboard reads them from MonthlyRollup."""
    end = (start or datetime.date(2021, 6, 15)) + datetime.timedelta(days=length)
    months, ranges = month_split(start, end)
    covered = []
    if months:
        first, after = months
        assert (first is None or first.day == 1) and after.day == 1
        covered += _days(first or EARLIEST, after - datetime.timedelta(days=1))
    for first, last in ranges:
        covered += _days(first or EARLIEST, last)
    assert len(covered) == len(set(covered))
    assert set(covered) == set(_days(start or EARLIEST, end))
