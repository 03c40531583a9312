"""No figure for a group under k can be shown or derived from the published totals."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from mel.analysis.results import Estimate
from mel.disclosure import rules as disclosure
from mel.disclosure.rules import primary, protect, publishable, shown_alone, suppress_table


def recoverable_1d(counts: pd.Series, hidden: pd.Series) -> bool:
    """True when some hidden cell follows from the total and the shown cells."""
    return int(hidden.sum()) == 1


def test_primary_keeps_empty_and_large_groups() -> None:
    counts = pd.Series({"a": 0, "b": 1, "c": 9, "d": 10})
    assert primary(counts, 10).tolist() == [False, True, True, False]


def test_single_small_group_gets_a_complement() -> None:
    counts = pd.Series({"noord": 40, "oost": 4, "zuid": 25, "west": 60})
    hidden = protect(counts, 10)
    assert hidden.to_dict() == {"noord": False, "oost": True, "zuid": True, "west": False}


def test_two_small_groups_need_no_complement() -> None:
    counts = pd.Series({"a": 3, "b": 4, "c": 50})
    assert protect(counts, 10).tolist() == [True, True, False]


def test_nothing_hidden_when_all_groups_are_large() -> None:
    assert not protect(pd.Series([10, 11, 12]), 10).any()


@pytest.mark.parametrize("seed", range(25))
def test_two_way_tables_leave_nothing_derivable(seed: int) -> None:
    rng = np.random.default_rng(seed)
    counts = pd.DataFrame(rng.integers(0, 30, size=(4, 5)))
    hidden = protect(counts, 10)
    assert hidden[primary(counts, 10)].fillna(True).all().all()
    for axis in (0, 1):
        lines = hidden.sum(axis=axis)
        assert not (lines == 1).any(), f"a line with one hidden cell:\n{counts}\n{hidden}"


def test_suppressed_cells_cannot_be_recovered_by_subtraction() -> None:
    counts = pd.Series({"mbo": 120, "hbo": 7, "mbo-hbo": 30})
    table = pd.DataFrame({"n": counts, "estimate": counts * 2.0, "df": 40.0})
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
    # A hidden group shows nothing at all, not even the design df.
    assert shown.loc[hidden, ["n", "df"]].isna().all().all()


def test_k_must_be_positive() -> None:
    with pytest.raises(ValueError, match="k must be at least 1"):
        primary(pd.Series([1]), 0)


def test_exhaustive_small_tables() -> None:
    for values in itertools.product([0, 3, 12], repeat=3):
        hidden = protect(pd.Series(values), 10)
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
    alone = protect(counts["province"], 10)
    # Unlinked, the province table hides two provinces (a complete line of its own)...
    assert set(alone[alone].index) == {"drenthe", "gelderland"}
    # ...but noord (44) minus groningen and friesland (20 + 20) still gives drenthe's 4.
    hidden = protect(counts, 10, nested=nested)
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
    hidden = protect(counts, 10)
    assert hidden["province"].equals(protect(counts["province"], 10))
    assert not hidden["region"].any()


def _estimate(value: float, se: float, n: int, df: float = 40.0) -> Estimate:
    return Estimate(value, se, value - 2 * se, value + 2 * se, n, df, 1.0, name="mean(x)")


def test_an_unpublishable_estimate_is_hidden_with_a_complement() -> None:
    counts = pd.Series({"a": 40.0, "b": 30.0, "c": 50.0})
    grade_e = pd.Series({"a": False, "b": True, "c": False})
    hidden = protect(counts, 10, unpublishable=grade_e)
    # b is large enough but graded E; a (the smallest shown) keeps it from the total.
    assert hidden.to_dict() == {"a": True, "b": True, "c": False}


def test_quality_grade_e_is_not_published() -> None:
    assert publishable(_estimate(10.0, 0.5, 50))
    assert not publishable(_estimate(10.0, 5.0, 50))  # CV 50%: grade E
    assert not publishable(_estimate(10.0, 0.5, 50, df=3))  # df under 8: grade E
    assert shown_alone(_estimate(10.0, 0.5, 50), 10)
    assert not shown_alone(_estimate(10.0, 0.5, 7), 10)
    assert not shown_alone(_estimate(10.0, 5.0, 50), 10)
    assert not shown_alone(None, 10)


def test_n_way_tables_hide_two_per_line_along_every_dimension() -> None:
    rng = np.random.default_rng(3)
    cube = rng.integers(0, 25, size=(3, 4, 3)).astype(float)
    index = pd.MultiIndex.from_product([range(3), range(4), range(3)], names=list("abc"))
    hidden = protect(pd.Series(cube.ravel(), index=index), 10)
    mask = hidden.to_numpy().reshape(cube.shape)
    assert mask[(cube > 0) & (cube < 10)].all()
    for axis in range(3):
        assert not (mask.sum(axis=axis) == 1).any()


def test_two_way_as_a_series_agrees_with_two_way_as_a_table() -> None:
    rng = np.random.default_rng(7)
    for _ in range(40):
        table = pd.DataFrame(
            rng.integers(0, 15, size=(4, 5)).astype(float),
            index=pd.Index(list("abcd"), name="r"),
            columns=pd.Index(list("vwxyz"), name="c"),
        )
        flat = table.stack()
        assert (
            protect(flat, 10).to_numpy()
            == protect(table, 10).stack().reindex(flat.index).to_numpy()
        ).all()
