"""Census totals with ratio-to-trend imputation, checked against a hand calculation."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from mel.analysis.census import census_totals, cumulative
from mel.analysis.errors import DesignError

# Five units A-E over three years.
#   2024: A 10, B 20, C 30, D 40          (E not yet in the census)
#   2025: A 12, B 22, C -- , D 44, E 5    (C does not report)
#   2026: A 15, B -- , C -- , D 50, E 6   (B and C do not report)
ROWS = [
    ("A", 2024, 10), ("B", 2024, 20), ("C", 2024, 30), ("D", 2024, 40),
    ("A", 2025, 12), ("B", 2025, 22), ("C", 2025, None), ("D", 2025, 44), ("E", 2025, 5),
    ("A", 2026, 15), ("D", 2026, 50), ("E", 2026, 6),
]  # fmt: skip
FRAMES = {2024: "ABCD", 2025: "ABCDE", 2026: "ABCDE"}


def totals() -> list:
    data = pd.DataFrame(ROWS, columns=["unit", "year", "value"])
    return census_totals(data, {y: list(units) for y, units in FRAMES.items()})


def test_first_year_has_coverage_and_no_imputation() -> None:
    first = totals()[0]
    assert (first.units, first.reporting, first.coverage) == (4, 4, 1.0)
    assert first.reported == first.total == 100
    assert first.ratio is None and first.imputed == 0 and first.imputed_share == 0


def test_second_year_against_a_hand_calculation() -> None:
    second = totals()[1]
    # matched reporters A, B, D: (12 + 22 + 44) / (10 + 20 + 40) = 78 / 70
    assert second.matched == 3
    assert second.ratio == pytest.approx(78 / 70)
    # reported: 12 + 22 + 44 + 5 = 83; C imputed 30 * 78/70 = 33.4286
    assert second.reported == 83
    assert second.imputed == pytest.approx(30 * 78 / 70)
    assert second.total == pytest.approx(83 + 33.428571, abs=1e-5)
    assert second.imputed_share == pytest.approx(33.428571 / 116.428571, abs=1e-6)
    assert (second.units, second.reporting, second.coverage) == (5, 4, 0.8)
    assert (second.imputed_units, second.missing_units) == (1, 0)


def test_third_year_carries_an_imputed_value_forward() -> None:
    third = totals()[2]
    # matched A, D, E (reported 2025 and 2026): (15 + 50 + 6) / (12 + 44 + 5) = 71 / 61
    r = 71 / 61
    assert third.matched == 3 and third.ratio == pytest.approx(r)
    # B: own 2025 report 22 * r; C: its 2025 imputed value (30 * 78/70) * r
    b, c = 22 * r, 30 * 78 / 70 * r
    assert third.reported == 71
    assert third.imputed == pytest.approx(b + c)
    assert third.total == pytest.approx(71 + 25.606557 + 38.908665, abs=1e-5)
    values = {v.unit: (v.status, v.value) for v in third.values}
    assert values["B"] == ("imputed", pytest.approx(b))
    assert values["C"] == ("imputed", pytest.approx(c))
    assert values["A"] == ("reported", 15)
    assert cumulative(totals()) == pytest.approx(100 + 116.428571 + 135.515222, abs=1e-5)
    assert cumulative(totals(), imputed=False) == 100 + 83 + 71


def test_a_unit_without_history_stays_missing() -> None:
    data = pd.DataFrame([("A", 2025, 10), ("A", 2026, 20)], columns=["unit", "year", "value"])
    result = census_totals(data, {2025: ["A", "N"], 2026: ["A", "N"]})
    assert (result[1].imputed_units, result[1].missing_units) == (0, 1)
    assert result[1].coverage == 0.5 and result[1].total == 20


def test_no_ratio_when_nobody_reported_twice() -> None:
    data = pd.DataFrame([("A", 2025, 10), ("B", 2026, 20)], columns=["unit", "year", "value"])
    second = census_totals(data, {2025: ["A", "B"], 2026: ["A", "B"]})[1]
    assert second.ratio is None and second.imputed == 0 and second.missing_units == 1


def test_bad_input_is_named() -> None:
    twice = pd.DataFrame([("A", 2025, 1), ("A", 2025, 2)], columns=["unit", "year", "value"])
    with pytest.raises(DesignError, match="unit 'A' has more than one value in 2025"):
        census_totals(twice, {2025: ["A"]})
    outside = pd.DataFrame([("Z", 2025, 1)], columns=["unit", "year", "value"])
    with pytest.raises(DesignError, match="unit 'Z' reported in 2025 but is not in its frame"):
        census_totals(outside, {2025: ["A"]})
    with pytest.raises(DesignError, match="lack the column"):
        census_totals(outside, {2025: ["A"]}, value="fte")
    inf = pd.DataFrame([("A", 2025, math.inf)], columns=["unit", "year", "value"])
    with pytest.raises(DesignError, match="not a finite number"):
        census_totals(inf, {2025: ["A"]})
