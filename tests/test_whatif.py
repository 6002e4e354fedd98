"""The what-if planner: the model against synthetic histories whose true curve is known, the
weekly history read from the rollups, and the planner's page."""

import datetime
import math
import random
from decimal import Decimal

import pytest
from django.urls import reverse

from planner.insights import history, whatif
from tests.factories import (
    PlatformFactory,
    ResultEntryFactory,
    SmmTaskFactory,
    SmoTaskFactory,
    TimeEntryFactory,
)

D = Decimal
A, B = 40.0, 0.6  # the true curve: clicks a week = 40 × spend^0.6


def synthetic(seed, weeks=13, sigma=0.2, b=B):
    """A paid history drawn from the true curve, with log-normal noise of `sigma`."""
    rng = random.Random(seed)
    found = []
    for _ in range(weeks):
        spend = rng.uniform(100, 1000)
        clicks = A * spend**b * math.exp(rng.gauss(0, sigma))
        found.append(whatif.Week(spend, clicks, clicks * 0.05, clicks * 2))
    return whatif.Segment("smm:1", "smm", "Facebook @acme", tuple(found))


def truth(segment, scale, b=B):
    """The true clicks of the weeks ahead: the baseline's rhythm scaled, on the true curve."""
    return sum(A * (scale * week.input) ** b for week in segment.weeks)


# The model against the truth ---------------------------------------------------------------


@pytest.mark.parametrize("scale", [0.5, 1.0, 1.5, 2.0])
def test_the_projection_is_near_the_true_curve_and_its_range_covers_it(scale):
    """Over 100 synthetic histories of 13 weeks (noise of 20%): the projection is within 20%
    of the truth in at least 90 of them (10% on average), and its 10–90% range covers the
    truth in at least 65 (an honest 80% range would in about 80)."""
    errors, covered = [], 0
    for seed in range(100):
        segment = synthetic(seed)
        chosen = segment.baseline_input * scale
        (projection,) = whatif.project([segment], {segment.key: chosen}, 50).values()
        true = truth(segment, scale)
        errors.append(abs(projection.outcome.clicks - true) / true)
        low, high = projection.outcome.clicks_range
        covered += low <= true <= high
    assert sum(error <= 0.2 for error in errors) >= 90
    assert sum(errors) / len(errors) <= 0.1
    assert covered >= 65


def test_the_fitted_elasticity_finds_the_true_one():
    fitted = [whatif.fit(synthetic(seed, weeks=26, sigma=0.1).weeks).b for seed in range(30)]
    assert abs(sum(fitted) / len(fitted) - B) < 0.05


def test_the_same_input_projects_the_baselines_clicks():
    segment = synthetic(1)
    (projection,) = whatif.project([segment], {}, 50).values()
    assert projection.outcome.clicks == pytest.approx(sum(w.clicks for w in segment.weeks))
    assert projection.outcome.conversions == pytest.approx(projection.outcome.clicks * 0.05)
    assert projection.outcome.value == pytest.approx(projection.outcome.clicks * 2)


def test_returns_never_increase():
    """A history that suggests increasing returns (b = 1.5) is held to a straight line."""
    segment = synthetic(2, sigma=0.05, b=1.5)
    assert whatif.fit(segment.weeks).b == whatif.B_MAX


def test_too_little_history_falls_back_to_its_average_with_a_warning():
    weeks = (whatif.Week(100, 50), whatif.Week(300, 90), whatif.Week(0, 5)) + (
        whatif.Week(0, 0),
    ) * 10
    segment = whatif.Segment("smo:3", "smo", "X @acme", weeks)
    (projection,) = whatif.project([segment], {"smo:3": 800}, 50).values()
    assert projection.fit.method == whatif.AVERAGE and projection.fit.b == 1
    # 145 clicks for 400 hours, doubled: 290, a straight line.
    assert projection.outcome.clicks == pytest.approx(290)
    assert "too few for a curve" in projection.warning
    # One more hour brings 145 / 400 clicks: at 50 an hour, a click costs 50 / 0.3625.
    assert projection.marginal_cost == pytest.approx(50 / (145 / 400))


