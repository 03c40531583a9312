"""Disclosure control: no figure for a group of fewer than k respondents, nor one derivable.

Primary suppression hides every group with 1 to k-1 respondents (an empty group reveals
nothing and is shown as empty). Complementary suppression then hides further groups so that
no hidden figure can be recovered by subtraction from a published total: in every line of a
table (the one-way list, each row and each column of a two-way table, all of which have a
published margin) either no cell is hidden or at least two are. The extra cells chosen are
the smallest ones still shown, which loses the least information (Hundepool et al., 2012,
*Statistical Disclosure Control*, ch. 4).

Breakdowns of the same figures are linked when one nests in another (provinces within
regions): a region's figure is then the margin of its provinces, so each region with its
provinces is one more line (`suppress_linked`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from mel.analysis.results import COLUMNS

Nesting = dict[tuple[str, str], dict[str, str]]  # (fine, coarse) -> fine group -> coarse group

DEFAULT_K = 10
# What a hidden group of a table of domain estimates loses: every result figure but the
# design degrees of freedom, which belong to the design, not to the group.
SUPPRESSED_COLUMNS = tuple(c for c in COLUMNS if c != "df")


def primary(counts: pd.Series | pd.DataFrame, k: int = DEFAULT_K) -> pd.Series | pd.DataFrame:
    """Return True where a group has 1 to k-1 respondents."""
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    return (counts > 0) & (counts < k)


def suppress_1d(counts: pd.Series, k: int = DEFAULT_K) -> pd.Series:
    """Return the cells of a one-way table (with a published total) to hide."""
    hidden = primary(counts, k).astype(bool)
    return _complete_line(counts, hidden)


def suppress_2d(counts: pd.DataFrame, k: int = DEFAULT_K) -> pd.DataFrame:
    """Return the cells of a two-way table (with published margins) to hide."""
    hidden = primary(counts, k).astype(bool)
    for _ in range(counts.size + 1):
        before = hidden.to_numpy().copy()
        for row in hidden.index:
            hidden.loc[row] = _complete_line(counts.loc[row], hidden.loc[row])
        for column in hidden.columns:
            hidden[column] = _complete_line(counts[column], hidden[column])
        if np.array_equal(before, hidden.to_numpy()):
            return hidden
    raise RuntimeError("complementary suppression did not settle")  # pragma: no cover


def nesting(frame: pd.DataFrame, variables: Sequence[str]) -> Nesting:
    """Pairs (fine, coarse) of breakdowns where every fine group lies in one coarse group.

    Read off the data: a province whose respondents all lie in one region nests in it.
    Only pairs where the fine breakdown has more groups count (equal ones are relabellings).
    """
    found: Nesting = {}
    present = [v for v in variables if v in frame.columns]
    for fine in present:
        for coarse in present:
            if fine == coarse:
                continue
            pairs = frame[[fine, coarse]].dropna().astype(str).drop_duplicates()
            if (
                len(pairs)
                and pairs[fine].is_unique
                and pairs[coarse].nunique() < pairs[fine].nunique()
            ):
                found[(fine, coarse)] = dict(zip(pairs[fine], pairs[coarse], strict=True))
    return found


def suppress_linked(
    counts: Mapping[str, pd.Series], nested: Nesting, k: int = DEFAULT_K
) -> dict[str, pd.Series]:
    """Return the cells to hide in one-way tables of the same figures by several breakdowns.

    Every table is a line against the published total; in addition, for each nested pair,
    every coarse group with its fine groups is a line (the coarse cell is their margin).
    In each line no cell or at least two are hidden; the extra cells are the smallest shown.
    """
    hidden = {name: suppress_1d(table, k) for name, table in counts.items()}
    for _ in range(sum(len(table) for table in counts.values()) + 1):
        changed = False
        for (fine, coarse), parent in nested.items():
            if fine not in counts or coarse not in counts:
                continue
            for group in counts[coarse].index:
                children = [g for g in counts[fine].index if parent.get(str(g)) == str(group)]
                line = pd.concat(
                    [counts[coarse][[group]], counts[fine][children]], keys=[coarse, fine]
                )
                shown = pd.concat(
                    [hidden[coarse][[group]], hidden[fine][children]], keys=[coarse, fine]
                )
                completed = _complete_line(line, shown)
                if not completed.equals(shown):
                    changed = True
                    for (name, cell), value in completed.items():
                        hidden[name].loc[cell] = bool(value)
        for name, table in counts.items():
            completed = _complete_line(table, hidden[name])
            if not completed.equals(hidden[name]):
                changed, hidden[name] = True, completed
        if not changed:
            return hidden
    raise RuntimeError("linked suppression did not settle")  # pragma: no cover


def _complete_line(counts: pd.Series, hidden: pd.Series) -> pd.Series:
    """Hide the smallest shown non-empty cell when exactly one cell of a line is hidden."""
    hidden = hidden.copy()
    if int(hidden.sum()) != 1:
        return hidden
    candidates = counts[~hidden & (counts > 0)]
    if candidates.empty:
        # Only empty cells are left, so the hidden cell equals the total: that total
        # is itself under k and falls to primary suppression where it is published.
        return hidden
    hidden[candidates.astype(float).idxmin()] = True
    return hidden


def apply(table: pd.DataFrame, hidden: pd.Series, columns: list[str]) -> pd.DataFrame:
    """Blank `columns` where `hidden` is True and add a boolean `suppressed` column."""
    result = table.copy()
    mask = hidden.reindex(result.index).fillna(False).astype(bool)
    for column in columns:
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
    """Suppress a one-way table of domain estimates (rows are groups)."""
    hidden = suppress_1d(table[count].astype(float), k)
    return apply(table, hidden, [c for c in columns if c in table.columns])
