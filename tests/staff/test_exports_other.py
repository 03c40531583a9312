""" "Other, namely …": the code and the typed text survive every export format."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyreadstat
import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from mel.db import session_scope
from mel.models import FrameUnit, Instrument, Response, Unit, WaveStratum
from mel.services import exports as export
from tests.factories import make_wave, publish_survey

from .conftest import Auth, make_users

TEXTS = ["Via de buurvrouw", '=HYPERLINK("x")', "café – één\nregel twee", "-1+2"]
BASE = "/staff/p/gamma/exports/w2025/gamma-meting"


def survey() -> dict[str, Any]:
    """A select_one and a select_multiple question, both offering "other"."""
    return {
        "instrument": "gamma-meting",
        "programme": "gamma",
        "version": 1,
        "title": {"nl": "Meting", "en": "Measurement"},
        "choices": {
            "soort": [
                {"value": "klein", "label": {"nl": "Klein", "en": "Small"}},
                {"value": "groot", "label": {"nl": "Groot", "en": "Big"}},
            ],
            "kanaal": [
                {"value": "mail", "label": {"nl": "E-mail", "en": "E-mail"}},
                {"value": "web", "label": {"nl": "Website", "en": "Website"}},
            ],
        },
        "pages": [
            {
                "name": "p1",
                "questions": [
                    {
                        "name": "cijfer",
                        "type": "rating",
                        "min": 1,
                        "max": 10,
                        "label": {"nl": "Cijfer"},
                    },
                    {
                        "name": "soort",
                        "type": "select_one",
                        "choices": "soort",
                        "other": True,
                        "label": {"nl": "Soort", "en": "Kind"},
                    },
                    {
                        "name": "kanalen",
                        "type": "select_multiple",
                        "choices": "kanaal",
                        "other": True,
                        "label": {"nl": "Kanalen", "en": "Channels"},
                    },
                ],
            }
        ],
    }


def answers(i: int) -> dict[str, Any]:
    """Every other respondent chose "other" in both questions and typed a text."""
    if i % 2:
        return {"cijfer": 7, "soort": "klein", "kanalen": ["mail"]}
    text = TEXTS[(i // 2) % len(TEXTS)]
    return {
        "cijfer": 8,
        "soort": "other",
        "soort__other": text,
        "kanalen": ["web", "other"],
        "kanalen__other": text.upper(),
    }


@pytest.fixture
def gamma(engine: Engine) -> Engine:
    """Programme gamma: 12 units in one stratum, each with a complete response."""
    with session_scope(engine) as session:
        version = publish_survey(session, survey())
        instrument = session.get(Instrument, version.instrument_id)
        assert instrument is not None
        wave = make_wave(session, instrument.code)
        session.add(WaveStratum(wave_id=wave.id, stratum="A", population_size=24, sample_size=12))
        for i in range(12):
            unit = Unit(
                programme_id=instrument.programme_id, code=f"g{i:02d}", name=f"G{i}", kind="pps"
            )
            session.add(unit)
            session.flush()
            session.add(FrameUnit(wave_id=wave.id, unit_id=unit.id, stratum="A"))
            session.add(
                Response(
                    public_id=str(uuid.uuid4()),
                    respondent_id=str(uuid.uuid4()),
                    wave_id=wave.id,
                    instrument_version_id=version.id,
                    unit_id=unit.id,
                    status="complete",
                    answers=answers(i),
                    client_submission_id=uuid.uuid4().hex,
                    completed_at=datetime.now(UTC),
                )
            )
    return engine


@pytest.fixture
def built(gamma: Engine) -> export.WaveExport:
    return export.build_export(gamma, programme="gamma", wave="w2025", instrument="gamma-meting")


def expected_texts(upper: bool = False) -> list[str | None]:
    texts = [None if i % 2 else TEXTS[(i // 2) % len(TEXTS)] for i in range(12)]
    return [t.upper() if t and upper else t for t in texts]


def defused(texts: list[str | None]) -> list[str | None]:
    return [("'" + t if t and t[0] in "=+-@" else t) for t in texts]


def test_frame_has_the_other_code_and_text(built: export.WaveExport) -> None:
    data = built.data
    assert data["soort"].tolist() == ["other" if i % 2 == 0 else "klein" for i in range(12)]
    assert data["soort__other_text"].tolist() == expected_texts()
    assert data["kanalen__other"].tolist() == [float(i % 2 == 0) for i in range(12)]
    assert data["kanalen__other_text"].tolist() == expected_texts(upper=True)
    columns = list(data.columns)
    assert columns.index("soort__other_text") == columns.index("soort") + 1
    assert columns[columns.index("kanalen__mail") :][:4] == [
        "kanalen__mail",
        "kanalen__web",
        "kanalen__other",
        "kanalen__other_text",
    ]
    assert built.variable_labels["soort__other_text"] == "Soort: Anders, namelijk"
    assert built.variable_labels["kanalen__other"] == "Kanalen: Anders"
    assert built.value_labels["soort"]["other"] == "Anders"


def test_csv_keeps_the_other_text(built: export.WaveExport) -> None:
    back = pd.read_csv(io.BytesIO(export.write(built, "csv")), encoding="utf-8-sig")
    assert back["soort"].tolist()[:2] == ["other", "klein"]
    texts = [None if pd.isna(v) else v for v in back["soort__other_text"]]
    assert texts == defused(expected_texts())
    assert back["kanalen__other"].tolist() == [float(i % 2 == 0) for i in range(12)]


def test_xlsx_keeps_the_other_text_and_the_codebook_lists_it(built: export.WaveExport) -> None:
    content = export.write(built, "xlsx")
    sheet = load_workbook(io.BytesIO(content))["data"]
    header = [c.value for c in sheet[1]]
    column = header.index("soort__other_text")
    texts = [row[column].value for row in sheet.iter_rows(min_row=2)]
    assert texts == defused(expected_texts())
    book = pd.read_excel(io.BytesIO(content), sheet_name="codebook", engine="openpyxl").set_index(
        "variable"
    )
    assert book.loc["soort", "sav_dta_codes"] == "1 = klein; 2 = groot; 3 = other"
    assert "other = Anders" in book.loc["soort", "value_labels"]
    assert book.loc["soort__other_text", "label"] == "Soort: Anders, namelijk"
    assert book.loc["kanalen__other", "label"] == "Kanalen: Anders"
    assert book.loc["kanalen__other_text", "versions"] == 1


@pytest.mark.parametrize("fmt", ["sav", "dta"])
def test_stat_files_code_other_and_keep_its_text(
    built: export.WaveExport, tmp_path: Path, fmt: str
) -> None:
    path = tmp_path / f"x.{fmt}"
    path.write_bytes(export.write(built, fmt))
    reader = pyreadstat.read_sav if fmt == "sav" else pyreadstat.read_dta
    data, meta = reader(str(path))
    assert meta.variable_value_labels["soort"] == {1.0: "Klein", 2.0: "Groot", 3.0: "Anders"}
    assert data["soort"].tolist() == [3.0 if i % 2 == 0 else 1.0 for i in range(12)]
    assert data["soort__other_text"].tolist() == [t or "" for t in defused(expected_texts())]
    assert data["kanalen__other"].tolist() == [float(i % 2 == 0) for i in range(12)]
    assert data["kanalen__other_text"].tolist() == [
        t or "" for t in defused(expected_texts(upper=True))
    ]
    labels = meta.column_names_to_labels
    assert labels["soort__other_text"] == "Soort: Anders, namelijk"
    assert labels["kanalen__other"] == "Kanalen: Anders"
    labelled, _ = reader(str(path), apply_value_formats=True)
    assert set(labelled["soort"]) == {"Klein", "Anders"}


def test_a_value_no_choice_list_knows_is_coded_not_lost(gamma: Engine, tmp_path: Path) -> None:
    with session_scope(gamma) as session:
        response = session.exec(select(Response).order_by(col(Response.id))).first()
        assert response is not None
        response.answers = {**response.answers, "soort": "middel"}  # e.g. a removed choice
        session.add(response)
    built = export.build_export(gamma, programme="gamma", wave="w2025", instrument="gamma-meting")
    path = tmp_path / "x.sav"
    path.write_bytes(export.write(built, "sav"))
    data, meta = pyreadstat.read_sav(str(path), apply_value_formats=True)
    assert data["soort"].iloc[0] == "middel" and data["soort"].notna().all()
    assert meta.variable_value_labels["soort"][4.0] == "middel"


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "sav", "dta"])
def test_the_web_download_has_the_other_columns(
    gamma: Engine, client: FlaskClient, auth: Auth, fmt: str
) -> None:
    make_users(gamma, "gamma")
    auth.as_role("researcher", "gamma")
    response = client.get(f"{BASE}/data.{fmt}")
    assert response.status_code == 200
    if fmt == "csv":
        assert b"soort__other_text" in response.data and b"Via de buurvrouw" in response.data
    elif fmt == "xlsx":
        frame = pd.read_excel(io.BytesIO(response.data), sheet_name="data", engine="openpyxl")
        assert "VIA DE BUURVROUW" in set(frame["kanalen__other_text"].dropna())
    else:
        assert b"soort__other_text" in response.data and b"Via de buurvrouw" in response.data
    book = client.get(f"{BASE}/codebook.csv").data.decode("utf-8-sig")
    assert "soort__other_text" in book and "kanalen__other" in book
