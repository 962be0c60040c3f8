"""How a commitment did against its target, and which way an indicator is moving."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from focusareas.models import Commitment, Indicator

# Changes within 2 % of the reference value are too small to call a trend.
FLAT_TOLERANCE = Decimal("0.02")


class TargetVerdict(models.TextChoices):
    MET = "met", _("Target met")
    PARTLY_MET = "partly_met", _("Partly met")
    NOT_MET = "not_met", _("Not met")
    NOT_REPORTED = "not_reported", _("Not reported")


class Trend(models.TextChoices):
    RIGHT_WAY = "right_way", _("Moving the right way")
    FLAT = "flat", _("Flat")
    WRONG_WAY = "wrong_way", _("Moving the wrong way")
    NO_DATA = "no_data", _("Too few values")


@dataclass(frozen=True)
class TargetProgress:
    target: int
    counted: int | None  # this year's number, or the period's sum so far for a whole-period target
    fraction: float
    verdict: str
    for_the_period: bool

    @property
    def verdict_label(self) -> str:
        return TargetVerdict(self.verdict).label


def target_progress(commitment: Commitment, achieved: int | None, earlier: list[int | None]) -> TargetProgress | None:
    """Progress towards a commitment's "at least N" target: this year's number against a yearly target, or the
    numbers of this and the earlier years of the period added up against a whole-period target."""
    if commitment.target_value is None:
        return None
    for_the_period = commitment.target_scope == Commitment.TargetScope.PERIOD
    reported = [n for n in ([*earlier, achieved] if for_the_period else [achieved]) if n is not None]
    counted = sum(reported) if reported else None
    target = commitment.target_value
    if counted is None:
        return TargetProgress(target, None, 0.0, TargetVerdict.NOT_REPORTED, for_the_period)
    fraction = 1.0 if target == 0 else min(counted / target, 1.0)
    if counted >= target:
        verdict = TargetVerdict.MET
    elif counted > 0:
        verdict = TargetVerdict.PARTLY_MET
    else:
        verdict = TargetVerdict.NOT_MET
    return TargetProgress(target, counted, fraction, verdict, for_the_period)


def indicator_trend(indicator: Indicator, values: list[tuple[int, Decimal]]) -> str:
    """Compare the latest value with the baseline (or the first value when there is no baseline)."""
    series = sorted(values)
    if indicator.baseline_value is not None:
        reference = indicator.baseline_value
    elif len(series) >= 2:
        reference = series[0][1]
    else:
        return Trend.NO_DATA
    if not series:
        return Trend.NO_DATA
    latest = series[-1][1]
    direction = indicator.direction
    if direction == Indicator.Direction.ZERO and latest == 0:
        return Trend.RIGHT_WAY
    if (
        direction == Indicator.Direction.AT_LEAST
        and indicator.target_value is not None
        and latest >= indicator.target_value
    ):
        return Trend.RIGHT_WAY
    change = latest - reference
    if abs(change) <= abs(reference) * FLAT_TOLERANCE:
        return Trend.FLAT
    wants_less = direction in (Indicator.Direction.DECREASE, Indicator.Direction.ZERO)
    return Trend.RIGHT_WAY if (change < 0) == wants_less else Trend.WRONG_WAY
