"""Which dashboard cells may be shown: protected tables over the filter dimensions.

A dashboard figure always describes a *cell*: the respondents matching the filters (and a
group of the table). Figures are only taken from the cross-classification of exactly the
dimensions in use (filters plus grouping), over all their observed values, and that whole
table is protected with `mel.disclosure.rules`: primary suppression (1 to k-1 respondents) and
complementary suppression such that every line of the table (every row, column, ... with
the other dimensions fixed) hides either no cell or at least two. The protection assumes
every marginal table is published in full, which is what other filter choices show; so a
small group cannot be recovered by subtracting figures of different filter choices either
(the same cells are hidden whichever dimension is the filter and which the grouping).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import pandas as pd

from mel.disclosure import rules as disclosure

UNKNOWN = "(onbekend)"
# A fixed order, so that a table is protected the same way whichever of its dimensions
# are filters and which is the grouping.
ORDER = ("province", "region", "sector", "stratum", "unit_kind", "status")


def canonical(dims: Sequence[str]) -> list[str]:
    """Return the distinct dimensions in the fixed order."""
    return sorted(
        dict.fromkeys(dims), key=lambda d: (ORDER.index(d) if d in ORDER else len(ORDER), d)
    )


def cross_counts(data: pd.DataFrame, dims: Sequence[str]) -> pd.Series:
    """Counts of rows in every cell of the full cross of the dimensions' observed values."""
    if not dims:
        return pd.Series([len(data)], index=pd.Index(["*"], name="*"), dtype=float)
    columns = data[list(dims)].astype(object).where(data[list(dims)].notna(), UNKNOWN)
    levels = [sorted(map(str, columns[d].unique())) for d in dims]
    counts = columns.astype(str).value_counts()
    index = (
        pd.Index(levels[0], name=dims[0])
        if len(dims) == 1
        else pd.MultiIndex.from_product(levels, names=list(dims))
    )
    if len(dims) == 1:
        counts.index = counts.index.get_level_values(0)
    return counts.reindex(index, fill_value=0).astype(float)


def protect(counts: pd.Series, k: int) -> pd.Series:
    """Return the cells of a table (one cell per index entry) to hide."""
    if counts.index.nlevels == 1 and counts.index.name == "*":
        return disclosure.primary(counts, k).astype(bool)
    if counts.index.nlevels == 1:
        return disclosure.suppress_1d(counts, k).astype(bool)
    if counts.index.nlevels == 2:
        table = counts.unstack()
        return disclosure.suppress_2d(table, k).stack().reindex(counts.index).astype(bool)
    return _protect_nd(counts, k)


def _protect_nd(counts: pd.Series, k: int) -> pd.Series:
    """The same rule as `disclosure.suppress_2d`, for three or more dimensions."""
    index = counts.index
    assert isinstance(index, pd.MultiIndex)
    shape = tuple(len(level) for level in index.levels)
    cube = np.zeros(shape)
    codes = tuple(np.asarray(c) for c in index.codes)
    cube[codes] = counts.to_numpy()
    hidden = (cube > 0) & (cube < k)
    for _ in range(cube.size + 1):
        before = hidden.copy()
        for axis in reversed(range(cube.ndim)):  # rows first, as suppress_2d
            others = [range(n) for i, n in enumerate(shape) if i != axis]
            for position in itertools.product(*others):
                where = list(position)
                where.insert(axis, slice(None))
                line, mask = cube[tuple(where)], hidden[tuple(where)]
                if mask.sum() == 1:
                    shown = np.where(~mask & (line > 0), line, np.inf)
                    if np.isfinite(shown.min()):
                        mask[int(shown.argmin())] = True
        if np.array_equal(before, hidden):
            return pd.Series(hidden[codes], index=index)
    raise RuntimeError("complementary suppression did not settle")  # pragma: no cover


def hidden_cells(data: pd.DataFrame, dims: Sequence[str], k: int) -> tuple[pd.Series, pd.Series]:
    """Return (counts, hidden) of the protected table over `dims`."""
    counts = cross_counts(data, dims)
    return counts, protect(counts, k)


def cell_shown(data: pd.DataFrame, filters: dict[str, str], k: int) -> bool:
    """Whether the group selected by `filters` may be shown at all (>= k, not derivable)."""
    dims = canonical(list(filters))
    counts, hidden = hidden_cells(data, dims, k)
    key: object = (
        "*"
        if not dims
        else (filters[dims[0]] if len(dims) == 1 else tuple(filters[d] for d in dims))
    )
    if key not in counts.index:
        return False
    return bool(counts[key] >= k and not hidden[key])


def select_cell(data: pd.DataFrame, filters: dict[str, str]) -> pd.DataFrame:
    """The rows of `data` in the cell selected by `filters` (missing values as UNKNOWN)."""
    mask = np.ones(len(data), dtype=bool)
    for dim, value in filters.items():
        labels = data[dim].astype(object).where(data[dim].notna(), UNKNOWN).astype(str)
        mask &= np.asarray(labels == value)
    return data[mask]


def group_cells(data: pd.DataFrame, filters: dict[str, str], by: str, k: int) -> pd.DataFrame:
    """Counts and hidden flags per group of `by` within the cell selected by `filters`.

    Returns one row per observed group (index `by`), columns `n` and `hidden`. The table
    protected is the one over the filter dimensions and `by`. Units (`by="unit"`) are
    nested in every dimension, so that table reduces to the units of the selected cell.
    """
    if by == "unit":
        counts = select_cell(data, filters)["unit"].astype(str).value_counts().sort_index()
        counts = counts.astype(float).rename_axis("unit")
        return pd.DataFrame({"n": counts, "hidden": disclosure.suppress_1d(counts, k).astype(bool)})
    dims = canonical([*filters, by])
    counts, hidden = hidden_cells(data, dims, k)
    frame = pd.DataFrame({"n": counts, "hidden": hidden})
    if frame.index.nlevels == 1:
        frame.index = pd.MultiIndex.from_arrays([frame.index], names=dims)
    for dim, value in filters.items():
        frame = frame[np.asarray(frame.index.get_level_values(dim) == value)]
    return frame.reset_index().set_index(by)[["n", "hidden"]]
