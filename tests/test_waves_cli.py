"""`mel waves` (open links on and off, audited) and invitations that skip answered units."""

from __future__ import annotations

import csv
import uuid
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from mel.cli import main
from mel.db import session_scope
from mel.models import AuditEvent, InstrumentVersion, Response, Unit, Wave, WaveInstrument
from tests.factories import make_unit, make_wave, publish_survey
from tests.web.conftest import DATA


@pytest.fixture
def cli(engine: Engine, db_url: str) -> CliRunner:
    """A runner on a database with a unit-level survey, a wave with three sampled units."""
    with session_scope(engine) as session:
        data = yaml.safe_load((DATA / "consent.yaml").read_text(encoding="utf-8"))
        version = publish_survey(session, {**data, "respondent": "unit"})
        wave = make_wave(session, "web-consent")
        units = [make_unit(session, "web-test", f"wp-{i}", wave=wave) for i in range(3)]
        # wp-0 has completed the survey in this wave
        session.add(
            Response(
                public_id=str(uuid.uuid4()),
                respondent_id=str(uuid.uuid4()),
                wave_id=wave.id or 0,
                instrument_version_id=version.id or 0,
                unit_id=units[0].id,
                status="complete",
                unit_once_instrument_id=version.instrument_id,
            )
        )
    return CliRunner(env={"MEL_DATABASE_URL": db_url, "MEL_BASE_URL": "http://localhost"})


def link_state(engine: Engine) -> tuple[bool, bool]:
    with Session(engine) as session:
        row = session.exec(select(WaveInstrument)).one()
        return row.open_link, row.ask_unit


def test_open_link_on_and_off(cli: CliRunner, engine: Engine) -> None:
    args = ["waves", "open-link", "--wave", "w2025", "--instrument", "web-consent"]
    listed = cli.invoke(main, ["waves", "list"])
    assert listed.exit_code == 0 and "web-consent" in listed.output and " off" in listed.output
    refused = cli.invoke(main, [*args, "--on"])
    assert refused.exit_code == 1
    assert "has a sampling frame" in refused.output and "(add --ask-unit)" in refused.output
    assert link_state(engine) == (False, False)
    on = cli.invoke(main, [*args, "--on", "--ask-unit"])
    assert on.exit_code == 0, on.output
    assert "on, asks for the unit" in on.output and "/s/web-consent/w2025" in on.output
    assert link_state(engine) == (True, True)
    off = cli.invoke(main, [*args, "--off"])
    assert off.exit_code == 0 and link_state(engine) == (False, False)
    with Session(engine) as session:
        events = session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()  # type: ignore[arg-type]
    assert [(e.action, e.target, e.detail["state"]) for e in events] == [
        ("open_link_changed", "w2025/web-consent", "ask_unit"),
        ("open_link_changed", "w2025/web-consent", "off"),
    ]
    unknown = cli.invoke(main, [*args[:3], "nope", *args[4:], "--off"])
    assert unknown.exit_code == 1 and "unknown wave 'nope'" in unknown.output
    assert cli.invoke(main, [*args, "--off", "--ask-unit"]).exit_code == 2


def test_invitations_skip_units_that_have_answered(
    cli: CliRunner, engine: Engine, tmp_path: Path
) -> None:
    base = ["invitations", "create", "--wave", "w2025", "--instrument", "web-consent"]
    made = cli.invoke(main, [*base, "--units", "sampled", "--out", str(tmp_path / "a.csv")])
    assert made.exit_code == 0, made.output
    assert "created 2 invitation links" in made.output
    assert "skipped 1 unit(s) that have already completed web-consent" in made.output
    with (tmp_path / "a.csv").open(encoding="utf-8-sig") as handle:
        assert sorted(row["unit"] for row in csv.DictReader(handle)) == ["wp-1", "wp-2"]
    every = cli.invoke(
        main,
        [*base, "--units", "sampled", "--include-answered", "--out", str(tmp_path / "b.csv")],
    )
    assert every.exit_code == 0 and "created 3 invitation links" in every.output
    with Session(engine) as session:
        version = session.exec(select(InstrumentVersion)).one()
        wave = session.exec(select(Wave)).one()
        for code in ("wp-1", "wp-2"):
            unit = session.exec(select(Unit).where(Unit.code == code)).one()
            session.add(
                Response(
                    public_id=str(uuid.uuid4()),
                    respondent_id=str(uuid.uuid4()),
                    wave_id=wave.id or 0,
                    instrument_version_id=version.id or 0,
                    unit_id=unit.id,
                    status="complete",
                    unit_once_instrument_id=version.instrument_id,
                )
            )
        session.commit()
    none = cli.invoke(main, [*base, "--units", "sampled", "--out", str(tmp_path / "c.csv")])
    assert none.exit_code == 1 and "every unit asked for has already completed" in none.output
    assert not (tmp_path / "c.csv").exists()
