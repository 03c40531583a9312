"""Progress toward a later target: the straight path and the interval rule."""

from __future__ import annotations

import math

import pytest

from mel.analysis.results import Estimate
from mel.kpi.trajectory import Pace, next_target, trajectory
from mel.surveys.programme_schema import Kpi


def _kpi(direction: str = "higher", baseline: dict | None = None) -> Kpi:
    return Kpi.model_validate(
        {
            "code": "k",
            "label": {"nl": "k"},
            "definition": {"nl": "k"},
            "node": "p.n",
            "estimator": "mean",
            "instrument": "i",
            "question": "q",
            "direction": direction,
            "baseline": baseline,
            "targets": [{"year": 2027, "value": 3.6}, {"year": 2031, "value": 3.8}],
        }
    )


def _est(value: float, half: float) -> Estimate:
    return Estimate(value, half / 2, value - half, value + half, 100, 50.0, 1.0)


def test_next_target_is_the_earliest_later_one() -> None:
    kpi = _kpi()
    assert next_target(kpi, 2025) == (2027, 3.6)
    assert next_target(kpi, 2027) == (2031, 3.8)
    assert next_target(kpi, 2031) is None


def test_path_from_the_baseline_and_the_interval_rule() -> None:
    kpi = _kpi(baseline={"year": 2023, "value": 3.2})
    # path 3.2 (2023) -> 3.6 (2027): 3.4 expected in 2025
    on = trajectory(kpi, 2025, _est(3.5, 0.05))
    assert on is not None and on.start_source == "baseline"
    assert math.isclose(on.expected, 3.4) and on.pace is Pace.ON_TRACK
    assert trajectory(kpi, 2025, _est(3.3, 0.05)).pace is Pace.BEHIND  # type: ignore[union-attr]
    assert trajectory(kpi, 2025, _est(3.41, 0.05)).pace is Pace.UNDECIDED  # type: ignore[union-attr]
    # exactly on the path with a zero-width interval counts as on track (as a target does)
    assert trajectory(kpi, 2025, _est(3.4, 0.0)).pace is Pace.ON_TRACK  # type: ignore[union-attr]


def test_lower_is_better_mirrors() -> None:
    kpi = _kpi("lower", baseline={"year": 2023, "value": 4.0})  # 4.0 -> 3.6: 3.8 in 2025
    assert trajectory(kpi, 2025, _est(3.7, 0.05)).pace is Pace.ON_TRACK  # type: ignore[union-attr]
    assert trajectory(kpi, 2025, _est(3.9, 0.05)).pace is Pace.BEHIND  # type: ignore[union-attr]


def test_without_baseline_the_first_earlier_wave_starts_the_path() -> None:
    kpi = _kpi()
    history = [("m-2023", 2023, None), ("m-2024", 2024, _est(3.0, 0.1))]
    path = trajectory(kpi, 2025, _est(3.3, 0.05), history)
    assert path is not None and path.start == (2024, 3.0) and path.start_source == "m-2024"
    assert path.expected == pytest.approx(3.0 + 0.6 / 3)
    assert trajectory(kpi, 2025, _est(3.3, 0.05)) is None  # no start: no path
    # a baseline in the current year does not start a path either
    assert trajectory(_kpi(baseline={"year": 2025, "value": 3.0}), 2025, _est(3.3, 0.05)) is None


def test_no_estimate_gives_a_path_without_a_pace() -> None:
    path = trajectory(_kpi(baseline={"year": 2023, "value": 3.2}), 2025, None)
    assert path is not None and path.pace is None
