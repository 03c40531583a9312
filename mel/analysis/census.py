"""Census estimation: coverage, totals over reporters, and ratio-to-trend imputation.

A census wave (every unit asked, e.g. Katapult's yearly progress measurement of every pps)
has no sampling error; what it has is **coverage**: the share of units that reported. Its
totals are given two ways:

- the **reported total**: the sum over reporting units (a lower bound when values are
  non-negative);
- the **imputed total**: the reported total plus, for each non-reporting unit, its own
  value of the year before multiplied by the **ratio to trend**
  ``R_t = sum_{i in M} y_{i,t} / sum_{i in M} y_{i,t-1}``, where ``M`` are the units that
  reported in both years (the matched reporters). A unit's "value of the year before" is
  what it reported then, or, when it did not report then either, what was imputed for it
  then (so the imputation carries forward along the trend). A unit with no earlier value
  at all (new, or never reported) is not imputed: it stays **missing** and is counted.

The **imputed share** (imputed / imputed total) says how much of a total rests on the
imputation model rather than on reports. In the first year, or when no unit reported in
both years (or their total of the year before is 0), there is no ratio: nothing is imputed.

This is the ratio (or "trend") imputation of business statistics, e.g. Eurostat (2013),
*Handbook on methodology of modern business statistics*, "Imputation", and
de Waal, Pannekoek & Scholtus (2011), *Handbook of Statistical Data Editing and
Imputation*, Wiley, 7.3 (ratio imputation with an auxiliary variable from the previous
period).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from mel.analysis.errors import DesignError

__all__ = ["CensusTotal", "UnitValue", "census_totals", "cumulative"]


@dataclass(frozen=True)
class UnitValue:
    """One unit's value in one year: reported, imputed, or missing (value None)."""

    unit: str
    year: int
    value: float | None
    status: str  # reported | imputed | missing


@dataclass(frozen=True)
class CensusTotal:
    """The totals of one indicator in one census year.

    Attributes
    ----------
    year : int
        The census year.
    units : int
        Units in the census (the frame of that year).
    reporting : int
        Units that reported a value.
    coverage : float
        ``reporting / units`` (NaN for an empty census).
    reported : float
        Total over the reporting units.
    imputed : float
        Sum of the values imputed for non-reporting units.
    total : float
        ``reported + imputed``.
    imputed_share : float
        ``imputed / total`` (0 when nothing was imputed; NaN when the total is 0 with
        something imputed, which cannot happen for non-negative values).
    imputed_units : int
        Non-reporting units that were imputed.
    missing_units : int
        Non-reporting units left out (no earlier value, or no ratio this year).
    ratio : float or None
        The ratio to trend used (None: none could be formed, nothing was imputed).
    matched : int
        Units that reported in this year and the year before (the ratio's base).
    """

    year: int
    units: int
    reporting: int
    coverage: float
    reported: float
    imputed: float
    total: float
    imputed_share: float
    imputed_units: int
    missing_units: int
    ratio: float | None
    matched: int
    values: tuple[UnitValue, ...] = field(default=(), repr=False, compare=False)

    def to_dict(self) -> dict[str, float | int | None]:
        """Return the figures (without the per-unit values) as a plain dict."""
        return {
            "year": self.year,
            "units": self.units,
            "reporting": self.reporting,
            "coverage": self.coverage,
            "reported": self.reported,
            "imputed": self.imputed,
            "total": self.total,
            "imputed_share": self.imputed_share,
            "imputed_units": self.imputed_units,
            "missing_units": self.missing_units,
            "ratio": self.ratio,
            "matched": self.matched,
        }


