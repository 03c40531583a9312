"""A KPI's change since the previous wave, using the units both waves share.

Where units answered in both waves their answers are correlated, and the change is
estimated on the two waves stacked as one design: the units are the PSUs (one unit in
both waves is one PSU), each row keeps its own wave's final weight, and the change is a
contrast of the two wave domains (`mel.analysis.change`; R: ``svycontrast`` of
``svyby(~y, ~wave, stacked, ..., covmat = TRUE)``). The weights are taken as fixed
there, without fpc (conservative: the stacked sample of a stratum is the union of both
waves' samples), and a total's change is a contrast of wave-by-stratum means. Without
a common unit, or where the first stage is a census of units whose persons differ
between waves (no sampled unit to share), the waves are independent samples and the
variances add (`mel.analysis.results.difference`). Over all change tests of a report the
p-values are adjusted by Holm's method (`holm_adjusted`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, cast

import pandas as pd

from mel.analysis.change import holm, p_value
from mel.analysis.design import Design
from mel.analysis.errors import DesignError
from mel.analysis.results import Estimate, EstimateTable, difference
from mel.kpi.frames import census_first_stage
from mel.kpi.variables import imputed_by_weighting, kpi_column
from mel.surveys.programme_schema import Kpi

WAVE = "__wave"


@dataclass(frozen=True)
class Change:
    """The change of a KPI since the previous wave.

    ``paired`` says whether it used the ``common_units`` answering in both waves (the
    stacked design) or treated the waves as independent; ``p`` is the t test's p-value and
    ``p_holm`` the p-value adjusted over the report's change tests (None until adjusted).
    """

    previous_wave: str
    previous: Estimate
    difference: Estimate
    paired: bool = False
    common_units: int = 0
    p: float = math.nan
    p_holm: float | None = None

    @property
    def significant(self) -> bool:
        """Significant at 5% after Holm's adjustment (where made), else when the interval
        of the difference excludes zero."""
        if self.p_holm is not None and not math.isnan(self.p_holm):
            return self.p_holm < 0.05
        return self.difference.ci_low > 0 or self.difference.ci_high < 0


@dataclass(frozen=True)
class StackedWaves:
    """Two waves' frames of one instrument stacked as one design, without a KPI variable.

    Built once per instrument and pair of waves (`stack_waves`); each KPI puts its variable
    on the design (`Design.with_column`). ``design`` is None where the change is not paired:
    no unit in both waves, a census of units whose persons differ, or no valid design.
    """

    frames: dict[str, pd.DataFrame]  # current, then previous
    common_units: int
    design: Design | None

    def with_kpi(self, kpi: Kpi) -> Design:
        """The stacked design with the KPI's variable (and denominator) on it."""
        assert self.design is not None
        design = self.design
        for column in (kpi_column(kpi), kpi.denominator):
            if column:
                parts = [
                    d[column] if column in d else pd.Series(math.nan, index=d.index)
                    for d in self.frames.values()
                ]
                design = design.with_column(column, pd.concat(parts, ignore_index=True))
        return design


def stack_waves(waves: tuple[str, str], data: tuple[pd.DataFrame, pd.DataFrame]) -> StackedWaves:
    """The frames of the current and previous wave (`waves`, `data`) stacked (see above)."""
    frames = dict(zip(waves, data, strict=True))
    now, before = data
    common = len(set(now["unit"]) & set(before["unit"]))
    census_persons = any(
        d.attrs.get("respondent") == "person" and _census(d) for d in (now, before)
    )
    design = None
    if common and not census_persons:
        try:
            design = _stacked(frames)
        except (DesignError, KeyError, ValueError):
            design = None
    return StackedWaves(frames, common, design)


def wave_change(
    kpi: Kpi,
    waves: tuple[str, str],
    data: tuple[pd.DataFrame, pd.DataFrame],
    estimates: tuple[Estimate, Estimate],
    stacked: StackedWaves | None = None,
) -> Change:
    """The change from the previous wave to the current one (``waves``, ``data`` and
    ``estimates`` in the order current, previous); `stacked` is `stack_waves` of them when
    the caller keeps it for the instrument's other KPIs."""
    (current, previous), (now, before), (est_now, est_before) = waves, data, estimates
    stacked = stacked or stack_waves(waves, data)
    if stacked.design is not None:
        try:
            design = stacked.with_kpi(kpi)
            table = _by_wave(design, kpi)
            if kpi.estimator == "total" or imputed_by_weighting(kpi):
                diff = _total_change(design, kpi, {current: now, previous: before})
            else:
                diff = table.difference(current, previous)
            diff = replace(diff, name=f"{kpi.code}: {current} - {previous}")
            common = stacked.common_units
            return Change(previous, est_before, diff, True, common, p_value(diff))
        except (DesignError, KeyError, ValueError):
            pass  # e.g. a quantile (no covariance): the independent difference below
    diff = difference(est_now, est_before)
    return Change(previous, est_before, diff, False, stacked.common_units, p_value(diff))


