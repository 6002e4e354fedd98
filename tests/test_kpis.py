"""KPI formulas of docs/domain.md ("KPIs"): pure functions, no database."""

from decimal import Decimal

import pytest

from planner import kpis
from planner.kpis import KindTotals, Split

D = Decimal


def test_ratios_from_sums():
    assert kpis.ctr(5, 200) == D("0.025")
    assert kpis.cpc(D("10.00"), 4) == D("2.5")
    assert kpis.cpm(D("6.00"), 3000) == D("2.000")
    assert kpis.conversion_rate(3, 12) == D("0.25")
    assert kpis.cpa(D("30"), 3) == D("10")
    assert kpis.roas(D("120"), D("40")) == D("3")
    assert kpis.effective_cpc(D("55"), 11) == D("5")
    assert kpis.share(D("1"), D("4")) == D("0.25")


@pytest.mark.parametrize(
    "function, args",
    [
        (kpis.ctr, (5, 0)),
        (kpis.cpc, (D("10"), 0)),
        (kpis.cpm, (D("10"), 0)),
        (kpis.conversion_rate, (1, 0)),
        (kpis.cpa, (D("10"), 0)),
        (kpis.roas, (D("10"), D("0"))),
        (kpis.effective_cpc, (D("10"), 0)),
        (kpis.share, (D("0"), D("0"))),
    ],
)
def test_zero_divisor_is_undefined_not_zero(function, args):
    assert function(*args) is None


def test_zero_numerator_is_zero():
    assert kpis.ctr(0, 100) == 0
    assert kpis.roas(D("0"), D("50")) == 0


def test_labour_cost_rounds_half_up_to_cents():
    assert kpis.labour_cost(D("1.25"), D("33.33")) == D("41.66")  # 41.6625
    assert kpis.labour_cost(D("0.5"), D("0.01")) == D("0.01")  # 0.005 rounds up


def test_kind_totals_total_cost_and_kpis():
    paid = KindTotals(
        hours=D("2.5"),
        hourly_rate=D("40"),
        media_spend=D("150.00"),
        production_cost=D("50.00"),
        impressions=10000,
        clicks=100,
        conversions=5,
        conversion_value=D("600.00"),
    )
    assert paid.labour_cost == D("100.00")
    assert paid.total_cost == D("300.00")
    assert paid.ctr == D("0.01")
    assert paid.cpc == D("1.5")
    assert paid.cpm == D("15.000")
    assert paid.cpa == D("30")
    assert paid.roas == D("4")
    assert paid.effective_cpc == D("3")
    assert paid.conversion_rate == D("0.05")


def test_split_shares_and_empty():
    organic = KindTotals(hours=D("3"), hourly_rate=D("10"), clicks=10)
    paid = KindTotals(hours=D("1"), hourly_rate=D("10"), media_spend=D("50"), clicks=40)
    split = Split(smo=organic, smm=paid)
    assert split.hours == D("4")
    assert split.smo_effort_share == D("0.75")
    assert split.smm_effort_share == D("0.25")
    assert split.total_cost == D("90.00")
    assert split.smo_spend_share == D("30") / D("90")
    assert split.clicks == 50
    assert not split.is_empty

    empty = Split(smo=KindTotals(), smm=KindTotals())
    assert empty.is_empty
    assert empty.smo_effort_share is None
    assert empty.smm_spend_share is None
    assert empty.smo.effective_cpc is None
