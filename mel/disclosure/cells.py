"""Which cells of a table over the analysis dimensions may be shown (`rules.protect`).

A published figure always describes a *cell*: the respondents matching some dimension
values (filters, and a group of the table). Figures are only taken from the
cross-classification of exactly the dimensions in use, over all their observed values, and
that whole table is protected with `mel.disclosure.rules.protect`.

One-way tables (a breakdown by one dimension, or one filter) are protected together, as
linked tables: the report and the dashboards publish every breakdown of the same figures,
and a province nested in a region could otherwise be worked out from its region. Tables
of two or more dimensions are protected as n-way tables; the protection assumes their
margins are published, which is what other filter choices show, and hides the same cells
whichever dimension is a filter and which the grouping (a fixed order of dimensions).

`unpublishable` (optional everywhere) says, for the cross of some dimensions, which cells'
estimates may not be published (quality grade E); those are hidden as primary
suppression. It is given by the caller that has the estimates (`mel.kpi.protected`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from mel.disclosure.rules import nesting, protect

UNKNOWN = "(onbekend)"
# A fixed order, so that a table is protected the same way whichever of its dimensions
# are filters and which is the grouping.
ORDER = ("province", "region", "sector", "stratum", "unit_kind", "status")
# The breakdowns every output publishes, protected together as linked one-way tables.
LINKED = ORDER[:-1]

Unpublishable = Callable[[Sequence[str]], pd.Series]


def canonical(dims: Sequence[str]) -> list[str]:
    """Return the distinct dimensions in the fixed order."""
    return sorted(
        dict.fromkeys(dims), key=lambda d: (ORDER.index(d) if d in ORDER else len(ORDER), d)
    )


def labels(data: pd.DataFrame, dim: str) -> pd.Series:
    """The values of a dimension as text, a missing value as UNKNOWN."""
    column = data[dim]
    if isinstance(column.dtype, pd.StringDtype):  # text already: no trip through Python objects
        return column.fillna(UNKNOWN).astype(str)
    return column.astype(object).where(column.notna(), UNKNOWN).astype(str)


def cross_counts(data: pd.DataFrame, dims: Sequence[str]) -> pd.Series:
    """Counts of rows in every cell of the full cross of the dimensions' observed values."""
    if not dims:
        return pd.Series([len(data)], index=pd.Index(["*"], name="*"), dtype=float)
    columns = pd.DataFrame({d: labels(data, d) for d in dims})
    levels = [sorted(columns[d].unique()) for d in dims]
    counts = columns.value_counts()
    index = (
        pd.Index(levels[0], name=dims[0])
        if len(dims) == 1
        else pd.MultiIndex.from_product(levels, names=list(dims))
    )
    if len(dims) == 1:
        counts.index = counts.index.get_level_values(0)
    return counts.reindex(index, fill_value=0).astype(float)


def linked_cells(
    data: pd.DataFrame, k: int, unpublishable: Unpublishable | None = None
) -> dict[str, pd.DataFrame]:
    """Counts and hidden flags of every one-way breakdown (`LINKED`) present in `data`."""
    dims = [d for d in LINKED if d in data.columns]
    counts = {d: cross_counts(data, [d]) for d in dims}
    flags = {d: unpublishable([d]) for d in dims} if unpublishable else None
    hidden = protect(counts, k, unpublishable=flags, nested=nesting(data, dims))
    return {d: pd.DataFrame({"n": counts[d], "hidden": hidden[d].astype(bool)}) for d in dims}


def hidden_cells(
    data: pd.DataFrame, dims: Sequence[str], k: int, unpublishable: Unpublishable | None = None
) -> tuple[pd.Series, pd.Series]:
    """Return (counts, hidden) of the protected table over `dims`."""
    dims = canonical(dims)
    if len(dims) == 1 and dims[0] in LINKED:
        table = linked_cells(data, k, unpublishable)[dims[0]]
        return table["n"], table["hidden"]
    counts = cross_counts(data, dims)
    flags = unpublishable(dims) if unpublishable else None
    return counts, protect(counts, k, unpublishable=flags).astype(bool)


def cell_key(filters: dict[str, str], dims: Sequence[str]) -> object:
    """The index entry of the cell selected by `filters` in a table over `dims`."""
    if not dims:
        return "*"
    return filters[dims[0]] if len(dims) == 1 else tuple(filters[d] for d in dims)


def cell_shown(
    data: pd.DataFrame,
    filters: dict[str, str],
    k: int,
    unpublishable: Unpublishable | None = None,
) -> bool:
    """Whether the group selected by `filters` may be shown at all (>= k, not derivable)."""
    dims = canonical(list(filters))
    counts, hidden = hidden_cells(data, dims, k, unpublishable)
    key = cell_key(filters, dims)
    if key not in counts.index:
        return False
    return bool(counts[key] > 0 and not hidden[key])


def select_cell(data: pd.DataFrame, filters: dict[str, str]) -> pd.DataFrame:
    """The rows of `data` in the cell selected by `filters` (missing values as UNKNOWN)."""
    mask = np.ones(len(data), dtype=bool)
    for dim, value in filters.items():
        mask &= np.asarray(labels(data, dim) == value)
    return data[mask]


def group_cells(
    data: pd.DataFrame,
    filters: dict[str, str],
    by: str,
    k: int,
    unpublishable: Unpublishable | None = None,
) -> pd.DataFrame:
    """Counts and hidden flags per group of `by` within the cell selected by `filters`.

    Returns one row per observed group (index `by`), columns `n` and `hidden`. The table
    protected is the one over the filter dimensions and `by`. Units (`by="unit"`) are
    nested in every dimension, so that table reduces to the units of the selected cell.
    """
    if by == "unit":
        counts = labels(select_cell(data, filters), "unit").value_counts().sort_index()
        counts = counts.astype(float).rename_axis("unit")
        flags = unpublishable(["unit"]).reindex(counts.index) if unpublishable else None
        hidden = protect(counts, k, unpublishable=flags).astype(bool)
        return pd.DataFrame({"n": counts, "hidden": hidden})
    dims = canonical([*filters, by])
    counts, hidden = hidden_cells(data, dims, k, unpublishable)
    frame = pd.DataFrame({"n": counts, "hidden": hidden})
    if frame.index.nlevels == 1:
        frame.index = pd.MultiIndex.from_arrays([frame.index], names=dims)
    for dim, value in filters.items():
        frame = frame[np.asarray(frame.index.get_level_values(dim) == value)]
    return frame.reset_index().set_index(by)[["n", "hidden"]]
