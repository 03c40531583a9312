"""Disclosure control: no figure for a group of fewer than k respondents, nor one derivable.

`protect` is the one suppression rule of mel, for every table the report, the dashboards,
the API and the downloads show. Primary suppression hides every group with 1 to k-1
respondents (an empty group reveals nothing and is shown as empty) and every group whose
estimate may not be published (quality grade E, `mel.analysis.quality`). Complementary
(secondary) suppression then hides further groups so that no hidden figure can be
recovered by subtraction from a published total: in every line of a table (the one-way
list, each row and each column of a two-way table, each line of an n-way table along any
dimension, all of which have a published margin) either no cell is hidden or at least two
are. The extra cells chosen are the smallest ones still shown, which loses the least
information (Hundepool et al., 2012, *Statistical Disclosure Control*, ch. 4).

Breakdowns of the same figures are linked when one nests in another (provinces within
regions): a region's figure is then the margin of its provinces, so each region with its
provinces is one more line (pass the one-way tables as a mapping, with `nesting`).

A hidden cell hides all its figures: estimate, se, interval, n, df and deff (`apply`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from typing import overload

import numpy as np
import pandas as pd

from mel.analysis.quality import grade
from mel.analysis.results import COLUMNS, Estimate

Nesting = dict[tuple[str, str], dict[str, str]]  # (fine, coarse) -> fine group -> coarse group

DEFAULT_K = 10
# What a hidden group loses: every result figure, its df included (a hidden group shows
# nothing at all, not even the design's degrees of freedom beside an empty estimate).
SUPPRESSED_COLUMNS = tuple(COLUMNS)


def primary(counts: pd.Series | pd.DataFrame, k: int = DEFAULT_K) -> pd.Series | pd.DataFrame:
    """Return True where a group has 1 to k-1 respondents."""
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    return (counts > 0) & (counts < k)


def publishable(estimate: Estimate | None) -> bool:
    """Whether an estimate's quality allows publishing it (grade A to D, not E)."""
    if estimate is None:
        return False
    if estimate.n == 0 and math.isnan(estimate.estimate):
        return True  # an empty group reveals nothing; it is shown as empty
    return grade(estimate).publish


@overload
def protect(
    counts: pd.Series,
    k: int = ...,
    *,
    unpublishable: pd.Series | None = ...,
    nested: Nesting | None = ...,
) -> pd.Series: ...
@overload
def protect(
    counts: pd.DataFrame,
    k: int = ...,
    *,
    unpublishable: pd.DataFrame | None = ...,
    nested: Nesting | None = ...,
) -> pd.DataFrame: ...
@overload
def protect(
    counts: Mapping[str, pd.Series],
    k: int = ...,
    *,
    unpublishable: Mapping[str, pd.Series] | None = ...,
    nested: Nesting | None = ...,
) -> dict[str, pd.Series]: ...


def protect(counts, k=DEFAULT_K, *, unpublishable=None, nested=None):  # type: ignore[no-untyped-def]
    """Return which cells of a table to hide (True), in the table's own shape.

    Parameters
    ----------
    counts : Series, DataFrame or mapping of str to Series
        Respondents per cell. A Series indexed by one dimension is a one-way table, by
        two or more (a MultiIndex) an n-way table, and one indexed by the single label
        ``"*"`` (index name ``"*"``) one cell without a margin. A DataFrame is a two-way
        table. A mapping holds one-way tables of the same figures by several breakdowns
        (linked through `nested`).
    k : int
        The minimum group size.
    unpublishable : same shape as `counts`, optional
        True where a cell's estimate may not be published (quality grade E): hidden as
        primary suppression whatever its size.
    nested : Nesting, optional
        For a mapping: pairs of breakdowns where one nests in the other (`nesting`).
    """
    if isinstance(counts, Mapping):
        return _linked(counts, nested or {}, k, unpublishable or {})
    first = _primary(counts, k, unpublishable)
    if isinstance(counts, pd.DataFrame):
        hidden = _cube(counts.to_numpy(dtype=float), first.to_numpy(dtype=bool))
        return pd.DataFrame(hidden, index=counts.index, columns=counts.columns)
    if counts.index.nlevels == 1 and counts.index.name == "*":
        return first
    if counts.index.nlevels == 1:
        return pd.Series(
            _cube(counts.to_numpy(dtype=float), first.to_numpy(dtype=bool)), index=counts.index
        )
    index = counts.index
    assert isinstance(index, pd.MultiIndex)
    shape = tuple(len(level) for level in index.levels)
    codes = tuple(np.asarray(c) for c in index.codes)
    cube, mask = np.zeros(shape), np.zeros(shape, dtype=bool)
    cube[codes], mask[codes] = counts.to_numpy(dtype=float), first.to_numpy(dtype=bool)
    return pd.Series(_cube(cube, mask)[codes], index=index)


def _primary(
    counts: pd.Series | pd.DataFrame, k: int, unpublishable: pd.Series | pd.DataFrame | None
) -> pd.Series | pd.DataFrame:
    """Primary suppression: too few respondents, or an estimate of grade E."""
    hidden = primary(counts, k).astype(bool)
    if unpublishable is not None:
        flags = unpublishable.reindex_like(counts).fillna(False).astype(bool)
        hidden = hidden | (flags & (counts > 0))
    return hidden