def test_no_input_in_the_baseline_projects_nothing():
    segment = whatif.Segment("smm:4", "smm", "LinkedIn @acme", (whatif.Week(0, 12),) * 13)
    (projection,) = whatif.project([segment], {"smm:4": 500}, 50).values()
    assert projection.outcome.clicks == 0 and projection.fit.method == whatif.NONE
    assert "nothing to project from" in projection.warning


def test_the_sides_add_their_platforms_resample_by_resample():
    paid, organic = synthetic(3), synthetic(4)
    organic = whatif.Segment("smo:2", "smo", "Facebook @acme", organic.weeks, other_cost=10)
    found = whatif.project([paid, organic], {"smm:1": 2000, "smo:2": 40}, 25)
    side = whatif.side_totals(found, "smo")
    assert side.input == 40 and side.cost == pytest.approx(40 * 25 + 10)
    paid_side = whatif.side_totals(found, "smm")
    assert len(paid_side.outcome.draws) == whatif.RESAMPLES
    assert paid_side.cost_per_click == pytest.approx(2000 / paid_side.outcome.clicks)


def test_a_projection_is_fast_enough_for_every_keystroke():
    import time

    segments = [
        whatif.Segment(f"smm:{n}", "smm", str(n), synthetic(n).weeks)
        for n in range(history.MAX_SEGMENTS)
    ]
    started = time.perf_counter()
    whatif.project(segments, {}, 50)
    assert time.perf_counter() - started < 0.5  # 24 platforms × 200 resamples


# The weekly history from the rollups -------------------------------------------------------


@pytest.fixture
def weeks(business, owner):
    business.hourly_rate = D("40")
    business.save()
    fb = PlatformFactory(business=business, kind="facebook", handle="acme")
    published = datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC)
    post = SmoTaskFactory(
        business=business, platform=fb, production_cost=D("15"), scheduled_at=published
    )
    ad = SmmTaskFactory(
        business=business,
        platform=fb,
        flight_start=datetime.date(2026, 11, 2),
        flight_end=datetime.date(2026, 11, 29),
    )
    # The 4 weeks to Sunday November 29th: Nov 2-8, 9-15, 16-22, 23-29.
    TimeEntryFactory(task=post, user=owner, hours=D("2"), date=datetime.date(2026, 11, 2))
    TimeEntryFactory(task=post, user=owner, hours=D("3"), date=datetime.date(2026, 11, 8))
    TimeEntryFactory(task=ad, user=owner, hours=D("1"), date=datetime.date(2026, 11, 9))
    ResultEntryFactory(task=post, date=datetime.date(2026, 11, 3), clicks=20)
    ResultEntryFactory(task=ad, date=datetime.date(2026, 11, 16), clicks=50, spend=D("30"),
                       conversions=2, conversion_value=D("80"))  # fmt: skip
    ResultEntryFactory(task=ad, date=datetime.date(2026, 11, 29), clicks=10, spend=D("5"))
    ResultEntryFactory(task=ad, date=datetime.date(2026, 11, 1), clicks=999, spend=D("999"))
    return fb


def test_history_buckets_the_days_into_weeks(business, weeks):
    organic, paid = history.segments(business, datetime.date(2026, 11, 29), 4)
    assert (organic.key, paid.key) == (f"smo:{weeks.pk}", f"smm:{weeks.pk}")
    assert [w.input for w in organic.weeks] == [5, 0, 0, 0]
    assert [w.clicks for w in organic.weeks] == [20, 0, 0, 0]
    assert organic.other_cost == 15  # its production cost
    assert [w.input for w in paid.weeks] == [0, 0, 30, 5]  # November 1st is before it
    assert [w.clicks for w in paid.weeks] == [0, 0, 50, 10]
    assert paid.weeks[2].conversions == 2 and paid.weeks[2].value == 80
    assert paid.other_cost == 40  # an hour at 40
    assert organic.label == "Facebook @acme"


