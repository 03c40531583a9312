"""Disclosure control: no figure for a group of fewer than k respondents, nor one derivable.

Primary suppression hides every group with 1 to k-1 respondents (an empty group reveals
nothing and is shown as empty). Complementary suppression then hides further groups so that
no hidden figure can be recovered by subtraction from a published total: in every line of a
table (the one-way list, each row and each column of a two-way table, all of which have a
published margin) either no cell is hidden or at least two are. The extra cells chosen are
the smallest ones still shown, which loses the least information (Hundepool et al., 2012,
*Statistical Disclosure Control*, ch. 4).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DEFAULT_K = 10


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


def suppress_table(table: pd.DataFrame, *, count: str = "n", k: int = DEFAULT_K,
                   columns: tuple[str, ...] = ("estimate", "se", "ci_low", "ci_high", "n",
                                               "deff")) -> pd.DataFrame:
    """Suppress a one-way table of domain estimates (rows are groups)."""
    hidden = suppress_1d(table[count].astype(float), k)
    return apply(table, hidden, [c for c in columns if c in table.columns])
