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
from mel.analysis import greg
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


def with_column(design: Design, name: str, values: Any) -> Design:
    """See :meth:`Design.with_column`."""
    # by position (a Series's index is ignored); pandas arrays (categorical, text) kept
    array: Any
    if isinstance(values, pd.Series):
        array = values.array
    elif isinstance(values, pd.api.extensions.ExtensionArray):
        array = values
    else:
        array = np.asarray(values)
    if len(array) != design.n:
        raise DesignError(f"column {name!r} has {len(array)} values for {design.n} rows")
    return design._derive(data=design.data.assign(**{name: array}))


def reweighted(
    design: Design, w: np.ndarray, layer: Any, per_replicate: Callable[[np.ndarray], np.ndarray]
) -> Design:
    """The design re-weighted to ``w``: a Taylor design adds the variance ``layer`` (none:
    the new weights are taken as fixed), a replicate design re-weights every replicate."""
    rep = design.replicate_weights
    if rep is None and layer is None:
        return design._derive(w=w)
    if rep is None:
        return design._derive(w=w, layers=(*design.layers, layer), calibrated=True)
    old = rep.row_factors() * design.weights_view[:, None]
    new = np.column_stack([per_replicate(old[:, r]) for r in range(old.shape[1])])
    with np.errstate(divide="ignore", invalid="ignore"):
        factors = np.where(w[:, None] != 0, new / w[:, None], 0.0)
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
    return reweighted(
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

    return reweighted(design, w, layer, rake_replicate)


def response(design: Design, responded: str) -> np.ndarray:
    """The response indicator as 0.0/1.0 (error unless 0/1 or boolean, without NA)."""
    if responded not in design.data.columns:
        raise DesignError(f"responded column {responded!r} is not in the data")
    r = design.data[responded]
    numeric = pd.api.types.is_numeric_dtype(r) or pd.api.types.is_bool_dtype(r)
    if not numeric or r.isna().any() or not set(pd.unique(r.astype(float))) <= {0.0, 1.0}:
        raise DesignError(
            f"responded column {responded!r} must be 0/1 or boolean without missing values"
        )
    return r.to_numpy(dtype=float)


def calibrate(
    design: Design,
    population: greg.Population,
    *,
    size: float | None,
    calfun: str,
    bounds: tuple[float, float],
    maxit: int,
    epsilon: float,
    force: bool,
) -> Design:
    """See :meth:`Design.calibrate`."""
    if calfun not in greg.CALFUNS:
        raise DesignError(f"calfun must be one of {greg.CALFUNS}, got {calfun!r}")
    lower, upper = (float(b) for b in bounds)
    if not lower <= 1 <= upper:
        raise DesignError(
            f"bounds must contain 1 (they bound g = new / old weight), got {bounds!r}"
        )
    model = greg.model_matrix(design.data, population, size)

    def factors(old: np.ndarray, strict: bool) -> np.ndarray:
        g, failed = greg.calibration_factors(
            model.matrix,
            old,
            model.totals,
            calfun=calfun,
            bounds=(lower, upper),
            epsilon=epsilon,
            maxit=maxit,
        )
        if failed and strict and not force:
            raise DesignError(
                f"calibration did not converge in {maxit} iterations (misfit "
                f"{failed:.3g}); loosen the bounds, or pass force=True"
            )
        if failed:
            warnings.warn(
                f"calibration did not converge (misfit {failed:.3g})", DesignWarning, stacklevel=5
            )
        return g

    w0 = design.weights_view
    g = factors(w0, True)
    return reweighted(
        design, w0 * g, greg.GregLayer.build(model.matrix, w0, g), lambda a: a * factors(a, False)
    )


def adjust_nonresponse(
    design: Design, responded: str, classes: str | Sequence[str] | None, *, within_strata: bool
) -> Design:
    """See :meth:`Design.adjust_nonresponse`."""
    data = design.data
    resp = response(design, responded)
    names = [] if classes is None else ([classes] if isinstance(classes, str) else list(classes))
    cells, keys = cal.cell_codes(data, names) if names else (np.zeros(design.n, np.int64), [()])
    if within_strata:
        st = design.stages[0]
        strat = st.stratum_of_unit[st.unit]
        codes, uniq = pd.factorize(strat * len(keys) + cells, sort=True)
        cells = codes.astype(np.int64)
        keys = [(st.labels[int(u) // len(keys)], keys[int(u) % len(keys)]) for u in uniq]
    w0 = design.weights_view
    w = cal.nonresponse_weights(w0, resp, cells, keys)
    return reweighted(
        design,
        w,
        cal.NonresponseLayer(cells, w0, w),
        lambda a: cal.nonresponse_weights(a, resp, cells, keys, strict=False),
    )


def replicate(design: Design, method: str, *, replicates: int, seed: int | None) -> Design:
    """See :meth:`Design.replicate`."""
    if design.replicate_weights is not None:
        raise DesignError("this design already has replicate weights")
    if design.pps is not None:
        raise DesignError(
            "replicate weights are not available for pps designs (R's "
            "as.svrepdesign would ignore the inclusion probabilities); use "
            "the Taylor variance"
        )
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
