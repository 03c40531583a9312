"""A calculate question is a column of the analysis frame, the exports and the codebook."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy.engine import Engine

from mel.db import session_scope
from mel.models import FrameUnit, Instrument, Response, Unit, WaveStratum
from mel.services import exports as export
from tests.factories import make_wave, publish_survey


def survey() -> dict[str, Any]:
    return {
        "instrument": "delta-meting",
        "programme": "delta",
        "version": 1,
        "title": {"nl": "Meting", "en": "Measurement"},
        "pages": [
            {
                "name": "p1",
                "questions": [
                    {"name": "werknemers", "type": "integer", "label": {"nl": "Werknemers"}},
                    {"name": "vrouwen", "type": "integer", "label": {"nl": "Vrouwen"}},
                    {
                        "name": "aandeel",
                        "type": "calculate",
                        "calculation": "${vrouwen} div ${werknemers}",
                        "label": {"nl": "Aandeel vrouwen", "en": "Share of women"},
                    },
                ],
            }
        ],
    }


def test_calculation_is_a_number_column_with_its_label(engine: Engine) -> None:
    with session_scope(engine) as session:
        version = publish_survey(session, survey())
        instrument = session.get(Instrument, version.instrument_id)
        assert instrument is not None
        wave = make_wave(session, instrument.code)
        session.add(WaveStratum(wave_id=wave.id, stratum="A", population_size=8, sample_size=4))
        for i, stored in enumerate([0.5, 0.25, None, 1]):
            unit = Unit(
                programme_id=instrument.programme_id, code=f"d{i}", name=f"D{i}", kind="pps"
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
                    answers={"werknemers": 4, "vrouwen": 2, "aandeel": stored},
                    client_submission_id=uuid.uuid4().hex,
                    completed_at=datetime.now(UTC),
                )
            )
    built = export.build_export(
        engine, programme="delta", wave="w2025", instrument="delta-meting", language="en"
    )
    column = built.data["aandeel"]
    assert column.dtype == float
    assert column.tolist()[:2] == [0.5, 0.25] and pd.isna(column.tolist()[2])
    assert built.variable_labels["aandeel"] == "Share of women"
    book = built.codebook.set_index("variable")
    assert book.loc["aandeel", "type"] == "float64"
    back = pd.read_csv(io.BytesIO(export.write(built, "csv")), encoding="utf-8-sig")
    assert back["aandeel"].tolist()[3] == 1.0
