"""Quality grades for estimates: A–E from the coefficient of variation and the df.

Statistical offices publish a letter with every estimate so that readers see how far to
trust it (Statistics Canada's quality indicators, e.g. the CCHS and LFS release rules;
Statistics Netherlands' publication rules; the NCHS standards for proportions). mel's
default table follows Statistics Canada's cut-offs on the CV = se / |estimate|:

    =====  =======================  ==========================================
    grade  CV                       meaning
    =====  =======================  ==========================================
    A      below 5%                 excellent
    B      5% to below 10%          very good
    C      10% to below 16.5%       good
    D      16.5% to 33.3%           acceptable: use with caution
    E      above 33.3%              too unreliable to publish
    =====  =======================  ==========================================

An estimate is also graded E (not published) when its design degrees of freedom are
below ``min_df`` (default 8, the NCHS threshold: with fewer the variance itself is too
uncertain) or, for a proportion, when its effective sample size p(1 - p)/se^2 is below
``min_neff`` (default 30, NCHS; at p = 0 or 1 the number of observations is used, as for
the Korn–Graubard interval). A missing estimate is E. An estimate of exactly 0 has no
CV: it is graded on its df and effective sample size only, and A if those pass (a zero
is as good as the data behind it; judge it by its interval). All thresholds are
parameters.

References
----------
Statistics Canada (2017). *Canadian Community Health Survey (CCHS) Annual Component:
User Guide*, 10.4 (release guidelines: CV 16.6% and 33.3%).
Parker, J. D. et al. (2017). National Center for Health Statistics data presentation
standards for proportions. *Vital Health Stat* 2(175).
Kish, L. (1965). *Survey Sampling*. Wiley (effective sample size).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from mel.analysis.errors import DesignError
from mel.analysis.results import Estimate, EstimateTable

#: upper CV limits of grades A, B, C and D (E above the last)
CV_LIMITS = (0.05, 0.10, 0.165, 0.333)
#: fewer design degrees of freedom than this: grade E (NCHS)
MIN_DF = 8.0
#: a proportion's effective sample size below this: grade E (NCHS)
MIN_NEFF = 30.0
GRADES = "ABCDE"


@dataclass(frozen=True)
class Quality:
    """The grade of an estimate and why.

    Attributes
    ----------
    grade : str
        ``"A"`` (best) to ``"E"`` (do not publish).
    cv : float
        The coefficient of variation se / |estimate| (NaN for an estimate of 0).
    publish : bool
        Whether the estimate may be shown (grades A to D).
    reason : str
        What decided the grade, e.g. ``"CV 7.1%"`` or ``"df 5 < 8"``.
    """

    grade: str
    cv: float
    publish: bool
    reason: str

    def __str__(self) -> str:
        return self.grade


def _is_proportion(estimate: Estimate) -> bool:
    return estimate.name.startswith("proportion(")


def grade(
    estimate: Estimate,
    *,
    cv_limits: Sequence[float] = CV_LIMITS,
    min_df: float = MIN_DF,
    min_neff: float = MIN_NEFF,
    proportion: bool | None = None,
) -> Quality:
    """Grade ``estimate`` A–E (see the module docstring for the table).

    Parameters
    ----------
    estimate : Estimate
        Any estimate.
    cv_limits : sequence of 4 floats
        Upper CV limits of A, B, C and D, as fractions (default 5%, 10%, 16.5%, 33.3%).
    min_df : float
        Below this many design degrees of freedom the grade is E.
    min_neff : float
        For proportions: below this effective sample size the grade is E.
    proportion : bool, optional
        Whether ``estimate`` is a proportion (default: from its name).

    Returns
    -------
    Quality
    """
    limits = tuple(float(x) for x in cv_limits)
    if len(limits) != 4 or list(limits) != sorted(limits) or limits[0] <= 0:
        raise DesignError(f"cv_limits must be 4 increasing positive numbers, got {cv_limits}")
    est, se = estimate.estimate, estimate.se
    cv = se / abs(est) if est else math.nan
    if math.isnan(est) or math.isnan(se):
        return Quality("E", math.nan, False, "no estimate")
    if estimate.df < min_df:
        return Quality("E", cv, False, f"df {estimate.df:g} < {min_df:g}")
    if _is_proportion(estimate) if proportion is None else proportion:
        p = est
        n_eff = p * (1 - p) / se**2 if se > 0 else float(estimate.n)
        if n_eff < min_neff:
            return Quality("E", cv, False, f"effective sample size {n_eff:.1f} < {min_neff:g}")
    if math.isnan(cv):
        return Quality("A", cv, True, "estimate 0 (no CV)")
    letter = next((g for g, lim in zip(GRADES, limits, strict=False) if cv < lim), "E")
    if letter == "E" and cv <= limits[-1]:
        letter = "D"  # 33.3% itself is still D
    return Quality(letter, cv, letter != "E", f"CV {100 * cv:.1f}%")


def quality_frame(result: Estimate | EstimateTable, **thresholds: object) -> pd.DataFrame:
    """``result.to_frame()`` (one row for an Estimate) plus ``cv``, ``quality`` and
    ``publish`` columns; ``thresholds`` are passed to :func:`grade`.

    A separate function rather than columns of ``to_frame()``, whose column list is the
    one result vocabulary of every table and export.
    """
    if isinstance(result, Estimate):
        frame = pd.DataFrame([result.to_dict()])
        estimates = [result]
    else:
        frame = result.to_frame()
        estimates = list(result.values())
    grades = [grade(e, **thresholds) for e in estimates]  # type: ignore[arg-type]
    frame["cv"] = [q.cv for q in grades]
    frame["quality"] = [q.grade for q in grades]
    frame["publish"] = [q.publish for q in grades]
    return frame
