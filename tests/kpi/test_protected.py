"""A KPI's group figures come from one protected table, whichever output asks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from mel.analysis import Design
from mel.data.frame import frame
from mel.db import session_scope
from mel.disclosure.cells import LINKED, group_cells, labels
from mel.kpi.frames import Frames, design_for, estimate_kpi
from mel.kpi.protected import CELL, SEP, CellEstimates
from mel.models import Response
from mel.settings import project_path
from mel.surveys.loader import load_catalogue
from mel.surveys.programme_schema import Kpi

from ..analysis.conftest import demo  # noqa: F401  (the fixture)

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


def _drop_first_unit(engine: Engine, wave: str, instrument: str) -> None:
    """Delete the responses of one sampled unit, so the design holds a nonrespondent."""
    first = frame(engine, programme="techkwadraat", wave=wave, instrument=instrument)
    ids = list(first.loc[first["unit"] == first["unit"].iloc[0], "response_id"])
    with session_scope(engine) as session:
        for response in session.exec(
            select(Response).where(col(Response.public_id).in_(ids))
        ).all():
            session.delete(response)


def test_cells_on_the_frames_design_equal_a_design_built_per_table(demo: Engine) -> None:  # noqa: F811
    """The cells reuse the frame's one design (its nonrespondents added after the frame's
    rows); every table equals the one of a design built anew with the cell column."""
    catalogue = load_catalogue([project_path("surveys")])
    _, programme = catalogue.programmes["techkwadraat"]
    instruments = {
        c: s for c, (_, s) in catalogue.instruments.items() if s.programme == "techkwadraat"
    }
    _drop_first_unit(demo, "meting-2025", "tk-leerlingen")
    frames = Frames(demo, programme, instruments)
    compared = 0
    for kpi in programme.kpis:
        data, problem = frames.data("meting-2025", kpi)
        if problem or not len(data):
            continue
        design = frames.design("meting-2025", kpi.instrument)
        cells = CellEstimates(data, kpi, design)
        dims_present = [d for d in LINKED if d in data]
        for dims in ([], dims_present[:1], dims_present[:2]):
            got = cells.table(dims)
            if dims:
                label = labels(data, dims[0])
                for dim in dims[1:]:
                    label = label + SEP + labels(data, dim)
                fresh = design_for(data.assign(**{CELL: label}))
                expected = estimate_kpi(fresh, kpi, by=CELL)
                keys = [tuple(str(g).split(SEP)) if len(dims) > 1 else str(g) for g in expected]
                want = dict(zip(keys, (expected[g] for g in expected), strict=True))
            else:
                want = {"*": estimate_kpi(design_for(data), kpi)}
            assert set(got) == set(want), (kpi.code, dims)
            for key, estimate in want.items():
                mine, theirs = got[key].to_dict(), estimate.to_dict()
                for name, value in theirs.items():
                    np.testing.assert_allclose(mine[name], value, rtol=1e-12, err_msg=kpi.code)
            compared += 1
    assert compared >= 6
    person = frames.design("meting-2025", "tk-leerlingen")
    assert person.n > len(frames.raw("meting-2025", "tk-leerlingen"))  # nonrespondents in it


def test_cells_rebuild_the_design_when_its_rows_are_not_the_frames() -> None:
    data = _frame()
    shuffled = Design(
        data.iloc[::-1].reset_index(drop=True),
        weights="weight",
        strata="stratum",
        psu="unit",
        fpc="fpc_units",
        lonely_psu="adjust",
    )
    reused = CellEstimates(data, _kpi(), shuffled).table(["province"])
    fresh = CellEstimates(data, _kpi()).table(["province"])
    assert set(reused) == set(fresh)
    for group in fresh:
        assert reused[group].estimate == pytest.approx(fresh[group].estimate, rel=1e-12)
        assert reused[group].n == fresh[group].n


def test_a_released_frame_comes_back_the_same_and_so_do_the_results(demo: Engine) -> None:  # noqa: F811
    """`Frames.release` packs an instrument's frames in memory: unpacked, each is the
    frame it was (columns, dtypes, attrs), and a report's evaluation that releases every
    instrument after its last KPI gives the same results as one that keeps them all."""
    from mel.kpi.evaluate import evaluate_kpis

    catalogue = load_catalogue([project_path("surveys")])
    _, programme = catalogue.programmes["techkwadraat"]
    instruments = {
        c: s for c, (_, s) in catalogue.instruments.items() if s.programme == "techkwadraat"
    }
    frames = Frames(demo, programme, instruments)
    before = {code: frames.raw("meting-2025", code).copy() for code in instruments}
    attrs = {code: dict(frames.raw("meting-2025", code).attrs) for code in instruments}
    for code in instruments:
        frames.release(code)
        assert not [key for key in frames._frames if key[1] == code]
    for code, data in before.items():
        again = frames.raw("meting-2025", code)
        assert list(again.dtypes.items()) == list(data.dtypes.items()), code
        # The same values, missing where they were (None or NaN alike in a text column).
        pd.testing.assert_frame_equal(_missing_as_none(again), _missing_as_none(data))
        assert set(again.attrs) == set(attrs[code]), code
        assert repr(again.attrs.get("rates")) == repr(attrs[code].get("rates")), code
    kept = evaluate_kpis(demo, programme, instruments, "meting-2025", 10)
    released = evaluate_kpis(
        demo, programme, instruments, "meting-2025", 10,
        frames=Frames(demo, programme, instruments), release=True,
    )  # fmt: skip
    assert [r.kpi.code for r in kept] == [r.kpi.code for r in released]
    for one, other in zip(kept, released, strict=True):
        assert (one.note, one.answered, one.responding) == (
            other.note,
            other.answered,
            other.responding,
        )
        if one.estimate is not None:
            assert one.estimate.to_dict() == other.estimate.to_dict(), one.kpi.code
        assert (one.change is None) == (other.change is None), one.kpi.code
        if one.change is not None:
            assert one.change == other.change, one.kpi.code
        assert set(one.by) == set(other.by), one.kpi.code


def _missing_as_none(data: pd.DataFrame) -> pd.DataFrame:
    return data.astype(object).where(data.notna(), None)
