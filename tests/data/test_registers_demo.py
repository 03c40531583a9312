"""The demo imports the example register file shipped beside Techkwadraat's programme."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from mel.db import session_scope
from mel.demo.registers import import_examples
from mel.kpi.definitions import published_programme
from mel.kpi.register import evaluate_register_kpis
from mel.surveys.loader import load_catalogue
from mel.surveys.publish import publish_catalogue


def test_the_shipped_file_imports_once_and_gives_the_kpis(
    engine: Engine, surveys_dir: Path
) -> None:
    catalogue = load_catalogue([surveys_dir])
    with session_scope(engine) as session:
        publish_catalogue(session, catalogue)
    first = import_examples(engine, surveys_dir)
    assert [(r.source, r.version, r.rows, r.created) for r in first] == [
        ("duo_instroom_techniek", 1, 60, True)
    ]
    again = import_examples(engine, surveys_dir)
    assert [(r.version, r.created) for r in again] == [(1, False)]
    with Session(engine) as session:
        programme = published_programme(session, "techkwadraat")
        results = {r.kpi.code: r for r in evaluate_register_kpis(session, programme, 2025)}
    share = results["tk_aandeel_techniek"]
    # the file's 2025 rows summed: 44,387 of 182,876 pupils
    assert (share.year, share.numerator, share.denominator) == (2025, 44387, 182876)
    assert len(share.by["regio"]) == 12 and len(share.history) == 5
