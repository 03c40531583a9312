"""No figure for a group under k can be shown or derived from the published totals."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from mel.disclosure import rules as disclosure
from mel.disclosure.rules import primary, suppress_1d, suppress_2d, suppress_table


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


def _regions_and_provinces() -> tuple[dict[str, pd.Series], dict]:
    """Respondents per region and per province; Drenthe (4) is the only small group."""
    frame = pd.DataFrame(
        {
            "region": ["noord"] * 44 + ["oost"] * 40,
            "province": ["groningen"] * 20
            + ["friesland"] * 20
            + ["drenthe"] * 4
            + ["overijssel"] * 25
            + ["gelderland"] * 15,
        }
    )
    counts = {
        name: frame[name].value_counts().astype(float).sort_index()
        for name in ("region", "province")
    }
    return counts, disclosure.nesting(frame, ["region", "province"])


def test_nesting_is_read_off_the_data() -> None:
    _, nested = _regions_and_provinces()
    assert list(nested) == [("province", "region")]
    assert nested[("province", "region")]["drenthe"] == "noord"


def test_a_hidden_province_cannot_be_worked_out_from_its_region() -> None:
    counts, nested = _regions_and_provinces()
    alone = disclosure.suppress_1d(counts["province"], 10)
    # Unlinked, the province table hides two provinces (a complete line of its own)...
    assert set(alone[alone].index) == {"drenthe", "gelderland"}
    # ...but noord (44) minus groningen and friesland (20 + 20) still gives drenthe's 4.
    hidden = disclosure.suppress_linked(counts, nested, 10)
    for region, provinces in (
        ("noord", ["groningen", "friesland", "drenthe"]),
        ("oost", ["overijssel", "gelderland"]),
    ):
        line = [hidden["region"][region], *(hidden["province"][p] for p in provinces)]
        assert sum(line) != 1, (region, line)  # no lone unknown in any linked line
    assert hidden["province"]["drenthe"]
    assert int(hidden["province"].sum()) >= 2
    # Every table is still a complete line against the published total.
    assert all(int(h.sum()) != 1 for h in hidden.values())


def test_unlinked_breakdowns_are_suppressed_as_before() -> None:
    counts, _ = _regions_and_provinces()
    hidden = disclosure.suppress_linked(counts, {}, 10)
    assert hidden["province"].equals(disclosure.suppress_1d(counts["province"], 10))
    assert not hidden["region"].any()
