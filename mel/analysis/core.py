"""Shared machinery of the estimators: domains, ratios of totals, df, design effects.

Every estimator here is a ratio of weighted totals per domain (a mean is a ratio to the
domain size, a proportion the mean of an indicator, a total a ratio with denominator one).
:func:`ratio_stat` returns the estimates of all domains at once with their full
covariance matrix, by linearisation (Woodruff 1971; Binder 1983) or by replicate weights,
so that ``by=`` costs one pass over the data whatever the number of domains.

Rows outside a domain, or with a missing value, keep their place with a zero score (the
"domain as subpopulation" rule of Cochran 1977, 2.13, and R's ``svyby``).

References
----------
Woodruff, R. S. (1971). A simple method for approximating the variance of a complicated
estimate. *JASA* 66, 411-414.
Binder, D. A. (1983). On the variances of asymptotically normal estimators from complex
surveys. *International Statistical Review* 51, 279-292.
Kish, L. (1965). *Survey Sampling*. Wiley (design effects, 8.2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mel.analysis.errors import DesignError
from mel.analysis.variance import OneHot, Scores

if TYPE_CHECKING:
    from mel.analysis.design import Design


@dataclass(frozen=True)
class Domains:
    """Domain membership: ``codes[i]`` in 0..size-1, or -1 for rows in no domain."""

    codes: np.ndarray
    keys: tuple[Any, ...]
    by: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.keys)


@dataclass(frozen=True)
class Stat:
    """Estimates of several quantities, their covariance and (replicate designs) the
    replicate estimates, shape (replicates, quantities)."""

    estimate: np.ndarray
    cov: np.ndarray
    replicates: np.ndarray | None = None


def as_key(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _factorize(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes (-1 for missing) and sorted levels; small non-negative integers skip hashing."""
    arr = values.to_numpy()
    if arr.dtype.kind in "iu" and len(arr) and arr.min() >= 0 and arr.max() < 1_000_000:
        seen = np.bincount(arr) > 0
        levels = np.flatnonzero(seen)
        lookup = np.cumsum(seen) - 1
        return lookup[arr], levels
    codes, found = pd.factorize(values, sort=True)
    return codes.astype(np.int64), np.asarray(found)


def domains(design: Design, by: str | Sequence[str] | None) -> Domains:
    """Domains of ``by`` among the rows with a nonzero weight, in sorted order.

    Rows with a missing ``by`` value belong to no domain (code -1), as in R's ``svyby``.
    """
    key = ("domains", by if by is None or isinstance(by, str) else tuple(by))
    return design.cached(key, lambda: _domains(design, by))


def _domains(design: Design, by: str | Sequence[str] | None) -> Domains:
    n = design.n
    if by is None:
        return Domains(np.zeros(n, np.int64), (None,), ())
    names = (by,) if isinstance(by, str) else tuple(by)
    data = design.data
    uniques, radix = [], 1
    joint: np.ndarray | None = None
    for name in names:
        if name not in data.columns:
            raise DesignError(f"by column {name!r} is not in the data")
        codes, levels = _factorize(data[name])
        if joint is None:
            joint = codes
        else:  # mixed radix; a missing value anywhere makes the joint code -1
            joint = np.where((joint < 0) | (codes < 0), -1, joint * len(levels) + codes)
        radix *= len(levels)
        uniques.append(levels)
    assert joint is not None
    # domains are those with a nonzero weight (as svyby); rows of the sample without
    # weight (nonrespondents of a nonresponse adjustment) still belong to theirs
    if radix <= 10_000_000:
        seen = np.bincount(np.where(design.positive, joint + 1, 0), minlength=radix + 1)[1:] > 0
        present = np.flatnonzero(seen)
        lookup = np.append(np.where(seen, np.cumsum(seen) - 1, -1), -1)  # [-1] -> -1
        codes = lookup[joint]
    else:
        present = np.unique(joint[design.positive & (joint >= 0)])
        pos = np.minimum(np.searchsorted(present, joint), len(present) - 1)
        codes = np.where((joint >= 0) & (present[pos] == joint), pos, -1)
    if not design.support.all():
        codes = np.where(design.support, codes, -1)
    keys = []
    for value in present.tolist():
        parts = []
        for levels in reversed(uniques):
            value, code = divmod(int(value), len(levels))
            parts.append(as_key(levels[code]))
        parts.reverse()
        keys.append(parts[0] if len(parts) == 1 else tuple(parts))
    return Domains(codes, tuple(keys), names)


def numeric_column(design: Design, name: str) -> np.ndarray:
    """An analysis variable as floats (NaN for missing); error if absent or not numeric."""
    data = design.data
    if name not in data.columns:
        raise DesignError(f"column {name!r} is not in the data")
    col = data[name]
    if pd.api.types.is_bool_dtype(col):
        return col.to_numpy(dtype=float)
    if not pd.api.types.is_numeric_dtype(col):
        raise DesignError(
            f"column {name!r} is not numeric ({col.dtype}); use proportion() for categories"
        )
    return col.to_numpy(dtype=float, na_value=np.nan)


