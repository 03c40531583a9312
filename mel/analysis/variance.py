"""Taylor-linearisation variance for stratified multistage designs.

Given the influence values (linearised scores, already multiplied by the weights) of one
or more estimates, the covariance matrix is the with-replacement or finite-population
variance of their unit totals, computed stage by stage as R ``survey``'s ``svyrecvar``
does (Lumley 2010, appendix C; Cochran 1977, ch. 10-11; Wolter 2007, ch. 6):

    V = sum_k  sum_h  m_kh * f_kh * n_kh / (n_kh - 1) * sum_i (t_khi - tbar_kh)(...)'

where stage k's strata h are the units of stage k-1 (stage 1: the design strata), n_kh
the units sampled in h, f_kh = (N_kh - n_kh) / N_kh the fraction not sampled (1 without
fpc), t_khi the unit totals and m_kh the product of the sampling fractions n/N of the
earlier stages. Later stages only contribute when fpc is given (otherwise the first stage
is the ultimate cluster). For an unequal-probability stage sampled without replacement,
Brewer's approximation replaces f_kh by 1 - pi_i per unit and m_kh by the product of the
earlier units' pi (R's ``svydesign(..., pps = "brewer")``; see :mod:`mel.analysis.pps`).
Strata with one unit follow ``lonely_psu`` (R's ``options(survey.lonely.psu)``):
``adjust`` centres them at the grand mean (zero, as the scores sum to zero),
``remove``/``certainty`` drop them, ``average`` scales the others up.

Domains need no special code: rows outside a domain have zero scores but keep their units
and strata, which is exactly R's treatment (the number of sampled units per stratum is
that of the whole design).

Calibrated designs first replace the scores by their residuals from the calibration
(:mod:`mel.analysis.calibration`), as ``svyrecvar`` does for ``postStratify``/``rake``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from scipy import sparse

from mel.analysis.structure import Stage

#: above this many unit-by-column cells, unit totals are kept sparse
DENSE_LIMIT = 4_000_000


@dataclass(frozen=True)
class OneHot:
    """Scores with one nonzero column per row: ``values[i]`` goes in column ``cols[i]``
    (``cols=None``: a single column).

    This is how domain estimates look (each row belongs to one domain) and lets the unit
    totals be a single ``np.bincount`` instead of ``p`` of them.
    """

    values: np.ndarray
    cols: np.ndarray | None
    p: int

    def dense(self) -> np.ndarray:
        if self.cols is None:
            return self.values[:, None].astype(float)
        out = np.zeros((len(self.values), self.p))
        out[np.arange(len(self.values)), self.cols] = self.values
        return out


Scores = np.ndarray | OneHot


class Layer(Protocol):
    """A calibration step whose variance is that of residuals of the scores."""

    def residualize(self, x: np.ndarray) -> np.ndarray: ...


def _ncols(x: Scores) -> int:
    return x.p if isinstance(x, OneHot) else x.shape[1]


def group_sums(x: Scores, group: np.ndarray, n_groups: int) -> np.ndarray:
    """Sums of the score columns within groups of rows, shape (n_groups, p)."""
    if isinstance(x, OneHot):
        if x.cols is None:
            return np.bincount(group, weights=x.values, minlength=n_groups)[:, None]
        flat = np.bincount(group * x.p + x.cols, weights=x.values, minlength=n_groups * x.p)
        return flat.reshape(n_groups, x.p)
    out = np.empty((n_groups, x.shape[1]))
    for j in range(x.shape[1]):
        out[:, j] = np.bincount(group, weights=x[:, j], minlength=n_groups)
    return out


def crossprod(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a' b. Small products avoid BLAS, whose threads stall on a busy machine (a 1e6-long
    dot product took 8-16 ms instead of 0.5 ms with two cores under load)."""
    if a.shape[0] * a.shape[1] * b.shape[1] <= 10_000_000:
        return np.einsum("ij,ik->jk", a, b)
    return a.T @ b


