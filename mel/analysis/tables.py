"""Rao–Scott tests of independence for two-way tables (R ``svychisq``).

Pearson's X² computed from the estimated cell proportions (scaled to the sample size) is
not chi-squared under a complex design. Rao & Scott (1984) divide it by the mean
generalised design effect of the interaction contrasts, delta = eigenvalues of
(C' D^-1 C)^-1 (C' D^-1 V D^-1 C) with V the design covariance of the cell proportions:

- ``statistic="F"`` (R's default, the second-order correction): F = X² / tr(Δ) on
  d0 = tr(Δ)²/tr(Δ²) and d0·ν degrees of freedom, ν the design df;
- ``statistic="Chisq"`` (first order): X² / mean(δ) against chi-squared on (r-1)(c-1)
  df. As R, the reported statistic is the uncorrected X².

References
----------
Rao, J. N. K. and Scott, A. J. (1984). On chi-squared tests for multiway contingency
tables with cell proportions estimated from survey data. *Annals of Statistics* 12, 46-60.
Thomas, D. R. and Rao, J. N. K. (1987). Small-sample comparisons of level and power for
simple goodness-of-fit statistics under cluster sampling. *JASA* 82, 630-636.
Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*, 6.1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from mel.analysis import dist
from mel.analysis.core import ratio_stat
from mel.analysis.errors import DesignError

if TYPE_CHECKING:
    from mel.analysis.design import Design

STATISTICS = ("F", "Chisq")


@dataclass(frozen=True)
class RaoScottResult:
    """Outcome of :func:`rao_scott`.

    Attributes
    ----------
    statistic : float
        F (``statistic="F"``) or Pearson's X² (``"Chisq"``; R reports it uncorrected).
    ndf, ddf : float
        Numerator and denominator df of F; for ``Chisq`` ``ndf`` is the chi-squared df
        and ``ddf`` is infinite.
    p_value : float
        The design-corrected p-value.
    chisq : float
        Pearson's X² of the estimated table scaled to the number of rows.
    mean_deff : float
        Mean generalised design effect, tr(Δ)/((r-1)(c-1)).
    table : pandas.DataFrame
        Estimated population counts (rows: levels of ``row``; columns: of ``col``).
    """

    statistic: float
    ndf: float
    ddf: float
    p_value: float
    chisq: float
    mean_deff: float
    method: str
    table: pd.DataFrame = field(repr=False)


def _interaction_contrasts(nr: int, nc: int) -> np.ndarray:
    """R's ``qr.resid(qr(X1), X12[, interactions])`` on expand.grid(rows, cols)."""
    r = np.tile(np.arange(nr), nc)
    c = np.repeat(np.arange(nc), nr)
    main = [np.ones(nr * nc)]
    main += [(r == i).astype(float) for i in range(1, nr)]
    main += [(c == j).astype(float) for j in range(1, nc)]
    x1 = np.column_stack(main)
    inter = np.column_stack(
        [((r == i) & (c == j)).astype(float) for j in range(1, nc) for i in range(1, nr)]
    )
    coef = np.linalg.lstsq(x1, inter, rcond=None)[0]
    return inter - x1 @ coef


def rao_scott(design: Design, row: str, col: str, *, statistic: str = "F") -> RaoScottResult:
    """Test the independence of two categorical columns in a design.

    Parameters
    ----------
    design : Design
        Taylor or replicate design; rows with a missing value in either column are left
        out of the cell proportions (as R's ``na.rm = TRUE``).
    row, col : str
        The two columns (each with at least two levels).
    statistic : {"F", "Chisq"}
        Second-order Rao–Scott F (default, as R) or the first-order corrected
        chi-squared.

    Returns
    -------
    RaoScottResult
    """
    if statistic not in STATISTICS:
        raise DesignError(f"statistic must be one of {STATISTICS}, got {statistic!r}")
    data = design.data
    for name in (row, col):
        if name not in data.columns:
            raise DesignError(f"table column {name!r} is not in the data")
    frame = design.frame_rows()
    rc, rlev = pd.factorize(data[row].where(frame), sort=True)
    cc, clev = pd.factorize(data[col].where(frame), sort=True)
    nr, nc = len(rlev), len(clev)
    if nr < 2 or nc < 2:
        raise DesignError(
            f"a two-way table needs two levels in each of {row!r} ({nr}) and {col!r} ({nc})"
        )
    k = nr * nc
    w = design.weights_view
    ok = frame & (rc >= 0) & (cc >= 0) & (w != 0)
    cell = np.where(ok, rc + nr * cc, 0)
    wv = np.where(ok, w, 0.0)
    num = np.zeros((design.n, k))
    num[np.arange(design.n), cell] = wv
    den = np.repeat(wv[:, None], k, axis=1)
    stat = ratio_stat(design, num, den, present=ok)
    mean2, v = stat.estimate, stat.cov
    n_rows = int(frame.sum())
    if design.replicate_weights is not None:
        nu = design.df
    else:
        st = design.stages[0]
        units = st.unit[frame]
        nu = len(np.unique(units)) - len(np.unique(st.stratum_of_unit[units]))
    counts = np.bincount(cell[ok], weights=wv[ok], minlength=k).reshape(nc, nr).T
    observed = counts * n_rows / counts.sum()
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / observed.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        chisq = float(np.sum((observed - expected) ** 2 / expected))
        idm = np.where(mean2 == 0, 0.0, 1 / mean2)
    cmat = _interaction_contrasts(nr, nc)
    denom = cmat.T @ (cmat * (idm / n_rows)[:, None])
    numr = (cmat * idm[:, None]).T @ v @ (cmat * idm[:, None])
    delta = np.linalg.solve(denom, numr)
    tr, tr2 = float(np.trace(delta)), float(np.trace(delta @ delta))
    d0 = tr**2 / tr2 if tr2 > 0 else math.nan
    table = pd.DataFrame(counts, index=pd.Index(rlev, name=row), columns=pd.Index(clev, name=col))
    dof = (nr - 1) * (nc - 1)
    if statistic == "F":
        f = chisq / tr
        return RaoScottResult(
            f,
            d0,
            d0 * nu,
            float(dist.f_sf(f, d0, d0 * nu)),
            chisq,
            tr / dof,
            "Rao-Scott F (second order)",
            table,
        )
    p = float(dist.chi2_sf(chisq / (tr / dof), dof))
    return RaoScottResult(
        chisq,
        float(dof),
        math.inf,
        p,
        chisq,
        tr / dof,
        "Rao-Scott chi-squared (first order)",
        table,
    )
