"""No figure for a group under k can be shown or derived from the published totals."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from mel.disclosure import primary, suppress_1d, suppress_2d, suppress_table


def recoverable_1d(counts: pd.Series, hidden: pd.Series) -> bool:
    """True when some hidden cell follows from the total and the shown cells."""
    return int(hidden.sum()) == 1


def test_primary_keeps_empty_and_large_groups() -> None:
    counts = pd.Series({"a": 0, "b": 1, "c": 9, "d": 10})
    assert primary(counts, 10).tolist() == [False, True, True, False]


def test_single_small_group_gets_a_complement() -> None:
    counts = pd.Series({"noord": 40, "oost": 4, "zuid": 25, "west": 60})
    hidden = suppress_1d(counts, 10)
    assert hidden.to_dict() == {"noord": False, "oost": True, "zuid": True, "west": False}


def test_two_small_groups_need_no_complement() -> None:
    counts = pd.Series({"a": 3, "b": 4, "c": 50})
    assert suppress_1d(counts, 10).tolist() == [True, True, False]


def test_nothing_hidden_when_all_groups_are_large() -> None:
    assert not suppress_1d(pd.Series([10, 11, 12]), 10).any()


@pytest.mark.parametrize("seed", range(25))
def test_two_way_tables_leave_nothing_derivable(seed: int) -> None:
    rng = np.random.default_rng(seed)
    counts = pd.DataFrame(rng.integers(0, 30, size=(4, 5)))
    hidden = suppress_2d(counts, 10)
    assert hidden[primary(counts, 10)].fillna(True).all().all()
    for axis in (0, 1):
        lines = hidden.sum(axis=axis)
        assert not (lines == 1).any(), f"a line with one hidden cell:\n{counts}\n{hidden}"


def test_suppressed_cells_cannot_be_recovered_by_subtraction() -> None:
    counts = pd.Series({"mbo": 120, "hbo": 7, "mbo-hbo": 30})
    table = pd.DataFrame({"n": counts, "estimate": counts * 2.0})
    shown = suppress_table(table, k=10)
    total = table["estimate"].sum()
    hidden = shown.index[shown["suppressed"]]
    assert len(hidden) == 2
    # Every combination of shown cells leaves at least two unknowns.
    for group in hidden:
        others = [g for g in hidden if g != group]
        assert others and np.isnan(shown.loc[others, "estimate"]).all()
    assert not np.isnan(total)
    assert shown.loc["mbo", "estimate"] == 240.0


def test_k_must_be_positive() -> None:
    with pytest.raises(ValueError, match="k must be at least 1"):
        primary(pd.Series([1]), 0)


def test_exhaustive_small_tables() -> None:
    for values in itertools.product([0, 3, 12], repeat=3):
        hidden = suppress_1d(pd.Series(values), 10)
        # One hidden cell is only possible when it is the only non-empty one, and then
        # the total is itself under k and hidden by primary suppression.
        assert int(hidden.sum()) != 1 or sum(values) < 10
        assert all(hidden[i] for i, v in enumerate(values) if 0 < v < 10)
