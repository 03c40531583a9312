"""The derived designs of a design: subsets, calibration, nonresponse, replicates.

Kept apart from the design's construction (as :mod:`mel.analysis.questions` keeps the
estimators) so that each reads on its own; every method returns a new
:class:`~mel.analysis.design.Design` and delegates to the module that implements it
(:mod:`mel.analysis.adjust`, :mod:`mel.analysis.calibration`, :mod:`mel.analysis.greg`,
:mod:`mel.analysis.propensity`), whose docstring gives the references.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from mel.analysis import adjust

if TYPE_CHECKING:
    from mel.analysis.design import Design
    from mel.analysis.greg import Population


class Reweighting:
    """Mixin of :class:`~mel.analysis.design.Design`: the methods that re-weight it."""

    def subset(self, mask: Any) -> Design:
        """The domain where ``mask`` is true; other rows stay, with weight zero.

        ``mask`` is a boolean array or Series of the data's length (NaN counts as false),
        or the name of a boolean column.
        """
        return adjust.subset(cast("Design", self), mask)

    def with_column(self, name: str, values: Any) -> Design:
        """The same design with one more column (or one replaced) in its data.

        ``values`` has one value per row of the data, in its order. Weights, stages and
        calibration stay as they are, so a domain column added this way costs no rebuild
        of the design (R: ``update(design, name = values)``).
        """
        return adjust.with_column(cast("Design", self), name, values)

    def poststratify(
        self,
        by: str | Sequence[str],
        population: Mapping[Any, float],
        *,
        partial: bool = False,
    ) -> Design:
        """Post-stratify to known population counts (R ``postStratify``).

        Parameters
        ----------
        by : str or sequence of str
            The post-stratification column(s).
        population : mapping
            Population count of each cell: keyed by value, or by tuple of values for
            several columns.
        partial : bool
            Allow population cells without sampled rows (they are ignored).
        """
        return adjust.poststratify(cast("Design", self), by, population, partial=partial)

    def rake(
        self,
        margins: Mapping[str, Mapping[Any, float]],
        *,
        maxit: int = 10,
        epsilon: float = 1.0,
    ) -> Design:
        """Rake to known margins (R ``rake``): ``{"stype": {"E": 4421, ...}, ...}``.

        Stops, as R, when no cell of the joint table moves by ``epsilon`` (an absolute
        weight if >= 1, else a fraction of the total weight) or after ``maxit`` sweeps
        (with a :class:`DesignWarning`).
        """
        return adjust.rake(cast("Design", self), margins, maxit=maxit, epsilon=epsilon)

    def calibrate(
        self,
        population: Population,
        *,
        size: float | None = None,
        calfun: str = "linear",
        bounds: tuple[float, float] = (-math.inf, math.inf),
        maxit: int = 50,
        epsilon: float = 1e-7,
        force: bool = False,
    ) -> Design:
        """Calibrate to known population totals (R ``calibrate``; :mod:`mel.analysis.greg`).

        Parameters
        ----------
        population : mapping
            The known totals. A mapping value is a categorical margin: the population
            count of every level of that column (a tuple key: of every cell of several
            columns). A number is the population total of a numeric column. Example:
            ``{"stype": {"E": 4421, "H": 755, "M": 1018}, "enroll": 3811472}`` is R's
            ``calibrate(d, ~stype + enroll, c(6194, 755, 1018, 3811472))``.
        size : float, optional
            The population size: adds an intercept (implied by categorical margins,
            which must then sum to it). Without it and without categorical margins the
            model has no intercept (R's ``~ x - 1``).
        calfun : {"linear", "raking"}
            Linear (GREG) or raking (exponential) calibration.
        bounds : (float, float)
            Bounds on g, the ratio of calibrated to original weight (R's ``bounds``).
        maxit, epsilon : int, float
            Newton iterations allowed and the convergence tolerance on
            |misfit| / (1 + |total|), as R.
        force : bool
            Return the last iterate (with a :class:`DesignWarning`) when calibration
            does not converge, instead of raising a :class:`DesignError`.

        Returns
        -------
        Design
            Variances use the calibration residuals (Taylor) or re-calibrated replicates.
        """
        return adjust.calibrate(
            cast("Design", self),
            population,
            size=size,
            calfun=calfun,
            bounds=bounds,
            maxit=maxit,
            epsilon=epsilon,
            force=force,
        )

    def adjust_nonresponse(
        self,
        responded: str,
        classes: str | Sequence[str] | None = None,
        *,
        within_strata: bool = True,
    ) -> Design:
        """Weighting-class nonresponse adjustment (see :mod:`mel.analysis.calibration`).

        ``responded`` is a 0/1 or boolean column; respondents' weights are multiplied by
        the sampled over the responding weight of their class (the cells of ``classes``,
        within strata unless ``within_strata=False``); nonrespondents get weight zero
        but stay in the design for the variance and the degrees of freedom.
        """
        return adjust.adjust_nonresponse(
            cast("Design", self), responded, classes, within_strata=within_strata
        )

    def adjust_propensity(
        self, responded: str, covariates: str | Sequence[str], *, classes: int | None = None
    ) -> Design:
        """Nonresponse adjustment by estimated response propensities.

        A survey-weighted logistic regression of ``responded`` (0/1) on ``covariates``
        (column names or a formula right-hand side, e.g. ``"stype + meals"``) over the
        sampled units gives each unit's propensity p; respondents' weights are divided
        by p, or (``classes=5``) adjusted within propensity quintiles. Propensities are
        treated as fixed in Taylor variances of the first kind; see
        :mod:`mel.analysis.propensity` for exactly what the variance includes.
        """
        from mel.analysis.propensity import adjust_propensity

        return adjust_propensity(cast("Design", self), responded, covariates, classes=classes)

    def replicate(
        self, method: str = "jk1", *, replicates: int = 50, seed: int | None = None
    ) -> Design:
        """The same design with replicate-weight variance (R ``as.svrepdesign``).

        ``method`` is ``"jk1"`` (unstratified), ``"jkn"`` (stratified) or
        ``"bootstrap"`` (``replicates`` resamples; ``seed`` for repeatability). Only the
        first-stage fpc is used, as in R. Calibrate after replicating, not before.
        """
        return adjust.replicate(cast("Design", self), method, replicates=replicates, seed=seed)
