"""`mel report` does not pass a run whose KPIs could not be computed as done."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from sqlmodel import select

from mel.cli import main
from mel.db import session_scope
from mel.models import Instrument
from tests.reports.conftest import Filled

ARGS = ["report", "--programme", "werk", "--wave", "meting-2025", "--no-pdf"]


def test_kpis_that_cannot_be_computed_fail_the_run(
    two_waves: Filled, db_url: str, tmp_path: Path
) -> None:
    runner = CliRunner(env={"MEL_DATABASE_URL": db_url, "MEL_SURVEYS_DIR": str(two_waves.surveys)})
    assert runner.invoke(main, [*ARGS, "--out", str(tmp_path / "fine")]).exit_code == 0
    # A person survey needs the persons of every unit, which this frame does not have.
    with session_scope(two_waves.engine) as session:
        instrument = session.exec(select(Instrument)).one()
        instrument.respondent = "person"
        session.add(instrument)
    out = tmp_path / "broken"
    result = runner.invoke(main, [*ARGS, "--out", str(out)])
    assert result.exit_code == 1
    kpis = len(two_waves.programme.kpis)
    assert f"Error: {kpis} KPI(s) could not be computed" in result.output
    assert (
        "werk meting-2025: " in result.output and "has no persons for instrument" in result.output
    )
    # The files are written all the same and say why at each KPI, and the wave still has
    # its complete responses (the summary does not claim it has none).
    html = (out / "werk-meting-2025-nl.html").read_text(encoding="utf-8")
    assert html.count("Deze KPI kon niet worden berekend") >= kpis
    assert "geen afgeronde responsen" not in html


def test_reports_built_in_worker_processes_bring_their_problems_back(
    two_waves: Filled, db_url: str, tmp_path: Path
) -> None:
    from mel.reports.batch import ReportJob, run_jobs

    with session_scope(two_waves.engine) as session:
        instrument = session.exec(select(Instrument)).one()
        instrument.respondent = "person"
        session.add(instrument)
    jobs = [
        ReportJob(db_url, "werk", "meting-2025", tmp_path / lang, lang, 10, False)
        for lang in ("nl", "en")
    ]
    written = run_jobs(jobs, workers=2)
    kpis = len(two_waves.programme.kpis)
    assert [len(files.problems) for files in written] == [kpis, kpis]
    assert all(files[0].exists() for files in written)