def _stage_cov(x: Scores, stage: Stage, unit_scale: np.ndarray, centre: np.ndarray) -> np.ndarray:
    """sum_h sum_i s_i (t_hi - c_h * tbar_h)(t_hi - c_h * tbar_h)' for one stage.

    ``unit_scale`` (s_i) is per unit (a stratum's factor, or Brewer's per-unit one) and
    ``centre`` per stratum (1 to centre, 0 for R's 'adjust' lonely strata); ``tbar_h`` is
    the stratum total divided by the units sampled there.
    """
    p = _ncols(x)
    strat = stage.stratum_of_unit
    if stage.n_units * p <= DENSE_LIMIT:
        totals = group_sums(x, stage.unit, stage.n_units)
        sums = group_sums(totals, strat, stage.n_strata)
        means = sums / stage.sampled[:, None] * centre[:, None]
        dev = totals - means[strat]
        return crossprod(dev * unit_scale[:, None], dev)
    row_strat = strat[stage.unit]
    sums = group_sums(x, row_strat, stage.n_strata)
    means = sums / stage.sampled[:, None] * centre[:, None]
    # many units (element sampling of a large frame): with S1_h = sum_i s_i t_i and
    # S0_h = sum_i s_i, sum_i s_i (t_i - m)(t_i - m)' = sum s t t' - m S1' - S1 m' + S0 m m'
    row_scale = unit_scale[stage.unit]
    if isinstance(x, OneHot):
        cols = x.cols if x.cols is not None else np.zeros(len(x.values), np.int64)
        t = sparse.csr_matrix((x.values, (stage.unit, cols)), shape=(stage.n_units, p))
        scaled: Scores = OneHot(x.values * row_scale, x.cols, x.p)
    else:
        t = sparse.csr_matrix(group_sums(x, stage.unit, stage.n_units))
        scaled = x * row_scale[:, None]
    gram = (t.T @ sparse.diags(unit_scale) @ t).toarray()
    s1 = group_sums(scaled, row_strat, stage.n_strata)
    s0 = np.bincount(strat, weights=unit_scale, minlength=stage.n_strata)
    cross = means.T @ s1
    return gram - cross - cross.T + (means * s0[:, None]).T @ means


def apply_layers(x: Scores, layers: Sequence[Layer]) -> Scores:
    """The scores replaced by their residuals from each calibration step in turn."""
    if not layers:
        return x
    dense = x.dense() if isinstance(x, OneHot) else np.array(x, dtype=float)
    for layer in layers:
        dense = layer.residualize(dense)
    return dense


def taylor_cov(
    x: Scores,
    stages: Sequence[Stage],
    *,
    lonely_psu: str,
    layers: Sequence[Layer] = (),
    present: np.ndarray | None = None,
) -> np.ndarray:
    """Covariance matrix of the totals of the score columns (R ``svyrecvar``).

    Parameters
    ----------
    x : ndarray (n, p) or OneHot
        Weighted scores (influence values); zero for rows outside the estimate's domain.
    stages : sequence of Stage
        The design's stages; later stages are used only when every stage has an fpc.
    lonely_psu : str
        Rule for strata with one sampled unit (see module docstring).
    layers : sequence of calibration layers
        Applied in order to the scores before aggregation.
    present : ndarray of bool, optional
        Rows that R's subsetted design would still contain; only the ``average`` rule uses
        it, to count the strata present (default: all rows).
    """
    x = apply_layers(x, layers)
    p = _ncols(x)
    cov = np.zeros((p, p))
    multiplier: np.ndarray | None = None
    for k, stage in enumerate(stages):
        if k > 0 and not all(s.has_fpc for s in stages):
            break
        n_h = stage.sampled
        strat = stage.stratum_of_unit
        lonely = n_h == 1
        census = stage.census()
        with np.errstate(divide="ignore", invalid="ignore"):
            factor_n = np.where(lonely, 1.0, n_h / (n_h - 1))
        unit_scale = stage.unit_fraction_remaining() * factor_n[strat]
        centre = np.where(lonely & (lonely_psu == "adjust") & ~census, 0.0, 1.0)
        if multiplier is not None:
            unit_scale = unit_scale * multiplier[strat]
        missing = lonely & ~census & (lonely_psu == "average")
        if missing.any() and k > 0:
            # R divides a zero sum by zero ok strata for such a PSU: the variance is NaN
            return np.full((p, p), math.nan)
        if missing.any():
            rows = present if present is not None else np.ones(len(stage.unit), bool)
            here = np.bincount(strat[stage.unit[rows]], minlength=stage.n_strata) > 0
            n_ok = int(np.count_nonzero(here & ~missing))
            factor = int(np.count_nonzero(here)) / n_ok if n_ok else math.nan
        else:
            factor = 1.0
        unit_scale = np.where((census | missing)[strat], 0.0, unit_scale)
        cov += _stage_cov(x, stage, unit_scale, centre) * factor
        # the next stage's strata are this stage's units: carry their n/N (pps: pi)
        unit_mult = stage.unit_sampling_fraction()
        if multiplier is not None:
            unit_mult = unit_mult * multiplier[strat]
        multiplier = unit_mult
    return cov
