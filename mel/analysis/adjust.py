"""Designs derived by re-weighting: calibration, nonresponse adjustment, replicates.

The weight computations and variance layers are in :mod:`mel.analysis.calibration` and
:mod:`mel.analysis.replicate`; this module applies them to a
:class:`~mel.analysis.design.Design` and returns the new design. For a replicate design
every replicate is re-weighted the same way (Wolter 2007, 4.4; R ``survey`` does so for
``postStratify`` and ``rake`` of ``svyrep.design`` objects), so the replicate variance
includes the calibration.

References
----------
Wolter, K. M. (2007). *Introduction to Variance Estimation*, 2nd ed. Springer.
Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*, ch. 7.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mel.analysis import calibration as cal
from mel.analysis.errors import DesignError, DesignWarning
from mel.analysis.replicate import ReplicateWeights, make_replicates

if TYPE_CHECKING:
    from mel.analysis.design import Design


def subset(design: Design, mask: Any) -> Design:
    """See :meth:`Design.subset`."""
    if isinstance(mask, str):
        if mask not in design.data.columns:
            raise DesignError(f"subset column {mask!r} is not in the data")
        mask = design.data[mask]
    values = pd.Series(mask).to_numpy()
    if len(values) != design.n:
        raise DesignError(f"subset mask has {len(values)} values for {design.n} rows")
    keep = pd.Series(values).fillna(False).astype(bool).to_numpy()
    w = np.where(keep, design.weights_view, 0.0)
    rep = design.replicate_weights
    return design._derive(
        w=w, rep=rep.with_weights(w) if rep is not None else None, support=design.support & keep
    )


def _calibrated(
    design: Design, w: np.ndarray, layer: Any, per_replicate: Callable[[np.ndarray], np.ndarray]
) -> Design:
    rep = design.replicate_weights
    if rep is None:
        return design._derive(w=w, layers=(*design.layers, layer), calibrated=True)
    old = rep.row_factors() * design.weights_view[:, None]
    new = np.column_stack([per_replicate(old[:, r]) for r in range(old.shape[1])])
    with np.errstate(divide="ignore", invalid="ignore"):
        factors = np.where(w[:, None] > 0, new / w[:, None], 0.0)
    return design._derive(
        w=w, rep=ReplicateWeights(rep.method, factors, None, rep.scale, rep.rscales, w, rep.mse)
    )


def poststratify(
    design: Design,
    by: str | Sequence[str],
    population: Mapping[Any, float],
    *,
    partial: bool = False,
) -> Design:
    """See :meth:`Design.poststratify`."""
    names = [by] if isinstance(by, str) else list(by)
    cells, keys = cal.cell_codes(design.data, names)
    w0 = design.weights_view
    w = cal.poststratify_weights(w0, cells, keys, population, by=names, partial=partial)
    return _calibrated(
        design,
        w,
        cal.PostStratLayer(cells, w0, w),
        lambda a: cal.poststratify_weights(a, cells, keys, population, by=names, partial=partial),
    )


def rake(
    design: Design, margins: Mapping[str, Mapping[Any, float]], *, maxit: int, epsilon: float
) -> Design:
    """See :meth:`Design.rake`."""
    specs = [(*cal.cell_codes(design.data, [name]), pop) for name, pop in margins.items()]
    w, layer, sweeps = cal.rake_weights(
        design.weights_view, specs, list(margins), maxit=maxit, epsilon=epsilon
    )

    def rake_replicate(a: np.ndarray) -> np.ndarray:
        for _ in range(sweeps):  # as many sweeps as the full-sample weights took
            for (cells, keys, pop), name in zip(specs, margins, strict=True):
                a = cal.poststratify_weights(a, cells, keys, pop, by=[name])
        return a

    return _calibrated(design, w, layer, rake_replicate)


def adjust_nonresponse(
    design: Design, responded: str, classes: str | Sequence[str] | None, *, within_strata: bool
) -> Design:
    """See :meth:`Design.adjust_nonresponse`."""
    data = design.data
    if responded not in data.columns:
        raise DesignError(f"responded column {responded!r} is not in the data")
    r = data[responded]
    if r.isna().any() or not set(pd.unique(r.astype(float))) <= {0.0, 1.0}:
        raise DesignError(
            f"responded column {responded!r} must be 0/1 or boolean without missing values"
        )
    names = [] if classes is None else ([classes] if isinstance(classes, str) else list(classes))
    cells, keys = cal.cell_codes(data, names) if names else (np.zeros(design.n, np.int64), [()])
    if within_strata:
        st = design.stages[0]
        strat = st.stratum_of_unit[st.unit]
        codes, uniq = pd.factorize(strat * len(keys) + cells, sort=True)
        cells = codes.astype(np.int64)
        keys = [(st.labels[int(u) // len(keys)], keys[int(u) % len(keys)]) for u in uniq]
    resp = r.to_numpy(dtype=float)
    w0 = design.weights_view
    w = cal.nonresponse_weights(w0, resp, cells, keys)
    return _calibrated(
        design,
        w,
        cal.NonresponseLayer(cells, w0, w),
        lambda a: cal.nonresponse_weights(a, resp, cells, keys, strict=False),
    )


def replicate(design: Design, method: str, *, replicates: int, seed: int | None) -> Design:
    """See :meth:`Design.replicate`."""
    if design.replicate_weights is not None:
        raise DesignError("this design already has replicate weights")
    if design.is_calibrated:
        raise DesignError(
            "replicate the design first, then calibrate it (the replicates must be calibrated too)"
        )
    if len(design.stages) > 1 and design.has_fpc:
        warnings.warn(
            "replicate weights use the first-stage fpc only (as R's as.svrepdesign)",
            DesignWarning,
            stacklevel=3,
        )
    rep = make_replicates(
        design.stages,
        design.weights_view,
        method=method,
        strata_given=design.strata_column is not None,
        has_fpc=design.has_fpc,
        lonely_psu=design.lonely_psu,
        replicates=replicates,
        seed=seed,
    )
    return design._derive(rep=rep)
