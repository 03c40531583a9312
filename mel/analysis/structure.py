"""The sampling structure of a design: strata, clusters per stage, fpc, base weights.

Built once from the data and checked the way R's ``svydesign`` checks it (Lumley 2010,
ch. 1-3): clusters nested in strata (or ``nest=True``), ``fpc`` given either as population
sizes (all >= 1) or as sampling fractions (all <= 1) and constant within each stratum,
no stratum sampling more units than it has, no missing design variables. Every stage is
encoded as integer codes so that variances reduce to ``np.bincount`` over sorted codes.

Stage k > 1 is stratified by the units of stage k - 1 (R's ``svydesign`` interacts the
strata with the earlier ids), and its ids are nested in those units.

Unequal-probability (pps) stages carry each unit's inclusion probability instead of a
population size per stratum (see :mod:`mel.analysis.pps`); R's ``as.fpc(..., pps = TRUE)``
does the same with a population size n/pi per unit.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mel.analysis.errors import DesignError, DesignWarning

#: R's ``survey.lonely.psu`` choices (``fail`` is R's default and ours)
LONELY_PSU = ("fail", "adjust", "average", "remove", "certainty")


@dataclass(frozen=True)
class Stage:
    """One sampling stage: its units, their strata, and the fpc per stratum.

    Attributes
    ----------
    unit : ndarray of int, shape (n,)
        Code (0..n_units-1) of each row's unit at this stage, nested in earlier stages.
    stratum_of_unit : ndarray of int, shape (n_units,)
        Code (0..n_strata-1) of each unit's stratum.
    sampled : ndarray of float, shape (n_strata,)
        Units sampled per stratum (R's ``fpc$sampsize``).
    popsize : ndarray of float or None, shape (n_strata,)
        Units in the population per stratum (R's ``fpc$popsize``); None without fpc and
        for pps stages.
    labels : ndarray, shape (n_strata,)
        A printable label for each stratum (for error messages).
    unit_prob : ndarray of float or None, shape (n_units,)
        Inclusion probability of each unit at this stage (given the earlier stages), for
        unequal-probability sampling without replacement; None otherwise.
    """

    unit: np.ndarray
    stratum_of_unit: np.ndarray
    sampled: np.ndarray
    popsize: np.ndarray | None
    labels: np.ndarray
    unit_prob: np.ndarray | None = None

    @property
    def n_units(self) -> int:
        return len(self.stratum_of_unit)

    @property
    def n_strata(self) -> int:
        return len(self.sampled)

    @property
    def has_fpc(self) -> bool:
        """Whether the stage is sampled without replacement (an fpc or pps probabilities)."""
        return self.popsize is not None or self.unit_prob is not None

    def fraction_remaining(self) -> np.ndarray:
        """Per stratum, (N - n) / N, or 1 without fpc (R's ``onestrat`` ``f``)."""
        if self.popsize is None:
            return np.ones(self.n_strata)
        with np.errstate(divide="ignore", invalid="ignore"):
            f = (self.popsize - self.sampled) / self.popsize
        return np.where(np.isinf(self.popsize), 1.0, f)

    def _unit_popsize(self) -> np.ndarray:
        """R's pps population size per unit: the stratum's sample size over pi."""
        assert self.unit_prob is not None
        return self.sampled[self.stratum_of_unit] / self.unit_prob

    def unit_fraction_remaining(self) -> np.ndarray:
        """Per unit, the stratum's (N - n) / N, or 1 - pi for a pps stage (Brewer)."""
        if self.unit_prob is None:
            return self.fraction_remaining()[self.stratum_of_unit]
        pop = self._unit_popsize()
        return (pop - self.sampled[self.stratum_of_unit]) / pop

    def unit_sampling_fraction(self) -> np.ndarray:
        """Per unit, n / N of its stratum (pi for a pps stage; 1 without fpc): the factor
        of the next stage's variance."""
        if self.unit_prob is not None:
            return self.sampled[self.stratum_of_unit] / self._unit_popsize()
        if self.popsize is None:
            return np.ones(self.n_units)
        with np.errstate(divide="ignore", invalid="ignore"):
            return (self.sampled / self.popsize)[self.stratum_of_unit]

    def census(self) -> np.ndarray:
        """Per stratum, whether every unit was taken with certainty (f < 1e-7, as R)."""
        small = self.unit_fraction_remaining() < 1e-7
        return np.bincount(self.stratum_of_unit, weights=~small, minlength=self.n_strata) == 0


def _codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes of `values` in the sorted order of their distinct values, and those values.

    Text is sorted as fixed-width unicode (numpy compares it in C, as Python compares str:
    by code point): pandas sorts text uniques as Python objects, a few seconds for the
    respondent ids of a million responses.
    """
    codes, uniques = pd.factorize(values)
    uniques = np.asarray(uniques)
    if uniques.dtype == object and all(type(u) is str and not u.endswith("\x00") for u in uniques):
        order = np.argsort(uniques.astype(str), kind="stable")
    else:
        order = np.argsort(pd.factorize(uniques, sort=True)[0], kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    found = codes >= 0
    ranked = np.where(found, rank[np.where(found, codes, 0)], -1) if len(order) else codes
    return ranked.astype(np.int64), uniques[order]


def _combine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Codes of the pairs (a, b), both already integer codes."""
    codes, _ = pd.factorize(a * (int(b.max()) + 1) + b, sort=True)
    return codes.astype(np.int64)


def column(data: pd.DataFrame, name: str, role: str) -> pd.Series:
    """A design column, checked to exist and to have no missing values."""
    if name not in data.columns:
        raise DesignError(
            f"{role} column {name!r} is not in the data "
            f"(columns: {', '.join(map(str, data.columns[:12]))}...)"
        )
    col = data[name]
    missing = col.isna().to_numpy()
    if missing.any():
        raise DesignError(
            f"{role} column {name!r} has {int(missing.sum())} missing values "
            f"(first at row {int(np.flatnonzero(missing)[0])})"
        )
    return col


def _numeric(col: pd.Series, role: str) -> np.ndarray:
    if not (pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)):
        raise DesignError(f"{role} column {col.name!r} must be numeric, not {col.dtype}")
    return col.to_numpy(dtype=float)


def _fpc_matrix(data: pd.DataFrame, fpc: Sequence[str]) -> np.ndarray:
    cols = [_numeric(column(data, name, "fpc"), "fpc") for name in fpc]
    matrix = np.column_stack(cols)
    if np.any(matrix < 0) or np.any(np.isinf(matrix)):
        raise DesignError(f"fpc columns {list(fpc)} must be finite and non-negative")
    is_popsize = bool(np.any(matrix > 1))
    if is_popsize != bool(np.all(matrix >= 1)):
        raise DesignError(
            f"fpc columns {list(fpc)} must be all population sizes (>= 1) or all sampling "
            "fractions (<= 1), as in R; "
            + (
                "all values are 1, which is ambiguous: drop fpc for a census stage or give "
                "population sizes"
                if np.all(matrix == 1)
                else "they mix both"
            )
        )
    return matrix if is_popsize else -matrix  # negative marks fractions


def build_stages(
    data: pd.DataFrame,
    *,
    strata: str | None,
    ids: Sequence[str | None],
    fpc: Sequence[str] | None,
    nest: bool,
) -> tuple[Stage, ...]:
    """Encode strata, ids and fpc into :class:`Stage` objects (see the module docstring)."""
    n = len(data)
    if n == 0:
        raise DesignError("the data have no rows")
    if fpc is not None and len(fpc) != len(ids):
        raise DesignError(
            f"fpc has {len(fpc)} column(s) for {len(ids)} stage(s); give one "
            "per stage (psu, ssu) or none"
        )
    if strata is not None:
        s_codes, s_labels = _codes(column(data, strata, "strata").to_numpy())
    else:
        s_codes, s_labels = np.zeros(n, np.int64), np.array(["(all)"], dtype=object)
    fpcm = _fpc_matrix(data, fpc) if fpc is not None else None
    stages: list[Stage] = []
    parent: np.ndarray | None = None
    parent_labels: np.ndarray | None = None
    for k, name in enumerate(ids):
        role = "psu" if k == 0 else "ssu"
        if name is None:
            raw, raw_values = np.arange(n, dtype=np.int64), np.arange(n)
        else:
            raw_values = column(data, name, role).to_numpy()
            raw, _ = _codes(raw_values)
        if k == 0:
            unit = _combine(s_codes, raw) if nest and strata is not None else raw
            stratum_row = s_codes
            labels = s_labels
            if not nest:
                pairs = pd.unique(unit * len(s_labels) + stratum_row)
                if len(pairs) != unit.max() + 1:
                    raise DesignError(
                        f"psu column {name!r}: some PSU ids occur in more than one stratum of "
                        f"{strata!r}; give PSU ids that are unique across strata or pass "
                        "nest=True"
                    )
        else:
            assert parent is not None and parent_labels is not None
            unit = _combine(parent, raw)
            stratum_row = parent
            labels = parent_labels
        n_units = int(unit.max()) + 1
        unit_labels = np.empty(n_units, dtype=object)
        unit_labels[unit[::-1]] = raw_values[::-1]
        parent_labels = unit_labels
        stratum_of_unit = np.zeros(n_units, np.int64)
        stratum_of_unit[unit] = stratum_row
        sampled = np.bincount(stratum_of_unit, minlength=len(labels)).astype(float)
        popsize = None
        if fpcm is not None and fpc is not None:
            popsize = _stage_popsize(fpcm[:, k], stratum_row, sampled, fpc[k], labels)
        stages.append(Stage(unit, stratum_of_unit, sampled, popsize, labels))
        parent = unit
    if stages[0].n_units == 1 and not (nest and strata is not None):
        raise DesignError("the design has only one primary sampling unit")
    return tuple(stages)


def _stage_popsize(
    values: np.ndarray, stratum_row: np.ndarray, sampled: np.ndarray, name: str, labels: np.ndarray
) -> np.ndarray:
    h = len(sampled)
    first = np.full(h, np.nan)
    first[stratum_row[::-1]] = values[::-1]
    varies = np.flatnonzero(values != first[stratum_row])
    if len(varies):
        bad = labels[stratum_row[varies[0]]]
        raise DesignError(
            f"fpc column {name!r} varies within stratum {bad!r} "
            f"(row {int(varies[0])}); it must be constant within each stratum"
        )
    if np.all(first <= 0):  # sampling fractions (negated by _fpc_matrix)
        with np.errstate(divide="ignore"):
            popsize = sampled / -first
    else:
        popsize = first
    small = np.flatnonzero(popsize < sampled)
    if len(small):
        j = small[0]
        raise DesignError(
            f"fpc column {name!r}: stratum {labels[j]!r} has population size "
            f"{popsize[j]:g} but {int(sampled[j])} sampled units (fpc smaller "
            "than the sample)"
        )
    if np.any(np.isfinite(popsize) & (popsize > 1e10)):
        warnings.warn(
            f"fpc column {name!r} implies a population over ten billion",
            DesignWarning,
            stacklevel=4,
        )
    return popsize


def check_lonely(stages: Sequence[Stage], lonely_psu: str, strata: str | None) -> None:
    """Refuse strata with one sampled unit (unless a ``lonely_psu`` rule is chosen)."""
    if lonely_psu not in LONELY_PSU:
        raise DesignError(f"lonely_psu must be one of {LONELY_PSU}, got {lonely_psu!r}")
    if lonely_psu != "fail":
        return
    for k, stage in enumerate(stages):
        if k > 0 and not stage.has_fpc:
            break
        lonely = np.flatnonzero((stage.sampled == 1) & ~stage.census())
        if len(lonely):
            labels = [str(stage.labels[j]) for j in lonely[:5]]
            where = (
                f"stratum {', '.join(labels)} of {strata!r}"
                if k == 0
                else f"PSU {', '.join(labels)} (at stage {k + 1})"
            )
            raise DesignError(
                f"{where} has only one sampled unit, so its variance cannot be estimated; "
                "choose lonely_psu='adjust', 'average', 'remove' or 'certainty' (as R's "
                "options(survey.lonely.psu=)), or collapse strata"
            )


def base_weights(stages: Sequence[Stage], n: int, has_fpc: bool) -> np.ndarray:
    """Weights implied by the fpc (R: the product over stages of N/n), or 1 with a warning."""
    if not has_fpc:
        warnings.warn(
            "no weights or fpc given: assuming equal probability (weights 1)",
            DesignWarning,
            stacklevel=3,
        )
        return np.ones(n)
    w = np.ones(n)
    for stage in stages:
        if stage.unit_prob is not None:
            w = w / stage.unit_prob[stage.unit]
            continue
        assert stage.popsize is not None
        stratum_row = stage.stratum_of_unit[stage.unit]
        w = w * (stage.popsize / stage.sampled)[stratum_row]
    if not np.all(np.isfinite(w)):
        raise DesignError(
            "weights cannot be computed from fpc given as sampling fractions of 0; give weights"
        )
    return w


def check_weights(data: pd.DataFrame, weights: str) -> np.ndarray:
    """Sampling weights from a column: numeric, finite and strictly positive."""
    w = _numeric(column(data, weights, "weights"), "weights")
    bad = np.flatnonzero(~(w > 0) | ~np.isfinite(w))
    if len(bad):
        raise DesignError(
            f"weights column {weights!r}: {len(bad)} weights are zero, negative "
            f"or infinite (first at row {int(bad[0])}: {w[bad[0]]!r})"
        )
    return w


def degrees_of_freedom(stage: Stage, active: np.ndarray) -> int:
    """R's ``degf``: PSUs minus strata among the rows with a nonzero weight."""
    units = stage.unit[active]
    if len(units) == 0:
        return 0
    n_psu = int(np.count_nonzero(np.bincount(units, minlength=stage.n_units)))
    strata = stage.stratum_of_unit[units]
    n_str = int(np.count_nonzero(np.bincount(strata, minlength=stage.n_strata)))
    return n_psu - n_str
