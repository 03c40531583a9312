"""The real programmes (katapult, digitale-werkplaatsen, techkwadraat) on simulated data."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.engine import Engine

from mel.cli import main
from mel.db import session_scope
from mel.demo import simulate
from mel.surveys.loader import load_catalogue
from mel.surveys.publish import publish_catalogue

WAVES = {
    "katapult": "impactmeting-2025",
    "digitale-werkplaatsen": "monitor-2025",
    "techkwadraat": "meting-2025",
}


@pytest.fixture
def demo(engine: Engine, surveys_dir: Path) -> Engine:
    """A small simulated database of every real programme, waves 2023 and 2025."""
    with session_scope(engine) as session:
        publish_catalogue(session, load_catalogue([surveys_dir]))
    simulate(engine, seed=7, scale=0.1, waves=(2023, 2025))
    return engine


def test_every_programme_reports(demo: Engine, db_url: str, tmp_path: Path) -> None:
    runner = CliRunner(env={"MEL_DATABASE_URL": db_url})
    # All three at once, in two worker processes, choosing each programme's 2025 wave.
    result = runner.invoke(
        main,
        [
            "report",
            "--programme",
            "all",
            "--wave",
            "2025",
            "--jobs",
            "2",
            "--out",
            str(tmp_path / "all"),
            "--no-pdf",
        ],
    )
    assert result.exit_code == 0, result.output
    for programme, wave in WAVES.items():
        html = (tmp_path / "all" / f"{programme}-{wave}-nl.html").read_text(encoding="utf-8")
        assert "Bijlage: methode" in html
        if programme == "digitale-werkplaatsen":
            # At this scale the responding werkplaatsen minus the strata leave 4 design df,
            # too few to trust a variance (quality grade E), so no estimate is published.
            # The fieldwork section's rates (the wave has cases) explain e as "het deel
            # ... dat naar schatting geschikt is"; no figure is called an estimate.
            assert html.count("naar schatting") == html.count("dat naar schatting geschikt is")
            assert "te onzeker om te publiceren (kwaliteit E: df 4 &lt; 8)" in html
            continue
        assert "naar schatting" in html
        assert "Sinds " in html  # the change since the 2023 wave
        assert "http" not in html
    # A worker process writes exactly what a run of one programme writes.
    result = runner.invoke(
        main,
        [
            "report",
            "--programme",
            "katapult",
            "--wave",
            "latest",
            "--out",
            str(tmp_path / "one"),
            "--no-pdf",
        ],
    )
    assert result.exit_code == 0, result.output
    name = "katapult-impactmeting-2025-nl.html"
    assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "all" / name).read_bytes()
