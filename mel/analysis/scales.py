"""Likert scales: an index per respondent and Cronbach's alpha (plain or weighted).

The index is the mean of the items a respondent answered, provided at least
``min_answered`` were (a common rule for item nonresponse in summated scales; DeVellis
2017, ch. 5). Cronbach's (1951) alpha is k/(k-1) (1 - sum of item variances / variance of
the sum) over the complete cases; with a :class:`~mel.analysis.design.Design` the
variances are design-weighted, as R ``survey``'s ``svycralpha``.

References
----------
Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
*Psychometrika* 16, 297-334.
DeVellis, R. F. (2017). *Scale Development: Theory and Applications*, 4th ed. Sage.
Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R* (``svycralpha``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from mel.analysis.errors import DesignError

if TYPE_CHECKING:
    from mel.analysis.design import Design


def _items(data: pd.DataFrame, items: Sequence[str]) -> pd.DataFrame:
    if len(items) < 2:
        raise DesignError("a scale needs at least two items")
    for name in items:
        if name not in data.columns:
            raise DesignError(f"item column {name!r} is not in the data")
        if not pd.api.types.is_numeric_dtype(data[name]):
            raise DesignError(f"item column {name!r} is not numeric ({data[name].dtype})")
    return data[list(items)].astype(float)


def likert_index(
    data: pd.DataFrame,
    items: Sequence[str],
    *,
    min_answered: int | None = None,
    reverse: Sequence[str] = (),
    scale: tuple[float, float] | None = None,
) -> pd.Series:
    """Mean of the answered items per row; NaN where fewer than ``min_answered`` were.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent.
    items : sequence of str
        The item columns (numeric codes, e.g. 1..5).
    min_answered : int, optional
        Minimum number of answered items (default: all of them).
    reverse : sequence of str
        Items to reverse-code as ``low + high - x`` before averaging.
    scale : (low, high), optional
        The response scale, required with ``reverse``.
    """
    frame = _items(data, items)
    k = len(items)
    need = k if min_answered is None else min_answered
    if not 1 <= need <= k:
        raise DesignError(f"min_answered must be between 1 and {k}, got {min_answered}")
    if reverse:
        if scale is None:
            raise DesignError("reverse-coding needs the response scale, e.g. scale=(1, 5)")
        for name in reverse:
            if name not in items:
                raise DesignError(f"reverse item {name!r} is not one of the items")
            frame[name] = scale[0] + scale[1] - frame[name]
    answered = frame.notna().sum(axis=1)
    return frame.mean(axis=1, skipna=True).where(answered >= need)


def cronbach_alpha(data: Design | pd.DataFrame, items: Sequence[str]) -> float:
    """Cronbach's alpha of ``items`` over the rows that answered all of them.

    Parameters
    ----------
    data : Design or pandas.DataFrame
        With a Design the item variances are weighted by its weights (R's
        ``svycralpha``); with a DataFrame every row counts once (the textbook alpha).
    items : sequence of str
        At least two numeric item columns.

    Returns
    -------
    float
        alpha = k/(k-1) (1 - sum of item variances / variance of the item sum); NaN when
        the sum does not vary.
    """
    from mel.analysis.design import Design

    if isinstance(data, Design):
        frame, w = _items(data.data, items), data.weights
    else:
        frame, w = _items(data, items), np.ones(len(data))
    values = frame.to_numpy()
    ok = ~np.isnan(values).any(axis=1) & (w != 0)
    if ok.sum() < 2:
        raise DesignError("Cronbach's alpha needs at least two complete rows")
    x, w = values[ok], w[ok]

    def var(v: np.ndarray) -> np.ndarray:
        # the n/(n-1) factor of R's svyvar cancels in the ratio
        mean = (w[:, None] * v).sum(axis=0) / w.sum()
        return (w[:, None] * (v - mean) ** 2).sum(axis=0) / w.sum()

    k = len(items)
    total = var(x.sum(axis=1, keepdims=True))[0]
    if total == 0:
        return math.nan
    return float(k / (k - 1) * (1 - var(x).sum() / total))
