"""`mel report`: writes the files; bad input gives one clear line and exit status 1."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from mel.cli import main
from tests.reports.conftest import Filled


@pytest.fixture
def runner(two_waves: Filled, db_url: str) -> CliRunner:
    """A runner reading the filled test database and the test programme's files."""
    return CliRunner(env={"MEL_DATABASE_URL": db_url, "MEL_SURVEYS_DIR": str(two_waves.surveys)})


ARGS = ["report", "--programme", "werk", "--wave", "meting-2025", "--no-pdf"]


def test_report_writes_html_and_tables(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, [*ARGS, "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    written = [Path(line) for line in result.output.splitlines()]
    assert written[0].name == "werk-meting-2025-nl.html" and written[0].exists()
    assert any(p.suffix == ".xlsx" for p in written)
    assert "Sinds Meting 2023" in written[0].read_text(encoding="utf-8")


def test_english_report(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, [*ARGS, "--out", str(tmp_path), "--language", "en"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "werk-meting-2025-en.html").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"--programme": "nope"}, "unknown programme 'nope' (known: werk)"),
        (
            {"--wave": "meting-1999"},
            "no wave 'meting-1999' in programme 'werk' (waves: meting-2023, meting-2025)",
        ),
        ({"--wave": "1999"}, "no wave '1999' in programme 'werk'"),
        ({"--language": "fr"}, "unknown language 'fr'"),
        ({"--min-group-size": "0"}, "minimum group size"),
    ],
)
def test_bad_input_is_one_line(
    runner: CliRunner, tmp_path: Path, change: dict[str, str], message: str
) -> None:
    args = [*ARGS, "--out", str(tmp_path)]
    for option, value in change.items():
        if option in args:
            args[args.index(option) + 1] = value
        else:
            args += [option, value]
    result = runner.invoke(main, args)
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and message in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("option", "value"), [("--jobs", "0"), ("--pdf-engine", "latex")])
def test_bad_option_values_are_named(
    runner: CliRunner, tmp_path: Path, option: str, value: str
) -> None:
    result = runner.invoke(main, [*ARGS, "--out", str(tmp_path), option, value])
    assert result.exit_code == 2 and f"Invalid value for '{option}'" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("wave", ["2025", "latest", "meting-2025"])
def test_wave_by_code_year_or_latest(runner: CliRunner, tmp_path: Path, wave: str) -> None:
    args = ["report", "--programme", "all", "--wave", wave, "--no-pdf", "--out", str(tmp_path)]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "werk-meting-2025-nl.html").exists()


def test_unwritable_out(runner: CliRunner, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = runner.invoke(main, [*ARGS, "--out", str(blocker / "out")])
    assert result.exit_code == 1
    assert result.output.startswith("Error: cannot write to") and result.output.count("\n") == 1


def test_missing_database_file(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        main,
        [*ARGS, "--out", str(tmp_path), "--database-url", f"sqlite:///{tmp_path / 'none.sqlite'}"],
    )
    assert result.exit_code == 1 and "no database at" in result.output
    assert not (tmp_path / "none.sqlite").exists()