def holm_adjusted(changes: Sequence[Change | None]) -> list[Change | None]:
    """The changes with Holm-adjusted p-values over all of them (R ``p.adjust``)."""
    tested = {i: c.p for i, c in enumerate(changes) if c is not None and not math.isnan(c.p)}
    adjusted = holm(tested) if tested else {}
    return [
        replace(c, p_holm=float(adjusted[i])) if c is not None and i in adjusted else c
        for i, c in enumerate(changes)
    ]


def _total_change(design: Design, kpi: Kpi, frames: dict[str, pd.DataFrame]) -> Estimate:
    """Change of a total as a contrast of the wave-by-stratum means.

    A total per wave domain of the stacked design would count the other wave's units as
    zeros in every stratum (as if each wave's sample size were random); the total is
    instead sum_h c_h ybar_h, with c_h the weight of the stratum's respondents who
    answered times N / A (N the weight of all respondents, A of those who answered), which
    gives the reported total exactly and treats the c_h as fixed. With ``missing: impute``
    (within-stratum means) c_h is the weight N_h of all the stratum's respondents, over N
    for a mean or proportion.
    """
    column = kpi_column(kpi)
    by = [WAVE, "stratum"] if design.strata_column else [WAVE]
    imputed = imputed_by_weighting(kpi)
    if imputed and len(by) == 1:
        raise DesignError("within-stratum imputation needs strata that units keep")
    table = design.mean(column, by=by if len(by) > 1 else WAVE)
    assert isinstance(table, EstimateTable)
    coefficients: dict[Any, float] = {}
    for (wave, data), sign in zip(frames.items(), (1.0, -1.0), strict=True):
        answered = data[column].notna()
        if imputed:
            # the imputed figure: sum_h N_h ybar_h (a total) or that over N (a mean)
            per = 1.0 if kpi.estimator == "total" else 1.0 / float(data["weight"].sum())
            for stratum, weight in data.groupby("stratum")["weight"].sum().items():
                if answered[data["stratum"] == stratum].any():
                    coefficients[(wave, stratum)] = sign * float(weight) * per
            continue
        scale = float(data["weight"].sum()) / float(data.loc[answered, "weight"].sum())
        if len(by) == 1:
            coefficients[wave] = sign * float(data.loc[answered, "weight"].sum()) * scale
            continue
        sums = data.loc[answered].groupby("stratum")["weight"].sum()
        for stratum, weight in sums.items():
            coefficients[(wave, stratum)] = sign * float(weight) * scale
    return table.contrast(coefficients)


def _census(data: pd.DataFrame) -> bool:
    """Whether the frame's first stage is a census of its sampled units (see `frames`)."""
    sampled = data.attrs.get("sampled_units")
    return sampled is not None and census_first_stage(sampled.table)


def _stacked(frames: dict[str, pd.DataFrame]) -> Design:
    """The waves' rows as one design: units as PSUs, strata where every unit keeps its own."""
    wanted = ["unit", "stratum", "fpc_units", "weight"]
    parts = [d[[c for c in wanted if c in d]].assign(**{WAVE: wave}) for wave, d in frames.items()]
    stacked = pd.concat(parts, ignore_index=True)
    strata = stacked.groupby("unit")["stratum"].nunique().max() == 1
    # no fpc: the stacked sample of a stratum is the union of both waves' samples, whose
    # size would overstate the sampling fraction of each wave (conservative without)
    return Design(
        stacked,
        weights="weight",
        strata="stratum" if strata else None,
        psu="unit",
        lonely_psu="adjust",
    )


def _by_wave(design: Design, kpi: Kpi) -> EstimateTable:
    column = kpi_column(kpi)
    if kpi.estimator == "mean":
        result: Any = design.mean(column, by=WAVE)
    elif kpi.estimator == "total":
        result = design.mean(column, by=WAVE)
    elif kpi.estimator == "ratio":
        result = design.ratio(column, cast(str, kpi.denominator), by=WAVE)
    elif kpi.estimator == "proportion":
        level = 1.0 if kpi.level is None or isinstance(kpi.level, bool) else kpi.level
        result = design.proportion(column, level=level, by=WAVE, method="mean")
    else:
        raise DesignError("a quantile's change has no covariance")
    assert isinstance(result, EstimateTable)
    return result
