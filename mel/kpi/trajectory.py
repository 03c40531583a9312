"""Progress toward a later target: is the current estimate on the path to it?

A KPI judged in 2025 against a target for 2027 has no status yet (there is no target for
2025), but a go/no-go decision in 2027 needs to know now whether the programme is on its
way. The rule, stated once here and in the report's methodology:

* the **path** runs in a straight line from the starting point to the next target: the
  starting point is the KPI's baseline when its year lies before the current wave, else the
  earliest earlier wave with an estimate;
* the **expected value** is the path's value in the current wave's year;
* the KPI is **on track** when the whole 95% interval lies on the good side of the expected
  value (or on it), **behind** when it lies wholly on the bad side, and **undecided** when the
  interval contains it: the same interval rule that judges a target (`mel.kpi.status.judge`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from mel.analysis.results import Estimate
from mel.kpi.status import Status, judge
from mel.surveys.programme_schema import Kpi


class Pace(StrEnum):
    """Where the current estimate stands against the path to the next target."""

    ON_TRACK = "on_track"
    BEHIND = "behind"
    UNDECIDED = "undecided"


@dataclass(frozen=True)
class Trajectory:
    """The path from a starting point to the next target, and the current wave on it.

    ``start`` and ``target`` are ``(year, value)``; ``expected`` is the path's value in
    ``year`` (the current wave's); ``pace`` is None when the current wave has no estimate.
    """

    year: int
    start: tuple[int, float]
    start_source: str  # "baseline" or the code of the earlier wave
    target: tuple[int, float]
    expected: float
    pace: Pace | None


_PACE = {Status.MET: Pace.ON_TRACK, Status.NOT_MET: Pace.BEHIND, Status.UNCERTAIN: Pace.UNDECIDED}


def next_target(kpi: Kpi, year: int) -> tuple[int, float] | None:
    """The earliest target of `kpi` after `year`, as (year, value), or None."""
    later = sorted((t.year, t.value) for t in kpi.targets if t.year > year)
    return later[0] if later else None


def trajectory(
    kpi: Kpi,
    year: int,
    estimate: Estimate | None,
    history: Sequence[tuple[str, int, Estimate | None]] = (),
) -> Trajectory | None:
    """The path of `kpi` toward its next target as seen in the wave of `year`.

    Parameters
    ----------
    kpi : Kpi
        The KPI with its baseline and targets.
    year : int
        Year of the current wave.
    estimate : Estimate or None
        The current wave's estimate (None: no pace is judged).
    history : sequence of (wave code, year, Estimate or None)
        Earlier waves, oldest first.

    Returns
    -------
    Trajectory or None
        None when the KPI has no target after `year`, or no starting point before it.
    """
    target = next_target(kpi, year)
    if target is None:
        return None
    if kpi.baseline is not None and kpi.baseline.year < year:
        start, source = (kpi.baseline.year, kpi.baseline.value), "baseline"
    else:
        earlier = [(code, y, e) for code, y, e in history if e is not None and y < year]
        if not earlier:
            return None
        code, first_year, first = earlier[0]
        start, source = (first_year, first.estimate), code
    (y0, v0), (y1, v1) = start, target
    # 12 significant digits: a value exactly on the path is not lost to binary rounding
    expected = float(f"{v0 + (v1 - v0) * (year - y0) / (y1 - y0):.12g}")
    pace = None
    if estimate is not None and estimate.ci_low == estimate.ci_low:  # not NaN
        pace = _PACE[judge(estimate.ci_low, estimate.ci_high, expected, kpi.direction)]
    return Trajectory(year, start, source, target, expected, pace)


__all__ = ["Pace", "Trajectory", "next_target", "trajectory"]
