"""`mel demo` makes Katapult's next wave through the real path, from a units file to the outbox."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import Session, select

from mel.cli import main
from mel.db import make_engine
from mel.models import Case, Contact, Mail, Response, Wave
from mel.services.waves import resolve_wave_code, wave_responses


def test_demo_draws_and_invites_a_wave_the_real_way(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    instance = tmp_path / "instance"
    monkeypatch.setenv("MEL_INSTANCE_PATH", str(instance))
    result = CliRunner().invoke(
        main, ["demo", "--no-serve", "--scale", "0.02", "--database-url", db_url]
    )
    assert result.exit_code == 0, result.output
    assert "katapult impactmeting-2027 (planned) through the real path" in result.output
    units = list(csv.DictReader((instance / "demo" / "katapult-units.csv").open()))
    assert len(units) == 465 and {"code", "stratum", "kind"} <= set(units[0])
    contacts = list(csv.DictReader((instance / "demo" / "impactmeting-2027-contacts.csv").open()))
    mails = sorted((instance / "outbox" / "impactmeting-2027").glob("*.eml"))
    engine = make_engine(db_url)
    try:
        with Session(engine) as session:
            wave = session.exec(select(Wave).where(Wave.code == "impactmeting-2027")).one()
            # The shipped wave file: stratified, 225 of the 450 pps, with the demo's seed.
            assert (wave.status, wave.sample_seed) == ("planned", 2025)
            assert wave.frozen_at is not None  # the invitations froze the sample
            assert wave.source_path and wave.source_path.endswith("impactmeting-2027.yaml")
            cases = session.exec(select(Case).where(Case.wave_id == wave.id)).all()
            assert len(cases) == len(contacts) == 225
            sent = session.exec(
                select(Mail).join(Contact).where(Contact.wave_id == wave.id, Mail.status == "sent")
            ).all()
            assert len(sent) == len(mails) == 225
            # The simulated waves keep the answers: `latest` skips the planned wave.
            assert resolve_wave_code(session, "katapult", "latest") == "impactmeting-2025"
            # How big a wave is, for the report pool's order: its responses, any state.
            latest = session.exec(select(Wave).where(Wave.code == "impactmeting-2025")).one()
            held = session.exec(select(Response).where(Response.wave_id == latest.id)).all()
            assert wave_responses(session, "katapult", "impactmeting-2025") == len(held) > 0
            assert wave_responses(session, "katapult", "impactmeting-2027") == 0
            assert wave_responses(session, "techkwadraat", "impactmeting-2025") == 0
    finally:
        engine.dispose()
    body = mails[0].read_text(encoding="utf-8")
    assert "http://127.0.0.1:5000/i/" in body.replace("=\n", "")
