"""Response files: labels and values survive a round trip, formulas are neutralised,
nothing identifying is exported, and every export is audited; dashboards escape answers."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from mel.data.frame import frame
from mel.kpi.frames import design_for
from mel.models import Response
from mel.models.accounts import AuditEvent
from mel.present.tables import FORMULA_START
from mel.services import exports as export

from .conftest import Auth, seed_programme

BASE = "/staff/p/alpha/exports/w2025/alpha-meting"


@pytest.fixture
def built(seeded: Engine) -> export.WaveExport:
    return export.build_export(seeded, programme="alpha", wave="w2025", instrument="alpha-meting")


def test_design_variables_and_no_identifiers(built: export.WaveExport, seeded: Engine) -> None:
    data = built.data
    for column in ("respondent", "unit", "stratum", "weight", "fpc_units", "version"):
        assert column in data.columns
    assert "response_id" not in data.columns and "email" not in data.columns
    with Session(seeded) as session:
        rows = session.exec(select(Response)).all()
    secrets = {r.public_id for r in rows} | {r.client_submission_id for r in rows} - {None}
    text = export.to_csv(data).decode("utf-8-sig")
    assert not any(secret in text for secret in secrets)
    assert "@example.org" not in text
    assert len(data) == 28  # complete responses only


def test_csv_round_trip_and_formula_injection(built: export.WaveExport) -> None:
    back = pd.read_csv(io.BytesIO(export.write(built, "csv")), encoding="utf-8-sig")
    assert list(back.columns) == list(built.data.columns)
    assert back["cijfer"].tolist() == built.data["cijfer"].tolist()
    assert back["respondent"].tolist() == built.data["respondent"].tolist()
    texts = set(back["toelichting"])
    assert texts == {"Goed", '\'=HYPERLINK("http://x")'}
    assert not any(
        str(v).startswith(FORMULA_START) for v in back.to_numpy().ravel() if isinstance(v, str)
    )


def test_xlsx_has_no_formulas_and_a_codebook(built: export.WaveExport) -> None:
    book = load_workbook(io.BytesIO(export.write(built, "xlsx")))
    assert book.sheetnames == ["data", "codebook"]
    cells = [c for row in book["data"].iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    values = {c.value for c in cells}
    assert '\'=HYPERLINK("http://x")' in values
    codebook = pd.read_excel(
        io.BytesIO(export.write(built, "xlsx")), sheet_name="codebook", engine="openpyxl"
    )
    row = codebook.set_index("variable").loc["soort"]
    assert row["label"] == "Soort" and row["sav_dta_codes"] == "1 = klein; 2 = groot"
    assert codebook.set_index("variable").loc["tevreden__a", "versions"] == 1


@pytest.mark.parametrize("fmt", ["sav", "dta"])
def test_stat_files_round_trip(built: export.WaveExport, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"x.{fmt}"
    path.write_bytes(export.write(built, fmt))
    reader = pyreadstat.read_sav if fmt == "sav" else pyreadstat.read_dta
    data, meta = reader(str(path))
    book = export.codebook(built).set_index("variable")
    names = book["stata_name" if fmt == "dta" else "spss_name"].to_dict()
    assert names["cijfer"] == "cijfer" and names["tevreden__a"] == "tevreden__a"
    labels = meta.column_names_to_labels
    assert labels[names["cijfer"]].startswith("Cijfer")
    assert labels[names["tevreden__a"]] == "Tevredenheid: Over A"
    assert labels[names["weight"]] == "Gewicht"
    assert data[names["cijfer"]].tolist() == built.data["cijfer"].astype(float).tolist()
    assert data[names["weight"]].round(9).tolist() == built.data["weight"].round(9).tolist()
    values = meta.variable_value_labels
    assert values[names["tevreden__a"]] == {float(i): f"s{i}" for i in range(1, 6)}
    assert values[names["soort"]] == {1.0: "Klein", 2.0: "'=Groot"}
    assert values[names["internationaal"]] == {0.0: "nee", 1.0: "ja"}
    codes = {"klein": 1.0, "groot": 2.0}
    assert data[names["soort"]].tolist() == built.data["soort"].map(codes).tolist()
    labelled, _ = reader(str(path), apply_value_formats=True)
    assert set(labelled[names["soort"]]) == {"Klein", "'=Groot"}
    assert set(data[names["toelichting"]]) == {"Goed", '\'=HYPERLINK("http://x")'}


def test_frame_can_be_analysed_with_the_exported_design(
    built: export.WaveExport, seeded: Engine
) -> None:
    data = pd.read_csv(io.BytesIO(export.write(built, "csv")), encoding="utf-8-sig")
    design = design_for(data)  # a unit survey: one stage, as mel analyses it
    original = frame(seeded, programme="alpha", wave="w2025", instrument="alpha-meting")
    # the file holds the respondents with their final weights (R: svydesign(ids = ~unit,
    # strata = ~stratum, weights = ~weight, fpc = ~fpc_units)); mel's own design also keeps
    # the sampled units that did not answer, for the variance of the nonresponse weighting
    del original.attrs["sampled_units"]
    expected = design_for(original).mean("cijfer")
    assert design.mean("cijfer").estimate == pytest.approx(expected.estimate)
    assert design.mean("cijfer").se == pytest.approx(expected.se)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "sav", "dta"])
def test_web_download_is_audited(seeded: Engine, client: FlaskClient, auth: Auth, fmt: str) -> None:
    auth.as_role("researcher")
    response = client.get(f"{BASE}/data.{fmt}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="mel-alpha-w2025-alpha-meting.{fmt}"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    with Session(seeded) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "export")).one()
    assert (event.actor, event.programme, event.target) == (
        "researcher@alpha.example",
        "alpha",
        "w2025/alpha-meting",
    )
    assert event.detail == {"format": fmt, "rows": 28}
    assert "Goed" not in repr(event.detail)


def test_xss_in_answers_and_labels_is_inert(
    engine: Engine, client: FlaskClient, auth: Auth
) -> None:
    payload = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    seed_programme(engine, "alpha", text=payload)
    from .conftest import make_users

    make_users(engine)
    auth.as_role("admin")
    pages = [
        client.get("/staff/p/alpha/texts?question=alpha-meting:toelichting"),
        client.get("/staff/p/alpha/kpis"),
        client.get("/staff/p/alpha/exports/"),
        client.get("/staff/p/alpha/fieldwork"),
    ]
    for page in pages:
        assert page.status_code == 200
        assert "<script" not in page.text and "onerror=alert" not in page.text.replace(
            "onerror=alert(1)&gt;", ""
        )
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in pages[0].text
    assert "Meting &lt;b&gt;vet&lt;/b&gt;" in pages[2].text
    svg = client.get("/staff/p/alpha/kpis/cijfer.svg?view=1")
    assert b"<script" not in svg.data and b"<style" not in svg.data


def test_exports_page_counts_responses_left_out_of_the_files(
    seeded: Engine, client: FlaskClient, auth: Auth
) -> None:
    from sqlmodel import delete

    from mel.db import session_scope
    from mel.models import FrameUnit, Unit

    auth.as_role("researcher")
    client.get("/staff/p/alpha/exports/?lang=en")
    page = client.get("/staff/p/alpha/exports/")
    assert '<td class="num">28</td>' in page.text and "not included" not in page.text
    data = frame(seeded, programme="alpha", wave="w2025", instrument="alpha-meting")
    unit = data["unit"].iloc[0]
    dropped = int((data["unit"] == unit).sum())
    with session_scope(seeded) as session:  # the unit leaves the wave's frame
        unit_id = session.exec(select(Unit.id).where(Unit.code == unit)).one()
        session.exec(delete(FrameUnit).where(FrameUnit.unit_id == unit_id))
    after = frame(seeded, programme="alpha", wave="w2025", instrument="alpha-meting")
    assert after.attrs["outside_frame"] == dropped > 0
    page = client.get("/staff/p/alpha/exports/")
    assert f'<td class="num">{28 - dropped}<br>' in page.text
    assert f"{dropped} more from units outside this wave&#39;s frame: not included" in page.text
    # The files hold what the page says.
    assert (
        len(
            export.build_export(
                seeded, programme="alpha", wave="w2025", instrument="alpha-meting"
            ).data
        )
        == 28 - dropped
    )


def test_kpi_dashboard_says_how_many_responses_it_leaves_out(
    seeded: Engine, client: FlaskClient, auth: Auth
) -> None:
    from sqlmodel import delete

    from mel.db import session_scope
    from mel.models import FrameUnit, Unit

    auth.as_role("researcher")
    assert "steekproefopzet" not in client.get("/staff/p/alpha/kpis").text
    data = frame(seeded, programme="alpha", wave="w2025", instrument="alpha-meting")
    unit = data["unit"].iloc[0]
    dropped = int((data["unit"] == unit).sum())
    with session_scope(seeded) as session:
        unit_id = session.exec(select(Unit.id).where(Unit.code == unit)).one()
        session.exec(delete(FrameUnit).where(FrameUnit.unit_id == unit_id))
    page = client.get("/staff/p/alpha/kpis")
    assert page.status_code == 200
    assert (
        f"{dropped} afgeronde responsen van eenheden buiten de steekproefopzet van deze "
        "meting tellen niet mee"
    ) in page.text


def test_without_the_stats_extra_spss_and_stata_say_what_to_install(
    seeded: Engine, client: FlaskClient, auth: Auth, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "pyreadstat", None)  # as if `mel[stats]` were not installed
    auth.as_role("researcher")
    page = client.get("/staff/p/alpha/exports/").text
    assert "data.csv" in page and "data.sav" not in page and "data.dta" not in page
    for fmt in ("sav", "dta"):
        response = client.get(f"{BASE}/data.{fmt}")
        assert response.status_code == 501
        assert "pip install &#39;mel[stats]&#39;" in response.text and "pyreadstat" in response.text
    with pytest.raises(export.MissingExtra, match=r"mel\[stats\]"):
        built = export.build_export(
            seeded, programme="alpha", wave="w2025", instrument="alpha-meting"
        )
        export.write(built, "sav")
