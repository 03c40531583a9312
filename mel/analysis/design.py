"""The survey design: define it once, then ask it questions (as R's ``svydesign``).

A :class:`Design` binds a DataFrame to its sampling design: weights, strata, clusters for
one or two stages and the finite-population correction per stage, or the inclusion
probabilities of an unequal-probability (pps) sample. It is immutable; every method that
changes it (``subset``, ``poststratify``, ``rake``, ``calibrate``, ``adjust_nonresponse``,
``adjust_propensity``, ``replicate``; see :mod:`mel.analysis.reweight`) returns a new
design. Estimates come back as
:class:`~mel.analysis.results.Estimate` (or an :class:`~mel.analysis.results.EstimateTable`
for ``by=`` domains) with standard errors from Taylor linearisation or replicate weights.

Semantics follow R ``survey`` 4.x (Lumley 2004, 2010): ``fpc`` is a population size per
stratum (values >= 1) or a sampling fraction (values <= 1); without weights they are
implied by the fpc; without fpc sampling is taken to be with replacement at the first
stage (the ultimate-cluster variance, Kalton 1979). Domains keep their out-of-domain rows
with weight zero.

References
----------
Lumley, T. (2004). Analysis of complex survey samples. *J. Statistical Software* 9(8).
Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*. Wiley.
Kalton, G. (1979). Ultimate cluster sampling. *JRSS A* 142, 210-222.
Cochran, W. G. (1977). *Sampling Techniques*, 3rd ed. Wiley.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from mel.analysis import pps as pps_methods
from mel.analysis.errors import DesignError
from mel.analysis.questions import Questions
from mel.analysis.replicate import ReplicateWeights
from mel.analysis.reweight import Reweighting
from mel.analysis.structure import Stage, base_weights, build_stages, check_lonely, check_weights
from mel.analysis.structure import degrees_of_freedom as _degf
from mel.analysis.variance import Scores, taylor_cov


def _names(spec: str | Sequence[str] | None) -> list[str] | None:
    return [spec] if isinstance(spec, str) else (list(spec) if spec is not None else None)


class Design(Questions, Reweighting):
    """A complex survey design over a DataFrame.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent (or sampled element).
    weights : str, optional
        Column of sampling weights (> 0). Default: implied by ``fpc``, else 1.
    strata : str, optional
        Column of first-stage strata. A second stage is stratified by the PSUs (as R's
        ``svydesign`` does with one strata column).
    psu : str, optional
        Column of primary sampling units (clusters). Default: each row is its own PSU.
    ssu : str, optional
        Column of second-stage units within PSUs (two-stage designs).
    fpc : str or sequence of str, optional
        Finite-population correction, one column per stage: population sizes (N_h, and
        for the second stage M_i per PSU) or sampling fractions.
    nest : bool
        PSU ids are only unique within strata (R's ``nest=TRUE``).
    lonely_psu : {"fail", "adjust", "average", "remove", "certainty"}
        What to do with strata holding one sampled unit (R's ``survey.lonely.psu``).
        ``fail`` (default) raises a :class:`DesignError` naming the stratum.
    probs : str or sequence of str, optional
        Inclusion probabilities, one column per stage (the second given the first).
        Without ``pps`` they only give the weights 1 / prod(probs), as R's ``probs=``.
    pps : str or HartleyRao, optional
        Unequal-probability sampling without replacement with this variance
        approximation (see :mod:`mel.analysis.pps`): ``"brewer"``, R's ``pps="brewer"``
        (one or two stages), or ``"hartley-rao"``, R's ``pps=HR(psum)`` (one stage;
        ``HartleyRao(psum=...)`` to give psum). The inclusion probabilities come from
        ``probs`` or, as in R, from ``fpc`` given as probabilities; the weights default
        to 1 / prod(probs).

    Examples
    --------
    >>> d = Design(df, weights="pw", strata="stype", fpc="fpc")      # doctest: +SKIP
    >>> d.mean("api00", by="stype").to_frame()                       # doctest: +SKIP
    >>> Design(election, probs="p", pps="brewer").total("Bush")     # doctest: +SKIP
    """

    # Set once per design by _set (a Design is immutable: see __setattr__).
    _data: pd.DataFrame
    _w: np.ndarray
    _positive: np.ndarray
    _support: np.ndarray
    _stages: tuple[Stage, ...]
    _lonely: str
    _layers: tuple[Any, ...]
    _calibrated: bool
    _rep: ReplicateWeights | None
    _has_fpc: bool
    _hr: pps_methods.HRVariance | None
    _pps: str | None
    _spec: dict[str, Any]
    _cache: dict[Any, Any]

    def __init__(
        self,
        data: pd.DataFrame,
        *,
        weights: str | None = None,
        strata: str | None = None,
        psu: str | None = None,
        ssu: str | None = None,
        fpc: str | Sequence[str] | None = None,
        nest: bool = False,
        lonely_psu: str = "fail",
        probs: str | Sequence[str] | None = None,
        pps: pps_methods.PPS | None = None,
    ) -> None:
        if not isinstance(data, pd.DataFrame):
            raise DesignError(f"data must be a pandas DataFrame, not {type(data).__name__}")
        if ssu is not None and psu is None:
            raise DesignError("ssu needs psu: give the first-stage clusters too")
        fpcs, prob_cols = _names(fpc), _names(probs)
        if pps is not None:
            prob_cols, fpcs = pps_methods.probability_columns(prob_cols, fpcs), None
        ids = [psu] if ssu is None else [psu, ssu]
        stages = build_stages(data, strata=strata, ids=ids, fpc=fpcs, nest=nest)
        hr = None
        if pps is not None:
            assert prob_cols is not None  # probability_columns above returned them
            stages, hr = pps_methods.setup(data, stages, prob_cols, pps, strata)
        if hr is None:
            check_lonely(stages, lonely_psu, strata)
        if weights is not None and prob_cols is not None and pps is None:
            raise DesignError("give weights or probs, not both (as R)")
        if weights is not None:
            w = check_weights(data, weights)
        elif prob_cols is not None and pps is None:
            w = 1 / np.prod(pps_methods.probabilities(data, prob_cols), axis=0)
        else:
            w = base_weights(stages, len(data), fpcs is not None or pps is not None)
        self._set(
            data=data.copy(deep=False),
            w=w,
            support=w > 0,
            stages=stages,
            lonely=lonely_psu,
            layers=(),
            calibrated=False,
            rep=None,
            has_fpc=fpcs is not None or pps is not None,
            hr=hr,
            pps=None if pps is None else ("brewer" if hr is None else "hartley-rao"),
            spec={
                "weights": weights,
                "strata": strata,
                "psu": psu,
                "ssu": ssu,
                "fpc": fpcs,
                "probs": prob_cols,
                "pps": pps,
                "nest": nest,
            },
        )

    # ------------------------------------------------------------------ plumbing
    def _set(self, **attrs: Any) -> None:
        if "w" in attrs:
            attrs["positive"] = attrs["w"] != 0
        attrs["cache"] = {}  # derived facts (domains, df) of this design only
        for key, value in attrs.items():
            if isinstance(value, np.ndarray):
                value.flags.writeable = False
            object.__setattr__(self, f"_{key}", value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a Design is immutable; its methods return new designs")

    def _derive(self, **attrs: Any) -> Design:
        new = copy.copy(self)
        new._set(**attrs)
        return new

    def __repr__(self) -> str:
        spec = ", ".join(f"{k}={v!r}" for k, v in self._spec.items() if v)
        kind = "Taylor" if self._rep is None else self._rep.method
        extra = ", calibrated" if self._calibrated else ""
        return (
            f"<Design {spec}: {self.n} rows, {self.n_psu} PSUs, {self.n_strata} strata, "
            f"df={self.df}, variance={kind}{extra}>"
        )

    # ------------------------------------------------------------------ properties
    @property
    def data(self) -> pd.DataFrame:
        """The data (do not modify it in place)."""
        return self._data

    @property
    def weights(self) -> np.ndarray:
        """The analysis weights (zero outside a subset or for nonrespondents); a copy."""
        return self._w.copy()

    @property
    def weights_view(self) -> np.ndarray:
        """The analysis weights, read-only (no copy)."""
        return self._w

    def cached(self, key: Any, compute: Any) -> Any:
        """``compute()``, remembered for this (immutable) design under ``key``."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    @property
    def positive(self) -> np.ndarray:
        """Rows with a nonzero weight (read-only)."""
        return self._positive

    @property
    def n(self) -> int:
        """Number of rows (including zero-weight rows)."""
        return len(self._w)

    @property
    def stages(self) -> tuple[Stage, ...]:
        return self._stages

    @property
    def n_psu(self) -> int:
        """Primary sampling units with a nonzero weight."""
        return int(np.count_nonzero(np.bincount(self._stages[0].unit[self._w != 0])))

    @property
    def n_strata(self) -> int:
        """First-stage strata with a nonzero weight."""
        st = self._stages[0]
        return int(np.count_nonzero(np.bincount(st.stratum_of_unit[st.unit[self._w != 0]])))

    @property
    def support(self) -> np.ndarray:
        """Rows in the sample (or subset) for the degrees of freedom: those with a nonzero
        weight, and the nonrespondents of a nonresponse adjustment (whose scores are not
        zero)."""
        return self._support

    @property
    def df(self) -> float:
        """Design degrees of freedom: #PSUs - #strata (replicates: rank - 1), as R's degf."""
        if self._rep is not None:
            return self.cached("df", lambda: self._rep.df(self._w != 0))
        return self.cached("df", lambda: float(_degf(self._stages[0], self._support)))

    @property
    def layers(self) -> tuple[Any, ...]:
        """Calibration steps whose residuals give the variance (Taylor designs)."""
        return self._layers

    @property
    def has_fpc(self) -> bool:
        return self._has_fpc

    @property
    def strata_column(self) -> str | None:
        return self._spec["strata"]

    @property
    def lonely_psu(self) -> str:
        return self._lonely

    @property
    def is_calibrated(self) -> bool:
        return self._calibrated

    @property
    def pps(self) -> str | None:
        """``"brewer"`` or ``"hartley-rao"`` for a pps design, else None."""
        return self._pps

    @property
    def keeps_rows(self) -> bool:
        """Whether R's subset of this (Taylor) design keeps every row at zero weight, as it
        does for calibrated and pps designs (it matters for R's row counts)."""
        return (self._calibrated or self._pps is not None) and self._rep is None

    @property
    def replicate_weights(self) -> ReplicateWeights | None:
        """The replicate weights of a replicate design (None for Taylor variance)."""
        return self._rep

    @property
    def variance_method(self) -> str:
        """``"taylor"`` or the replicate method (``"jk1"``, ``"jkn"``, ``"bootstrap"``)."""
        return "taylor" if self._rep is None else self._rep.method

    def frame_rows(self) -> np.ndarray:
        """Rows R's subsetted design object would still hold: all rows of a calibrated or
        pps Taylor design (R keeps them at zero weight), else the nonzero-weight rows."""
        if self.keeps_rows:
            return np.ones(self.n, bool)
        return self._w != 0

    def taylor_cov(self, x: Scores, present: np.ndarray | None = None) -> np.ndarray:
        """Linearisation covariance of the totals of weighted scores ``x``."""
        if self._hr is not None:
            return self._hr.cov(x, self._stages, self._layers)
        if present is None or self.keeps_rows:
            present = self.frame_rows()
        return taylor_cov(
            x, self._stages, lonely_psu=self._lonely, layers=self._layers, present=present
        )
