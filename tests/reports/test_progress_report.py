"""`mel report --kind progress`: the voortgangsrapportage of the demo's Katapult census."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from sqlmodel import Session

from mel.cli import main
from mel.data.census import census_data
from mel.db import make_engine, session_scope, upgrade
from mel.demo import simulate
from mel.kpi.definitions import published_programme
from mel.kpi.progress import progress_results
from mel.present.numbers import format_number, format_percent
from mel.surveys.loader import load_catalogue
from mel.surveys.publish import publish_catalogue

SURVEYS = Path(__file__).parents[2] / "surveys"


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Every programme published; Katapult simulated (two census years, 2025 and 2026)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'progress.sqlite'}"
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        publish_catalogue(session, load_catalogue([SURVEYS]))
    simulate(engine, seed=11, scale=0.2, programmes=["katapult"])
    engine.dispose()
    return url


def run(database: str, *args: str) -> tuple[int, str]:
    runner = CliRunner(env={"MEL_DATABASE_URL": database})
    result = runner.invoke(main, ["report", "--kind", "progress", *args])
    return result.exit_code, result.output


def test_html_in_dutch_and_english_with_the_figures_computed(database: str, tmp_path: Path) -> None:
    engine = make_engine(database)
    with Session(engine) as session:
        programme = published_programme(session, "katapult")
        assert programme.progress is not None
        data = census_data(session, "katapult", programme.progress.instrument)
    engine.dispose()
    results = progress_results(data, programme.progress, 2026)
    students = next(r for r in results.indicators if r.indicator.code == "studenten")
    now = students.year(2026)
    assert now is not None and 0 < now.imputed_share < 0.3 and now.coverage < 1
    for lang, title in (("nl", "Voortgangsrapportage 2026"), ("en", "Progress report 2026")):
        code, output = run(database, "--programme", "katapult", "--year", "2026",
                           "--language", lang, "--no-pdf", "--out", str(tmp_path))  # fmt: skip
        assert code == 0, output
        html = (tmp_path / f"katapult-voortgang-2026-{lang}.html").read_text(encoding="utf-8")
        assert title in html
        assert format_number(now.total, 0, lang) in html
        assert format_number(now.reported, 0, lang) in html
        assert format_percent(now.imputed_share, 1, lang) in html
        assert format_percent(now.coverage, 1, lang) in html
        assert html.count('<section class="profile"') == len(data.frames[2026])
        assert 'id="profile-pps-001"' in html
        assert "<svg" in html and "http" not in html.split("<body>")[1].split("</footer>")[0]
    written = {p.name for p in tmp_path.iterdir()}
    assert {"katapult-voortgang-2026-nl-totals.csv", "katapult-voortgang-2026-en.xlsx"} <= written


def test_pdf_without_profiles(database: str, tmp_path: Path) -> None:
    code, output = run(database, "--programme", "katapult", "--year", "2026", "--no-profiles",
                       "--out", str(tmp_path))  # fmt: skip
    assert code == 0, output
    reader = PdfReader(tmp_path / "katapult-voortgang-2026-nl.pdf")
    assert len(reader.pages) > 5
    text = "".join(page.extract_text() for page in reader.pages[:3])
    assert "Voortgangsrapportage 2026" in text and "Dekking" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--programme", "katapult"], "--kind progress takes --year"),
        (["--programme", "katapult", "--year", "2026", "--wave", "x"], "takes --year"),
        (["--programme", "katapult", "--year", "2030"],
         "no progress measurement in 2030 (years measured: 2025, 2026)"),
        (["--programme", "techkwadraat", "--year", "2026"],
         "programme 'techkwadraat' has no progress measurement"),
        (["--programme", "nope", "--year", "2026"], "unknown programme 'nope'"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line(
    database: str, tmp_path: Path, args: list[str], message: str
) -> None:
    code, output = run(database, *args, "--no-pdf", "--out", str(tmp_path))
    assert code == 1 and message in output, output
    assert "Traceback" not in output
