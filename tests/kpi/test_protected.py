"""A KPI's group figures come from one protected table, whichever output asks."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mel.disclosure.cells import group_cells
from mel.kpi.protected import CellEstimates
from mel.surveys.programme_schema import Kpi

K = 10
# Provinces nest in regions; drenthe (4 respondents) is the only small group. Unlinked,
# the province table would hide drenthe and gelderland and the region table nothing, so
# noord minus groningen and friesland would give drenthe away.
PROVINCES = {"groningen": 20, "friesland": 20, "drenthe": 4, "overijssel": 25, "gelderland": 15}
REGION = {"groningen": "noord", "friesland": "noord", "drenthe": "noord"}


def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    rows = []
    for province, count in PROVINCES.items():
        for i in range(count):
            rows.append(
                {
                    "unit": f"{province}-{i}",
                    "stratum": "s1" if i % 2 else "s2",
                    "weight": 3.0,
                    "fpc_units": 300.0,
                    "province": province,
                    "region": REGION.get(province, "oost"),
                    "sector": "zorg",
                    "cijfer": float(rng.integers(5, 10)),
                }
            )
    return pd.DataFrame(rows)


def _kpi() -> Kpi:
    return Kpi.model_validate(
        {
            "code": "cijfer",
            "label": {"nl": "Cijfer"},
            "definition": {"nl": "Cijfer"},
            "node": "pad.res",
            "estimator": "mean",
            "instrument": "meting",
            "question": "cijfer",
            "disaggregations": ["province", "region"],
        }
    )


def test_report_and_dashboard_tables_hide_the_same_groups() -> None:
    cells = CellEstimates(_frame(), _kpi())
    report = cells.breakdowns(["province", "region"], K)
    for by in ("province", "region"):
        dashboard = cells.groups({}, by, K).set_index("group")
        printed = report[report["disaggregation"] == by].set_index("group")
        assert printed["suppressed"].to_dict() == dashboard["suppressed"].to_dict(), by
        for group, row in dashboard.iterrows():
            if row["suppressed"]:
                assert all(row[c] is None for c in ("estimate", "se", "n", "df")), group
                assert printed.loc[group, ["estimate", "se", "n", "df"]].isna().all()
            else:
                assert int(row["n"]) == int(printed.loc[group, "n"]) >= K


def test_linked_breakdowns_leave_no_lone_hidden_province_in_a_region() -> None:
    cells = CellEstimates(_frame(), _kpi())
    report = cells.breakdowns(["province", "region"], K)
    hidden = dict(zip(report["group"], report["suppressed"], strict=True))
    assert hidden["drenthe"]
    noord = [hidden["noord"], hidden["groningen"], hidden["friesland"], hidden["drenthe"]]
    assert sum(noord) >= 2  # drenthe is not noord minus the others shown
    # The dashboard's group counts alone (no estimates) are protected the same way.
    counts = group_cells(cells.answered, {}, "province", K)
    assert counts["hidden"].to_dict() == {g: hidden[g] for g in counts.index}


def test_a_grade_e_group_is_hidden_with_a_complement() -> None:
    data = _frame()
    # Overijssel's answers vary wildly around zero: a CV far above 33%, grade E.
    wild = data["province"] == "overijssel"
    data.loc[wild, "cijfer"] = np.where(np.arange(wild.sum()) % 2, 50.0, -49.0)
    cells = CellEstimates(data, _kpi())
    groups = cells.groups({}, "province", K).set_index("group")
    assert groups.loc["overijssel", "suppressed"]  # 25 respondents, but not publishable
    assert groups.loc["overijssel", "estimate"] is None
    assert int(groups["suppressed"].sum()) >= 2