def test_a_side_without_figures_is_left_out(business, weeks):
    # Oct 5 - Nov 1: only the ad's result of November 1st.
    (paid,) = history.segments(business, datetime.date(2026, 11, 1), 4)
    assert paid.kind == "smm" and [w.clicks for w in paid.weeks] == [0, 0, 0, 999]


# The page -----------------------------------------------------------------------------------


def _query(fb, **changes):
    return {
        "weeks": "4",
        "end": "2026-11-29",
        f"in_smo_{fb.pk}": "10",
        f"in_smm_{fb.pk}": "70",
        **changes,
    }


def test_the_planner_projects_the_inputs_given(client_for, business, viewer, weeks):
    url = reverse("insights_whatif", args=[business.pk])
    response = client_for(viewer).get(url, _query(weeks))
    assert response.status_code == 200
    html = response.content.decode()
    # Paid: 35 spent for 60 clicks in two weeks, too few for a curve: 70 doubles them.
    assert 'data-testid="scenario-clicks-smm">120' in html
    assert "too few for a curve" in html
    # Organic: 10 hours at 40 + its 15 of production.
    assert 'data-testid="scenario-cost-smo">$415.00<' in html
    assert 'name="weeks" value="4"' in html  # the save form carries the baseline
    partial = client_for(viewer).get(url, {**_query(weeks), "partial": "1"}).content.decode()
    assert partial.lstrip().startswith('<div id="whatif-result"') and "<nav" not in partial


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"weeks": "3"}, "weeks", "greater than or equal to 4"),
        ({"weeks": "53"}, "weeks", "less than or equal to 52"),
        ({"end": "2999-01-01"}, "end", "ends today at the latest"),
        ({"end": "yesterday"}, "end", "Enter a valid date."),
    ],
)
def test_a_bad_baseline_is_explained_and_the_default_shown(
    client_for, business, viewer, weeks, changes, field, message
):
    response = client_for(viewer).get(
        reverse("insights_whatif", args=[business.pk]), _query(weeks, **changes)
    )
    assert response.status_code == 200
    errors = response.context["baseline_form"].errors[field]
    assert any(message in error for error in errors)
    assert response.context["weeks"] == 13  # the default baseline instead


@pytest.mark.parametrize(
    "value, message",
    [
        ("-5", "greater than or equal to 0"),
        ("1e99", "less than or equal to"),
        ("ten", "Enter a number."),
    ],
)
def test_a_bad_input_is_shown_next_to_its_field(
    client_for, business, viewer, weeks, value, message
):
    response = client_for(viewer).get(
        reverse("insights_whatif", args=[business.pk]),
        _query(weeks, **{f"in_smm_{weeks.pk}": value}),
    )
    html = response.content.decode()
    assert f'id="id_in_smm_{weeks.pk}-error"' in html and message in html
    # The projection keeps the baseline's inputs rather than half of the numbers.
    assert 'data-testid="scenario-clicks-smm">60' in html


@pytest.mark.parametrize("rows", [1, 40])
def test_the_planner_reads_a_fixed_number_of_queries(
    client_for, business, owner, weeks, rows, django_assert_num_queries
):
    for n in range(rows):
        ad = SmmTaskFactory(business=business, platform=weeks)
        ResultEntryFactory(
            task=ad, date=datetime.date(2026, 11, 1 + n % 28), clicks=3, spend=D("2")
        )
    client = client_for(owner)
    url = reverse("insights_whatif", args=[business.pk])
    client.get(url, _query(weeks))
    # session, user, membership, platforms, the weekly sums, navbar
    with django_assert_num_queries(6):
        client.get(url, _query(weeks))
