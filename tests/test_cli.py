"""The `mel` command line: every command has help, errors are one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from mel.cli import main
from tests.factories import survey_dict, write_catalogue


@pytest.fixture
def runner(db_url: str) -> CliRunner:
    """A click runner whose MEL_DATABASE_URL points at a fresh database."""
    return CliRunner(env={"MEL_DATABASE_URL": db_url})


def _commands(group, prefix=()):  # type: ignore[no-untyped-def]
    yield prefix
    for name, command in getattr(group, "commands", {}).items():
        yield from _commands(command, (*prefix, name))


@pytest.mark.parametrize("path", list(_commands(main)), ids=lambda p: " ".join(p) or "mel")
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


def test_db_upgrade_then_current(runner: CliRunner) -> None:
    result = runner.invoke(main, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "database at revision" in result.output
    assert runner.invoke(main, ["db", "current"]).output.strip() != ""


def test_validate_real_surveys(surveys_dir: Path) -> None:
    result = CliRunner().invoke(main, ["surveys", "validate", str(surveys_dir)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "OK: 5 instruments, 3 programmes"


def test_validate_reports_problems_with_exit_1(tmp_path: Path) -> None:
    data = survey_dict()
    data["pages"][0]["questions"][0]["type"] = "slider"
    write_catalogue(tmp_path, survey=data)
    result = CliRunner().invoke(main, ["surveys", "validate", str(tmp_path)])
    assert result.exit_code == 1
    assert "pages[0].questions[0].type: unknown value 'slider'" in result.output
    assert "Traceback" not in result.output


def test_publish_then_refuse_a_changed_version(runner: CliRunner, tmp_path: Path) -> None:
    folder = write_catalogue(tmp_path / "files")
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    first = runner.invoke(main, ["surveys", "publish", str(folder)])
    assert first.exit_code == 0, first.output
    assert "instrument test-survey v1: created" in first.output
    write_catalogue(folder, survey=survey_dict(title={"nl": "Gewijzigd"}))
    second = runner.invoke(main, ["surveys", "publish", str(folder)])
    assert second.exit_code == 1
    assert "nothing published" in second.output and "Set `version: 2`" in second.output


def test_publish_without_migrations_says_what_to_do(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["surveys", "publish", str(write_catalogue(tmp_path))])
    assert result.exit_code == 1
    assert "mel db upgrade" in result.output
    assert "Traceback" not in result.output


def test_bad_database_url_is_one_line() -> None:
    result = CliRunner(env={"MEL_DATABASE_URL": "nonsense"}).invoke(main, ["db", "upgrade"])
    assert result.exit_code == 1
    assert "Error: MEL_DATABASE_URL is not a database URL: 'nonsense'" in result.output


def test_demo_fills_a_database_and_prints_links_and_logins(db_url: str) -> None:
    result = CliRunner().invoke(
        main, ["demo", "--no-serve", "--scale", "0.05", "--database-url", db_url]
    )
    assert result.exit_code == 0, result.output
    assert "instrument dw-impactmonitor v2: created" in result.output
    assert "/s/dw-impactmonitor/monitor-2025" in result.output
    assert "staff@demo.mel.invalid  password: " in result.output


def test_analyse_prints_an_estimate(db_url: str, tmp_path: Path) -> None:
    assert (
        CliRunner()
        .invoke(main, ["demo", "--no-serve", "--scale", "0.05", "--database-url", db_url])
        .exit_code
        == 0
    )
    runner = CliRunner(env={"MEL_DATABASE_URL": db_url})
    out = tmp_path / "mark.csv"
    result = runner.invoke(
        main,
        [
            "analyse",
            "--programme",
            "digitale-werkplaatsen",
            "--wave",
            "monitor-2025",
            "--kpi",
            "dw_cijfer",
            "--csv",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    header = out.read_text().splitlines()[0]
    assert header == "kpi,estimate,se,ci_low,ci_high,n,df,deff"
    bad = runner.invoke(
        main, ["analyse", "--programme", "katapult", "--wave", "x", "--kpi", "kat_studenten"]
    )
    assert bad.exit_code == 1 and "no wave 'x' in programme 'katapult'" in bad.output


def test_analyse_notes_responses_outside_the_frame(db_url: str) -> None:
    from sqlmodel import Session, select

    from mel.db import make_engine
    from mel.models import FrameUnit, Response, Wave

    assert (
        CliRunner()
        .invoke(main, ["demo", "--no-serve", "--scale", "0.05", "--database-url", db_url])
        .exit_code
        == 0
    )
    runner = CliRunner(env={"MEL_DATABASE_URL": db_url})
    args = [
        "analyse",
        "--programme",
        "digitale-werkplaatsen",
        "--wave",
        "monitor-2025",
        "--kpi",
        "dw_cijfer",
    ]
    assert "outside the wave's sampling frame" not in runner.invoke(main, args).output
    engine = make_engine(db_url)
    with Session(engine) as session:
        wave = session.exec(select(Wave).where(Wave.code == "monitor-2025")).one()
        unit_id = session.exec(
            select(Response.unit_id).where(
                Response.wave_id == wave.id, Response.status == "complete"
            )
        ).first()
        session.delete(
            session.exec(
                select(FrameUnit).where(FrameUnit.wave_id == wave.id, FrameUnit.unit_id == unit_id)
            ).one()
        )
        session.commit()
        left_out = len(
            session.exec(
                select(Response.id).where(
                    Response.wave_id == wave.id,
                    Response.unit_id == unit_id,
                    Response.status == "complete",
                )
            ).all()
        )
    engine.dispose()
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert (
        f"note: {left_out} complete response(s) to 'dw-impactmonitor' in wave "
        f"'monitor-2025' come from units outside the wave's sampling frame"
    ) in result.output


def test_an_empty_default_database_points_at_the_demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mel.cli import context

    monkeypatch.delenv("MEL_DATABASE_URL", raising=False)
    monkeypatch.setattr(context, "INSTANCE_PATH", tmp_path)
    monkeypatch.setattr(
        context, "defaults", lambda _path: {"DATABASE_URL": f"sqlite:///{tmp_path / 'mel.sqlite'}"}
    )
    args = ["report", "--programme", "katapult", "--wave", "latest", "--out", str(tmp_path / "out")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "cannot use the database" in result.output and "mel demo" not in result.output
    (tmp_path / "demo.sqlite").touch()
    result = CliRunner().invoke(main, args)
    assert f"`mel demo` filled {tmp_path / 'demo.sqlite'}" in result.output
    with_url = CliRunner().invoke(
        main, [*args, "--database-url", f"sqlite:///{tmp_path / 'other.sqlite'}"]
    )
    assert with_url.exit_code == 1 and "`mel demo` filled" not in with_url.output
