"""Numbers in Dutch and English, rounded to the precision of their interval."""

from __future__ import annotations

import math

import pytest

from mel.present.numbers import Scale, format_number, scale_for
from mel.surveys.programme_schema import Kpi


@pytest.mark.parametrize(
    ("value", "decimals", "language", "expected"),
    [
        (124000, 0, "nl", "124.000"),
        (124000, 0, "en", "124,000"),
        (1234567.891, 2, "nl", "1.234.567,89"),
        (7.05, 1, "en", "7.0"),  # round half to even on the float
        (-3.5, 1, "nl", "\u22123,5"),
        (-0.04, 1, "nl", "0,0"),  # no negative zero
        (2.5, 1, "nl", "2,5"),
        (None, 0, "nl", "\u2014"),
        (math.nan, 0, "nl", "\u2014"),
    ],
)
def test_format_number(value: float | None, decimals: int, language: str, expected: str) -> None:
    assert format_number(value, decimals, language) == expected


def test_sign_for_changes() -> None:
    assert format_number(12, 0, "nl", sign=True) == "+12"
    assert format_number(-12, 0, "nl", sign=True) == "\u221212"


def _kpi(estimator: str, **extra: object) -> Kpi:
    return Kpi.model_validate(
        {
            "code": "x",
            "label": {"nl": "x"},
            "definition": {"nl": "x"},
            "node": "p.n",
            "estimator": estimator,
            "instrument": "i",
            "question": "q",
            **extra,
        }
    )


def test_total_rounded_to_its_standard_error() -> None:
    scale = scale_for(_kpi("total"), se=3000.0)
    assert scale.value(123_456, "nl") == "123.000"
    assert scale.interval(117_500, 129_400, "nl") == "117.000\u2013130.000"  # outward


def test_shares_as_percentages() -> None:
    scale = scale_for(_kpi("proportion"), se=0.03)
    assert scale.percent and scale.value(0.6234, "nl") == "62%"
    assert scale.points(0.051, "nl") == "+5 procentpunt"
    assert scale_for(
        _kpi("ratio", denominator="d", unit={"nl": "aandeel (0\u20131)"}), 0.01
    ).percent


def test_mean_keeps_decimals_and_interval_with_negative_bound() -> None:
    scale = scale_for(_kpi("mean"), se=0.08)
    assert scale.value(7.134, "nl") == "7,13"
    assert Scale(False, 1, None).interval(-0.4, 1.1, "nl", sign=True) == "\u22120,4 tot +1,1"


def test_a_group_row_is_rounded_by_its_own_se_with_bounds_outward() -> None:
    """Issue 14: 17,064 (6,630-27,497) was printed as 20.000 (10.000-30.000), with the
    overall SE's step and its bounds rounded inward."""
    overall = Scale(False, 0, 10000.0)
    row = overall.for_se(5200.0)
    assert row.step == 1000.0
    assert row.value(17064, "nl") == "17.000"
    assert row.interval(6630, 27497, "nl") == "6.000\u201328.000"
    # outward even where rounding to the nearest would go inward
    assert overall.interval(6630, 27497, "nl") == "0\u201330.000"
    assert Scale(True, 0, 1.0).interval(0.3149, 0.9712, "nl") == "31%\u201398%"


def test_targets_are_shown_exactly_as_set() -> None:
    scale = Scale(False, 0, 10000.0)
    assert scale.value(265000, "nl") == "260.000"  # an estimate: rounded to its SE
    assert scale.exact(265000, "nl") == "265.000"  # a target: as set
    assert Scale(True, 0, 10.0).exact(0.655, "en") == "65.5%"


def test_an_interval_without_bounds_is_one_dash() -> None:
    assert Scale(False, 0, None).interval(math.nan, math.nan, "nl") == "\u2014"
