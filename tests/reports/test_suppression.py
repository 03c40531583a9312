"""Small groups are hidden in the report, and no hidden figure follows from the others."""

from __future__ import annotations

import pandas as pd

from mel.data.frame import frame
from tests.reports.conftest import Built

K = 10


def _groups(built: Built) -> pd.DataFrame:
    return next(t.data for t in built.report.tables if t.name == "groups")


def test_no_group_under_k_is_shown(built: Built) -> None:
    groups = _groups(built)
    shown = groups[~groups["suppressed"]]
    assert (shown["n"] >= K).all()
    hidden = groups[groups["suppressed"]]
    assert not hidden.empty
    assert hidden[["estimate", "se", "ci_low", "ci_high", "n"]].isna().all().all()


def test_hidden_cells_cannot_be_recovered_from_the_total(built: Built) -> None:
    groups = _groups(built)
    for (_kpi, _variable), part in groups.groupby(["kpi", "disaggregation"]):
        # One hidden cell in a line with a published total could be derived by subtraction.
        assert int(part["suppressed"].sum()) != 1, part


def test_the_small_stratum_and_its_complement(built: Built) -> None:
    groups = _groups(built)
    stratum = groups[(groups["kpi"] == "deelnemers") & (groups["disaggregation"] == "stratum")]
    hidden = dict(zip(stratum["group"], stratum["suppressed"], strict=True))
    # eiland has 3 units (primary); klein, the smallest shown, hides it from the total.
    assert hidden == {"eiland": True, "klein": True, "groot": False}
    data = frame(
        built.filled.engine, programme="werk", wave="meting-2025", instrument="werk-monitor"
    )
    assert data["stratum"].value_counts()["eiland"] < K


def test_hidden_values_are_not_in_the_html(built: Built) -> None:
    html = built.html
    table = built.report.kpis[1].charts[0].table  # deelnemers by group
    assert table is not None
    rows = {row[0]: row for row in table.rows}
    assert rows["eiland"][1] == "\u2014" and rows["klein"][1] == "\u2014"
    assert "onderdrukt" in html
