"""The example wave file of every programme is valid against the published catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from mel.db import session_scope
from mel.services.sampling.waves import create_wave
from mel.surveys.loader import load_catalogue
from mel.surveys.publish import publish_catalogue

PROGRAMMES = ["katapult", "digitale-werkplaatsen", "techkwadraat"]


@pytest.mark.parametrize("programme", PROGRAMMES)
def test_example_wave_file(engine: Engine, surveys_dir: Path, programme: str) -> None:
    catalogue = load_catalogue([surveys_dir / programme])
    assert catalogue.ok, catalogue.problems  # the waves/ folder is not read as surveys
    paths = sorted((surveys_dir / programme / "waves").glob("*.yaml"))
    assert paths
    with session_scope(engine) as session:
        publish_catalogue(session, catalogue)
        for path in paths:  # Katapult: its impactmeting and its census (voortgangsmeting)
            created = create_wave(session, path)
            assert created.action == "created" and created.wave.code == path.stem
            assert created.wave.design["programme"] == programme