def gsum(codes: np.ndarray | None, values: np.ndarray, size: int) -> np.ndarray:
    """Sums of ``values`` per domain code (``codes=None``: one domain)."""
    if codes is None:
        return np.array([values.sum()])
    return np.bincount(codes, weights=values, minlength=size)


def take(per_domain: np.ndarray, codes: np.ndarray | None) -> np.ndarray | float:
    """Each row's domain value of a per-domain array (a scalar for one domain)."""
    return per_domain[0] if codes is None else per_domain[codes]


def column_totals(x: Scores) -> np.ndarray:
    if isinstance(x, OneHot):
        return gsum(x.cols, x.values, x.p)
    return x.sum(axis=0)


def ratio_stat(
    design: Design, num: Scores, den: Scores | None, present: np.ndarray | None = None
) -> Stat:
    """Ratios of totals ``sum(num_j) / sum(den_j)`` (totals if ``den`` is None).

    ``num`` and ``den`` are weighted values (weight times variable), laid out alike.
    """
    tn = column_totals(num)
    td = column_totals(den) if den is not None else np.ones_like(tn)
    with np.errstate(divide="ignore", invalid="ignore"):
        est = tn / td
    if design.replicate_weights is not None:
        reps = design.replicate_weights.totals(num)
        if den is not None:
            with np.errstate(divide="ignore", invalid="ignore"):
                reps = reps / design.replicate_weights.totals(den)
        return Stat(est, design.replicate_weights.variance(reps, est), reps)
    if den is None:
        infl: Scores = num
    elif isinstance(num, OneHot):
        assert isinstance(den, OneHot)
        with np.errstate(divide="ignore", invalid="ignore"):
            values = (num.values - take(est, num.cols) * den.values) / take(td, num.cols)
        infl = OneHot(values, num.cols, num.p)
    else:
        assert isinstance(den, np.ndarray)
        with np.errstate(divide="ignore", invalid="ignore"):
            infl = (num - den * est) / td
    cov = design.taylor_cov(infl, present)
    return Stat(est, cov, None)


def domain_df(design: Design, active: np.ndarray, dom: Domains) -> np.ndarray:
    """Design df of each domain over the ``active`` rows (R's ``degf`` of the subset)."""
    if active is design.support:  # the usual case: remember it per design and domains
        return design.cached(("df", dom.by), lambda: _domain_df(design, active, dom))
    return _domain_df(design, active, dom)


def _domain_df(design: Design, active: np.ndarray, dom: Domains) -> np.ndarray:
    if not dom.by and active is design.support:
        return np.array([design.df])
    if design.replicate_weights is not None:
        keep = active & (dom.codes >= 0)
        return np.array(
            [design.replicate_weights.df(keep & (dom.codes == d)) for d in range(dom.size)],
            dtype=float,
        )
    stage = design.stages[0]
    n_units, strat = stage.n_units, stage.stratum_of_unit
    if not dom.by:
        present = np.zeros(n_units, bool)
        present[stage.unit[active]] = True
        n_strata = np.count_nonzero(np.bincount(strat[present], minlength=stage.n_strata))
        return np.array([float(present.sum() - n_strata)])
    size = dom.size
    if size * n_units <= 5_000_000:
        # which units, and which strata, each domain reaches (a unit lies in one stratum)
        keep = active & (dom.codes >= 0)
        codes, units = dom.codes[keep], stage.unit[keep]
        units_seen = np.bincount(codes * n_units + units, minlength=size * n_units)
        strata_seen = np.bincount(
            codes * stage.n_strata + strat[units], minlength=size * stage.n_strata
        )
        psus = np.count_nonzero(units_seen.reshape(size, n_units), axis=1)
        n_strata = np.count_nonzero(strata_seen.reshape(size, stage.n_strata), axis=1)
        return (psus - n_strata).astype(float)
    keep = active & (dom.codes >= 0)
    codes, units = dom.codes[keep], stage.unit[keep]
    psus = np.bincount(np.unique(codes * n_units + units) // n_units, minlength=size)
    strata = np.bincount(
        np.unique(codes * stage.n_strata + strat[units]) // stage.n_strata, minlength=size
    )
    return (psus - strata).astype(float)


def design_effect(
    var: np.ndarray, s2: np.ndarray, wsum: np.ndarray, n: np.ndarray, kind: str
) -> np.ndarray:
    """Kish's deff as R ``survey``: var over the SRS-without-replacement variance."""
    with np.errstate(divide="ignore", invalid="ignore"):
        vsrs = s2 * (wsum - n) / (wsum * n)
        if kind == "mean":
            vsrs = np.where(wsum < n, np.nan, vsrs)
        else:
            vsrs = vsrs * wsum**2
        return var / vsrs
