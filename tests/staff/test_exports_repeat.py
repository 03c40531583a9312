"""Repeat groups in the analysis frame (a row count), as a long frame and in the exports."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy.engine import Engine

from mel.data.frame import FrameError
from mel.data.repeats import repeat_frame
from mel.db import session_scope
from mel.models import FrameUnit, Instrument, Response, Unit, WaveStratum
from mel.services import exports as export
from tests.factories import make_wave, publish_survey

from .conftest import Auth, make_users

PARTNERS = [
    [{"bedrijf": "Bakker", "branche": "bouw", "soort": ["stage", "gastles"]}],
    [],
    [
        {"bedrijf": "Smit", "branche": "zorg", "soort": ["stage"]},
        {"bedrijf": "=HYPERLINK(1)", "branche": "bouw", "soort": None},
    ],
]


def survey() -> dict[str, Any]:
    sectors = [
        {"value": "bouw", "label": {"nl": "Bouw", "en": "Construction"}},
        {"value": "zorg", "label": {"nl": "Zorg", "en": "Care"}},
    ]
    kinds = [
        {"value": "stage", "label": {"nl": "Stage", "en": "Internship"}},
        {"value": "gastles", "label": {"nl": "Gastles", "en": "Guest lesson"}},
    ]
    return {
        "instrument": "eta-meting",
        "programme": "eta",
        "version": 1,
        "title": {"nl": "Meting", "en": "Measurement"},
        "choices": {"branche": sectors, "soort": kinds},
        "pages": [
            {
                "name": "p1",
                "questions": [
                    {"name": "cijfer", "type": "integer", "label": {"nl": "Cijfer"}},
                    {
                        "name": "partners",
                        "type": "repeat",
                        "label": {"nl": "Partners", "en": "Partners"},
                        "questions": [
                            {"name": "bedrijf", "type": "text", "label": {"nl": "Naam"}},
                            {
                                "name": "branche",
                                "type": "select_one",
                                "choices": "branche",
                                "label": {"nl": "Branche", "en": "Industry"},
                            },
                            {
                                "name": "soort",
                                "type": "select_multiple",
                                "choices": "soort",
                                "label": {"nl": "Soort", "en": "Kind"},
                            },
                        ],
                    },
                ],
            }
        ],
    }


@pytest.fixture
def eta(engine: Engine) -> Engine:
    with session_scope(engine) as session:
        version = publish_survey(session, survey())
        instrument = session.get(Instrument, version.instrument_id)
        assert instrument is not None
        wave = make_wave(session, instrument.code)
        session.add(WaveStratum(wave_id=wave.id, stratum="A", population_size=6, sample_size=3))
        for i, rows in enumerate(PARTNERS):
            unit = Unit(
                programme_id=instrument.programme_id, code=f"e{i}", name=f"E{i}", kind="pps"
            )
            session.add(unit)
            session.flush()
            session.add(FrameUnit(wave_id=wave.id, unit_id=unit.id, stratum="A"))
            session.add(
                Response(
                    public_id=f"r{i}",
                    respondent_id=str(uuid.uuid4()),
                    wave_id=wave.id,
                    instrument_version_id=version.id,
                    unit_id=unit.id,
                    status="complete",
                    answers={"cijfer": 7, "partners": rows},
                    client_submission_id=uuid.uuid4().hex,
                    completed_at=datetime.now(UTC),
                )
            )
    return engine


def test_long_frame_links_rows_to_responses(eta: Engine) -> None:
    long = repeat_frame(
        eta, programme="eta", wave="w2025", instrument="eta-meting", repeat="partners"
    )
    assert long["response_id"].tolist() == ["r0", "r2", "r2"]
    assert long["row"].tolist() == [1, 1, 2]
    assert long["unit"].tolist() == ["e0", "e2", "e2"]
    assert long["weight"].tolist() == [2.0, 2.0, 2.0]  # the unit's weight: 6 units, 3 answered
    assert long["branche"].tolist() == ["bouw", "zorg", "bouw"]
    assert long["soort__stage"].tolist()[:2] == [1.0, 1.0]
    assert pd.isna(long["soort__stage"].iloc[2])
    assert long.attrs["variable_labels"]["branche"] == "Branche"
    # Distinct companies per industry, the report's question.
    assert long.groupby("branche")["bedrijf"].nunique().to_dict() == {"bouw": 2, "zorg": 1}
    with pytest.raises(FrameError):
        repeat_frame(eta, programme="eta", wave="w2025", instrument="eta-meting", repeat="x")


def test_exports_carry_the_long_table(eta: Engine) -> None:
    built = export.build_export(
        eta, programme="eta", wave="w2025", instrument="eta-meting", language="en"
    )
    assert built.data["partners__rows"].tolist() == [1.0, 0.0, 2.0]
    long = built.repeats["partners"]
    assert "response_id" not in long.columns  # linked by the pseudonym, as the data sheet
    assert long["respondent"].tolist()[1] == built.data["respondent"].tolist()[2]
    back = pd.read_csv(
        io.BytesIO(export.write(built, "csv", table="partners")), encoding="utf-8-sig"
    )
    assert back["bedrijf"].tolist() == ["Bakker", "Smit", "'=HYPERLINK(1)"]  # defused
    book = export.codebook(built)
    rows = book[book["table"] == "partners"].set_index("variable")
    assert rows.loc["branche", "label"] == "Industry"
    assert "zorg = Care" in rows.loc["branche", "value_labels"]
    assert rows.loc["row", "label"] == "Row number within the respondent"
    assert "unit" not in rows.index  # described once, with the data sheet
    assert book["variable"].is_unique
    assert book.set_index("variable").loc["partners__rows", "label"] == "Partners: number of rows"
    workbook = load_workbook(io.BytesIO(export.write(built, "xlsx")))
    assert workbook.sheetnames == ["data", "rows_partners", "codebook"]
    assert workbook["rows_partners"].max_row == 4
    with pytest.raises(ValueError):
        export.write(built, "sav", table="partners")


def test_the_web_download_of_a_long_table(eta: Engine, client: FlaskClient, auth: Auth) -> None:
    make_users(eta, "eta")
    auth.as_role("researcher", "eta")
    base = "/staff/p/eta/exports/w2025/eta-meting"
    response = client.get(f"{base}/data.csv?table=partners")
    assert response.status_code == 200
    assert "mel-eta-w2025-eta-meting-partners.csv" in response.headers["Content-Disposition"]
    assert b"Smit" in response.data and b"response_id" not in response.data
    assert client.get(f"{base}/data.csv?table=nothing").status_code == 404
    assert client.get(f"{base}/data.sav?table=partners").status_code == 404