def _reports(data: pd.DataFrame, unit: str, year: str, value: str) -> dict[int, dict[str, float]]:
    """Return the reported values as {year: {unit: value}}, refusing duplicates and bad numbers."""
    missing = [c for c in (unit, year, value) if c not in data.columns]
    if missing:
        raise DesignError(f"census data lack the column(s) {', '.join(missing)}")
    rows = data[[unit, year, value]].dropna(subset=[value])
    twice = rows.duplicated(subset=[unit, year], keep=False)
    if twice.any():
        first = rows[twice].iloc[0]
        raise DesignError(
            f"unit {first[unit]!r} has more than one value in {int(first[year])}: "
            "a census has one report per unit and year"
        )
    found: dict[int, dict[str, float]] = {}
    for u, y, v in rows.itertuples(index=False):
        number = float(v)
        if not math.isfinite(number):
            raise DesignError(f"unit {u!r} in {int(y)}: value {v!r} is not a finite number")
        found.setdefault(int(y), {})[str(u)] = number
    return found


def census_totals(
    data: pd.DataFrame,
    frames: Mapping[int, Iterable[str]],
    *,
    value: str = "value",
    unit: str = "unit",
    year: str = "year",
) -> list[CensusTotal]:
    """Return coverage, reported and imputed totals of one indicator for each census year.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per reported value: `unit`, `year` and `value` columns (a missing value
        counts as not reported).
    frames : mapping of int to iterable of str
        The units of each census year (every unit asked that year). A report of a unit
        outside its year's frame raises :class:`DesignError`.
    value, unit, year : str, optional
        Column names.

    Returns
    -------
    list of CensusTotal
        One per year of `frames`, in year order, each with its per-unit values.

    Raises
    ------
    DesignError
        For a missing column, two reports of a unit in a year, a value that is not a
        finite number, or a report of a unit outside the year's frame.

    Notes
    -----
    Years are consecutive census rounds in the order given by `frames`; the ratio of year
    ``t`` is formed with the round before it in that order.
    """
    reports = _reports(data, unit, year, value)
    results: list[CensusTotal] = []
    before_reported: dict[str, float] = {}
    before_values: dict[str, float] = {}  # reported or imputed in the round before
    for t in sorted(frames):
        frame = sorted({str(u) for u in frames[t]})
        now = reports.get(t, {})
        outside = sorted(set(now) - set(frame))
        if outside:
            raise DesignError(f"unit {outside[0]!r} reported in {t} but is not in its frame")
        matched = [u for u in now if u in before_reported]
        base = sum(before_reported[u] for u in matched)
        ratio = sum(now[u] for u in matched) / base if matched and base > 0 else None
        values: list[UnitValue] = []
        imputed = 0.0
        for u in frame:
            if u in now:
                values.append(UnitValue(u, t, now[u], "reported"))
            elif ratio is not None and u in before_values:
                guess = before_values[u] * ratio
                imputed += guess
                values.append(UnitValue(u, t, guess, "imputed"))
            else:
                values.append(UnitValue(u, t, None, "missing"))
        reported = sum(now.values())
        total = reported + imputed
        imputed_units = sum(v.status == "imputed" for v in values)
        results.append(
            CensusTotal(
                year=t,
                units=len(frame),
                reporting=len(now),
                coverage=len(now) / len(frame) if frame else math.nan,
                reported=reported,
                imputed=imputed,
                total=total,
                imputed_share=(imputed / total if total else math.nan) if imputed else 0.0,
                imputed_units=imputed_units,
                missing_units=len(frame) - len(now) - imputed_units,
                ratio=ratio,
                matched=len(matched),
                values=tuple(values),
            )
        )
        before_reported = dict(now)
        before_values = {v.unit: v.value for v in values if v.value is not None}
    return results


def cumulative(totals: Iterable[CensusTotal], *, imputed: bool = True) -> float:
    """Return the sum of yearly totals since the first census year.

    Parameters
    ----------
    totals : iterable of CensusTotal
        Yearly totals of one indicator (from :func:`census_totals`).
    imputed : bool, optional
        Sum the imputed totals (default) or the reported totals only.

    Returns
    -------
    float
        The cumulative figure; meaningful for counts of things made in a year (minors
        developed, courses delivered), not for stocks such as people involved.
    """
    return float(sum(t.total if imputed else t.reported for t in totals))
