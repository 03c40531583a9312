"""Progress results: census totals per indicator and year, and one unit's profile.

The yearly progress measurement is a census (every unit reports once a year), so its
figures are totals with coverage and a stated imputation (`mel.analysis.census`), not
survey estimates. A unit's **profile** sets its own figures beside the distribution over
all reporting units, nationally and in its own stratum; every figure that is not the unit's
own passes the disclosure rule (`mel.disclosure.rules.protect`): a group of fewer than `k`
reporting units shows nothing, and neither does a group whose figure could be derived from
the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from mel.analysis.census import CensusTotal, census_totals, cumulative
from mel.data.census import CensusData
from mel.disclosure.rules import DEFAULT_K, protect
from mel.surveys.progress_schema import Indicator, Progress


@dataclass(frozen=True)
class Counting:
    """How reporting units counted a reach indicator in a year: distinct or involvements."""

    distinct_units: int
    distinct_total: float
    involvement_units: int
    involvement_total: float


@dataclass(frozen=True)
class IndicatorResult:
    """One indicator over the census years: totals, cumulative figure, counting."""

    indicator: Indicator
    totals: list[CensusTotal]
    cumulative: float | None
    cumulative_reported: float | None
    counting: dict[int, Counting] = field(default_factory=dict)

    def year(self, year: int) -> CensusTotal | None:
        """Return the totals of `year` (None when it was not measured)."""
        return next((t for t in self.totals if t.year == year), None)


@dataclass(frozen=True)
class ProgressResults:
    """Every indicator of a programme's progress measurement up to a year."""

    progress: Progress
    data: CensusData
    year: int
    indicators: list[IndicatorResult]


def indicator_values(returns: pd.DataFrame, indicator: Indicator) -> pd.Series:
    """Return the indicator's value per return (NaN when a part is missing or not a number)."""
    if returns.empty:
        return pd.Series(dtype=float)
    names = [indicator.question] if indicator.question else list(indicator.sum or [])
    parts = [
        pd.to_numeric(returns[name], errors="coerce")
        if name in returns
        else pd.Series(np.nan, index=returns.index)
        for name in names
    ]
    return (
        pd.concat(parts, axis=1)
        .sum(axis=1, min_count=len(parts))
        .where(pd.concat(parts, axis=1).notna().all(axis=1))
    )


def progress_results(data: CensusData, progress: Progress, year: int) -> ProgressResults:
    """Compute every indicator's census totals for the years up to `year`.

    Raises
    ------
    LookupError
        When `year` has no census wave (the message lists the years there are).
    """
    years = [w.year for w in data.waves]
    if year not in years:
        raise LookupError(
            f"no progress measurement in {year} (years measured: "
            f"{', '.join(str(y) for y in years)})"
        )
    frames = {y: f for y, f in data.frames.items() if y <= year}
    returns = data.returns[data.returns["year"] <= year] if not data.returns.empty else data.returns
    results = []
    for indicator in progress.indicators:
        table = pd.DataFrame(
            {
                "unit": returns.get("unit", pd.Series(dtype=str)),
                "year": returns.get("year", pd.Series(dtype=int)),
                "value": indicator_values(returns, indicator),
            }
        )
        totals = census_totals(table, frames)
        since = [t for t in totals if t.year >= progress.start_year]
        results.append(
            IndicatorResult(
                indicator,
                totals,
                cumulative(since) if indicator.cumulative else None,
                cumulative(since, imputed=False) if indicator.cumulative else None,
                _counting(returns, table, indicator, progress.distinct_value),
            )
        )
    return ProgressResults(progress, data, year, results)


def _counting(
    returns: pd.DataFrame, table: pd.DataFrame, indicator: Indicator, distinct: str
) -> dict[int, Counting]:
    """Split each year's reported total by how it was counted (for reach indicators)."""
    if indicator.counting is None or returns.empty or indicator.counting not in returns:
        return {}
    rows = table.assign(how=returns[indicator.counting]).dropna(subset=["value"])
    found = {}
    for year, group in rows.groupby("year"):
        own = group["how"] == distinct
        found[int(str(year))] = Counting(
            int(own.sum()),
            float(group.loc[own, "value"].sum()),
            int((~own).sum()),
            float(group.loc[~own, "value"].sum()),
        )
    return found


@dataclass(frozen=True)
class Distribution:
    """The distribution of an indicator over a group of reporting units (None: hidden)."""

    group: str
    n: int
    p25: float | None
    median: float | None
    p75: float | None
    hidden: bool


@dataclass(frozen=True)
class ProfileRow:
    """One indicator in a unit's profile: its own value and the groups beside it."""

    indicator: Indicator
    own: float | None
    own_before: float | None
    reason: str | None
    national: Distribution
    stratum: Distribution | None


@dataclass(frozen=True)
class UnitProfile:
    """A unit's one-page profile for a year."""

    unit: str
    name: str
    stratum: str | None
    year: int
    reported: bool
    rows: list[ProfileRow]