def _cube(cube: np.ndarray, hidden: np.ndarray) -> np.ndarray:
    """Complete every line of an n-way table so that none has exactly one hidden cell."""
    hidden = hidden.copy()
    shape = cube.shape
    for _ in range(cube.size + 1):
        before = hidden.copy()
        for axis in reversed(range(cube.ndim)):  # rows first, then columns, ...
            others = [range(n) for i, n in enumerate(shape) if i != axis]
            for position in itertools.product(*others):
                where: list[object] = list(position)
                where.insert(axis, slice(None))
                line, mask = cube[tuple(where)], hidden[tuple(where)]
                if mask.sum() == 1:
                    shown = np.where(~mask & (line > 0), line, np.inf)
                    if np.isfinite(shown.min()):
                        # Only empty cells left: the hidden cell equals the margin, which
                        # is itself under k and falls to primary suppression where shown.
                        mask[int(shown.argmin())] = True
        if np.array_equal(before, hidden):
            return hidden
    raise RuntimeError("complementary suppression did not settle")  # pragma: no cover


def _linked(
    counts: Mapping[str, pd.Series],
    nested: Nesting,
    k: int,
    unpublishable: Mapping[str, pd.Series],
) -> dict[str, pd.Series]:
    """Hidden cells of one-way tables of the same figures by several breakdowns.

    Every table is a line against the published total; in addition, for each nested pair,
    every coarse group with its fine groups is a line (the coarse cell is their margin).
    """
    names = list(counts)
    values = {name: counts[name].to_numpy(dtype=float) for name in names}
    hidden = {
        name: _cube(
            values[name],
            _primary(counts[name], k, unpublishable.get(name)).to_numpy(dtype=bool),
        )
        for name in names
    }
    # Each nested pair's lines: a coarse group (its margin) and the positions of its fine
    # groups, in the order of the tables.
    lines = []
    for (fine, coarse), parent in nested.items():
        if fine not in counts or coarse not in counts:
            continue
        fine_groups = [str(g) for g in counts[fine].index]
        for position, group in enumerate(counts[coarse].index):
            children = [i for i, g in enumerate(fine_groups) if parent.get(g) == str(group)]
            lines.append((coarse, position, fine, np.asarray(children, dtype=int)))
    for _ in range(sum(len(table) for table in counts.values()) + 1):
        changed = False
        for coarse, position, fine, children in lines:
            shown = np.concatenate([hidden[coarse][[position]], hidden[fine][children]])
            line = np.concatenate([values[coarse][[position]], values[fine][children]])
            completed = _cube(line, shown)
            if not np.array_equal(completed, shown):
                changed = True
                hidden[coarse][position] = completed[0]
                hidden[fine][children] = completed[1:]
        for name in names:
            completed = _cube(values[name], hidden[name])
            if not np.array_equal(completed, hidden[name]):
                changed, hidden[name] = True, completed
        if not changed:
            return {name: pd.Series(hidden[name], index=counts[name].index) for name in names}
    raise RuntimeError("linked suppression did not settle")  # pragma: no cover


def nesting(frame: pd.DataFrame, variables: Sequence[str]) -> Nesting:
    """Pairs (fine, coarse) of breakdowns where every fine group lies in one coarse group.

    Read off the data: a province whose respondents all lie in one region nests in it.
    Only pairs where the fine breakdown has more groups count (equal ones are relabellings).
    """
    found: Nesting = {}
    present = [v for v in variables if v in frame.columns]
    # The distinct combinations first: breakdowns are properties of units, so a frame of a
    # million respondents holds a few thousand; every pair is read off those, as text.
    combinations = frame[present].drop_duplicates()
    text = {v: [None if pd.isna(x) else str(x) for x in combinations[v].tolist()] for v in present}
    for fine in present:
        for coarse in present:
            if fine == coarse:
                continue
            pairs = {
                (f, c)
                for f, c in zip(text[fine], text[coarse], strict=True)
                if f is not None and c is not None
            }
            fines = {f for f, _ in pairs}
            if pairs and len(fines) == len(pairs) and len({c for _, c in pairs}) < len(fines):
                found[(fine, coarse)] = dict(sorted(pairs))
    return found


def apply(table: pd.DataFrame, hidden: pd.Series, columns: Sequence[str]) -> pd.DataFrame:
    """Blank `columns` where `hidden` is True and add a boolean `suppressed` column."""
    result = table.copy()
    mask = hidden.reindex(result.index).fillna(False).astype(bool)
    for column in columns:
        if column in result.columns:
            result[column] = result[column].astype(float).where(~mask)
    result["suppressed"] = mask
    return result


def suppress_table(
    table: pd.DataFrame,
    *,
    count: str = "n",
    k: int = DEFAULT_K,
    columns: tuple[str, ...] = SUPPRESSED_COLUMNS,
) -> pd.DataFrame:
    """Suppress a one-way table of domain estimates (rows are groups), all figures blank."""
    hidden = protect(table[count].astype(float), k)
    return apply(table, hidden, columns)


def shown_alone(estimate: Estimate | None, k: int = DEFAULT_K) -> bool:
    """Whether one estimate may be shown on its own (a one-cell table under `protect`)."""
    if estimate is None or not estimate.n:
        return False
    counts = pd.Series([float(estimate.n)], index=pd.Index(["*"], name="*"))
    flags = pd.Series([not publishable(estimate)], index=counts.index)
    return not bool(protect(counts, k, unpublishable=flags).iloc[0])


def count_shown(n: float, k: int = DEFAULT_K) -> bool:
    """Whether a figure about `n` respondents (no estimate to grade) may be shown on its own."""
    counts = pd.Series([float(n)], index=pd.Index(["*"], name="*"))
    return bool(n) and not bool(protect(counts, k).iloc[0])


def why_hidden(estimate: Estimate, k: int = DEFAULT_K) -> tuple[str, str] | None:
    """Why one estimate is not shown on its own: ("too_few", "") or ("quality", reason
    from `mel.analysis.quality.grade`, e.g. "df 4 < 8"); None when it is shown."""
    if shown_alone(estimate, k):
        return None
    if not count_shown(estimate.n, k):
        return ("too_few", "")
    return ("quality", grade(estimate).reason)
