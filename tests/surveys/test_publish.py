"""Publishing stores immutable instrument versions and mirrors programme files."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from mel.db import session_scope
from mel.models import (
    Instrument,
    InstrumentVersion,
    Kpi,
    KpiTarget,
    PathwayLink,
    Programme,
    Response,
    Wave,
)
from mel.surveys.loader import load_catalogue
from mel.surveys.publish import PublishRefused, load_version, publish_catalogue
from tests.factories import programme_dict, survey_dict, write_catalogue


def publish(engine: Engine, folder: Path) -> list[str]:
    with session_scope(engine) as session:
        return [str(r) for r in publish_catalogue(session, load_catalogue([folder]))]


def test_first_publish_creates_everything(engine: Engine, tmp_path: Path) -> None:
    assert publish(engine, write_catalogue(tmp_path)) == [
        "programme test-programme: created",
        "instrument test-survey v1: created",
    ]
    with Session(engine) as session:
        version = session.exec(select(InstrumentVersion)).one()
        assert load_version(version).question("cijfer").max == 10
        kpi = session.exec(select(Kpi)).one()
        assert (kpi.code, kpi.estimator, kpi.baseline_value) == ("cijfer", "mean", 7.1)
        assert kpi.spec["question"] == "cijfer"
        assert [(t.year, t.kind, t.value) for t in session.exec(select(KpiTarget))] == [
            (2025, "target", 7.2)
        ]
        assert len(session.exec(select(PathwayLink)).all()) == 1


def test_republishing_the_same_content_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    folder = write_catalogue(tmp_path)
    publish(engine, folder)
    assert publish(engine, folder) == [
        "programme test-programme: unchanged",
        "instrument test-survey v1: unchanged",
    ]


def test_changed_content_under_a_published_version_is_refused(
    engine: Engine, tmp_path: Path
) -> None:
    publish(engine, write_catalogue(tmp_path))
    changed = survey_dict()
    changed["title"] = {"nl": "Andere titel", "en": "Other title"}
    write_catalogue(tmp_path, survey=changed)
    with pytest.raises(
        PublishRefused,
        match=r"version 1 is already published with different "
        r"content.*Set `version: 2`",
    ):
        publish(engine, tmp_path)
    with Session(engine) as session:
        assert session.exec(select(Instrument)).one().title_nl == "Testvragenlijst"


def test_new_version_keeps_old_version_and_its_responses(engine: Engine, tmp_path: Path) -> None:
    publish(engine, write_catalogue(tmp_path))
    with session_scope(engine) as session:
        v1 = session.exec(select(InstrumentVersion)).one()
        programme = session.exec(select(Programme)).one()
        wave = Wave(programme_id=programme.id, code="w", label_nl="w", label_en="w", year=2025)
        session.add(wave)
        session.flush()
        session.add(
            Response(
                public_id="r1",
                wave_id=wave.id,
                instrument_version_id=v1.id,
                respondent_id="p1",
                answers={"cijfer": 8},
                status="complete",
            )
        )
    write_catalogue(tmp_path, survey=survey_dict(version=2, title={"nl": "Nieuw"}))
    assert "instrument test-survey v2: created" in publish(engine, tmp_path)
    with Session(engine) as session:
        versions = session.exec(select(InstrumentVersion).order_by(InstrumentVersion.version))
        assert [(v.version, load_version(v).title.nl) for v in versions] == [
            (1, "Testvragenlijst"),
            (2, "Nieuw"),
        ]
        response = session.exec(select(Response)).one()
        assert (response.instrument_version_id, response.answers) == (v1.id, {"cijfer": 8})


def test_an_older_version_number_is_refused(engine: Engine, tmp_path: Path) -> None:
    write_catalogue(tmp_path, survey=survey_dict(version=3))
    publish(engine, tmp_path)
    write_catalogue(tmp_path, survey=survey_dict(version=2))
    with pytest.raises(PublishRefused, match="version 2 is older than the published version 3"):
        publish(engine, tmp_path)


def test_programme_changes_replace_kpis(engine: Engine, tmp_path: Path) -> None:
    publish(engine, write_catalogue(tmp_path))
    programme = programme_dict()
    programme["kpis"][0]["targets"] = [{"year": 2027, "value": 7.5}]
    write_catalogue(tmp_path, programme=programme)
    assert publish(engine, tmp_path)[0] == "programme test-programme: updated"
    with Session(engine) as session:
        assert [(t.year, t.value) for t in session.exec(select(KpiTarget))] == [(2027, 7.5)]


def test_invalid_files_are_not_published(engine: Engine, tmp_path: Path) -> None:
    write_catalogue(tmp_path, survey=survey_dict(version=0))
    with pytest.raises(PublishRefused, match="validate"):
        publish(engine, tmp_path)


def test_real_catalogue_publishes(engine: Engine, surveys_dir: Path) -> None:
    results = publish(engine, surveys_dir)
    assert sum("programme" in r for r in results) == 3
    assert all(r.endswith("created") for r in results)
