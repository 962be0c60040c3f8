"""Target arithmetic for commitments and trend verdicts for indicators."""

from decimal import Decimal

import pytest

from focusareas.models import Commitment, Indicator
from followup.verdicts import TargetVerdict, Trend, indicator_trend, target_progress


def commitment(target, scope="per_year") -> Commitment:
    return Commitment(text="x", target_value=target, target_scope=scope)


@pytest.mark.parametrize(
    ("achieved", "verdict", "fraction"),
    [(5, "met", 1.0), (7, "met", 1.0), (3, "partly_met", 0.6), (0, "not_met", 0.0), (None, "not_reported", 0.0)],
)
def test_a_yearly_target_counts_this_year_only(achieved, verdict, fraction):
    progress = target_progress(commitment(5), achieved, earlier=[10, 10])
    assert (progress.verdict, progress.fraction) == (verdict, fraction)
    assert not progress.for_the_period


def test_a_period_target_adds_up_the_years():
    progress = target_progress(commitment(10, "period"), 3, earlier=[4, None])
    assert (progress.counted, progress.verdict, progress.fraction) == (7, TargetVerdict.PARTLY_MET, 0.7)
    assert target_progress(commitment(10, "period"), 3, earlier=[4, 5]).verdict == TargetVerdict.MET
    assert target_progress(commitment(10, "period"), None, earlier=[4]).counted == 4


def test_a_zero_target_is_met_without_dividing_by_zero():
    progress = target_progress(commitment(0), 0, earlier=[])
    assert (progress.verdict, progress.fraction) == (TargetVerdict.MET, 1.0)


def test_no_target_no_progress():
    assert target_progress(commitment(None, ""), 4, earlier=[]) is None


def indicator(direction, baseline=None, target=None) -> Indicator:
    return Indicator(
        name="x",
        direction=direction,
        baseline_year=2022 if baseline is not None else None,
        baseline_value=None if baseline is None else Decimal(baseline),
        target_value=None if target is None else Decimal(target),
    )


def series(*values) -> list[tuple[int, Decimal]]:
    return [(2023 + i, Decimal(v)) for i, v in enumerate(values)]


@pytest.mark.parametrize(
    ("direction", "baseline", "values", "trend"),
    [
        ("decrease", 400, (380, 350), Trend.RIGHT_WAY),
        ("decrease", 400, (420,), Trend.WRONG_WAY),
        ("decrease", 400, (405,), Trend.FLAT),  # within 2 %
        ("increase", 50, (60,), Trend.RIGHT_WAY),
        ("increase", 50, (40,), Trend.WRONG_WAY),
        ("zero", 3, (0,), Trend.RIGHT_WAY),
        ("zero", 3, (5,), Trend.WRONG_WAY),
        ("decrease", None, (100, 80), Trend.RIGHT_WAY),  # no baseline: the first value is the reference
        ("decrease", None, (100,), Trend.NO_DATA),
        ("decrease", 400, (), Trend.NO_DATA),
        ("decrease", 0, (0,), Trend.FLAT),
    ],
)
def test_indicator_trend(direction, baseline, values, trend):
    assert indicator_trend(indicator(direction, baseline), series(*values)) == trend


def test_reaching_at_least_the_target_is_the_right_way_even_when_lower_than_last_year():
    assert indicator_trend(indicator("at_least", 0, target=1), series(3, 2)) == Trend.RIGHT_WAY
    assert indicator_trend(indicator("at_least", 2, target=5), series(1)) == Trend.WRONG_WAY


def test_years_out_of_order_are_sorted():
    values = [(2025, Decimal(300)), (2023, Decimal(500))]
    assert indicator_trend(indicator("decrease"), values) == Trend.RIGHT_WAY