@dataclass(frozen=True)
class ProfileContext:
    """What every unit's profile of a year shares, computed once: each indicator's values
    by unit (this year and the year before), the reasons given for large changes, and the
    national and per-stratum distributions after disclosure control."""

    now: dict[str, dict[str, float]]
    before: dict[str, dict[str, float]]
    reasons: dict[str, dict[str, str]]
    reported: frozenset[str]
    national: dict[str, Distribution]
    strata: dict[str, dict[str, Distribution]]


def _by_unit(rows: pd.DataFrame, indicator: Indicator) -> dict[str, float]:
    """An indicator's reported values by unit."""
    if rows.empty:
        return {}
    values = indicator_values(rows, indicator)
    return {str(u): float(v) for u, v in zip(rows["unit"], values, strict=True) if pd.notna(v)}


def _reasons(rows: pd.DataFrame, indicator: Indicator) -> dict[str, str]:
    """The reasons units gave for a large change of the indicator's questions, by unit."""
    found: dict[str, str] = {}
    for q in [indicator.question] if indicator.question else list(indicator.sum or []):
        column = f"{q}__reason"
        if rows.empty or column not in rows:
            continue
        for unit, text in zip(rows["unit"], rows[column], strict=True):
            if isinstance(text, str) and text.strip():
                found[str(unit)] = f"{found[str(unit)]} {text}" if unit in found else text
    return found


def profile_context(
    data: CensusData, progress: Progress, year: int, k: int = DEFAULT_K
) -> ProfileContext:
    """Compute what every unit's profile in `year` shows beside its own figures.

    Per indicator the strata form one table of counts of reporting units; `protect` hides
    the groups under `k` units and those whose figures could be derived from the others
    (the national distribution is the table's margin).
    """
    strata = data.units.set_index("unit")["stratum"].fillna("")
    returns = data.returns
    now = returns[returns["year"] == year] if not returns.empty else returns
    before_year = max((w.year for w in data.waves if w.year < year), default=None)
    before = returns[returns["year"] == before_year] if before_year is not None else now.iloc[:0]
    context = ProfileContext(
        {}, {}, {}, frozenset(now["unit"]) if not now.empty else frozenset(), {}, {}
    )
    for ind in progress.indicators:
        context.now[ind.code] = _by_unit(now, ind)
        context.before[ind.code] = _by_unit(before, ind)
        context.reasons[ind.code] = _reasons(now, ind)
        frame = pd.DataFrame(
            {"unit": list(context.now[ind.code]), "value": list(context.now[ind.code].values())}
        )
        frame["stratum"] = frame["unit"].map(strata)
        counts = frame.groupby("stratum")["value"].count()
        hidden = protect(counts, k) if not counts.empty else pd.Series(dtype=bool)
        # The national distribution alone is one cell without a margin (see `protect`).
        cell = pd.Series([len(frame)], index=pd.Index(["*"], name="*"))
        context.national[ind.code] = _distribution("", frame["value"], bool(protect(cell, k)["*"]))
        context.strata[ind.code] = {
            str(h): _distribution(str(h), group["value"], bool(hidden.get(h, False)))
            for h, group in frame.groupby("stratum")
        }
    return context


def unit_profile(
    data: CensusData,
    progress: Progress,
    year: int,
    unit: str,
    k: int = DEFAULT_K,
    context: ProfileContext | None = None,
) -> UnitProfile:
    """Return `unit`'s profile in `year`: its own figures, unprotected, beside
    the national and own-stratum distributions, protected (see `profile_context`; pass one
    context for many profiles of the same results).

    Raises
    ------
    LookupError
        When the unit is not in that year's census.
    """
    if unit not in data.frames.get(year, []):
        raise LookupError(f"unit {unit!r} is not in the {year} progress measurement")
    shared = context or profile_context(data, progress, year, k)
    info = data.units[data.units["unit"] == unit].iloc[0]
    own_stratum = str(info["stratum"] or "")
    rows = []
    for indicator in progress.indicators:
        code = indicator.code
        stratum = None
        if own_stratum:
            empty = Distribution(own_stratum, 0, None, None, None, True)
            stratum = shared.strata[code].get(own_stratum, empty)
        rows.append(
            ProfileRow(
                indicator,
                shared.now[code].get(unit),
                shared.before[code].get(unit),
                shared.reasons[code].get(unit),
                shared.national[code],
                stratum,
            )
        )
    return UnitProfile(
        unit, str(info["name"]), own_stratum or None, year, unit in shared.reported, rows
    )


def _distribution(group: str, values: pd.Series, hidden: bool) -> Distribution:
    """Quartiles of a group's values, or nothing when the group is hidden (or empty)."""
    n = int(values.count())
    if hidden or n == 0:
        return Distribution(group, n, None, None, None, True)
    p25, median, p75 = (float(values.quantile(q)) for q in (0.25, 0.5, 0.75))
    return Distribution(group, n, p25, median, p75, False)
