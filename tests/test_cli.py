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
    assert result.output.strip() == "OK: 8 instruments, 3 programmes, 2 code books"


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
    header = out.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == "kpi,estimate,se,ci_low,ci_high,n,df,deff"
    bad = runner.invoke(
        main, ["analyse", "--programme", "katapult", "--wave", "x", "--kpi", "kat_studenten"]
    )
    assert bad.exit_code == 2 and "no wave 'x' in programme 'katapult'" in bad.output


def test_analyse_refuses_an_unsafe_question_or_instrument_in_one_line() -> None:
    result = CliRunner().invoke(
        main,
        ["analyse", "--programme", "p", "--wave", "w", "--question", "a b", "--instrument", "i x"],
    )
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "--question: invalid code 'a b'" in result.output
    assert "--instrument: invalid code 'i x'" in result.output


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


def test_demo_then_any_command_uses_the_same_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MEL_DATABASE_URL", raising=False)
    monkeypatch.setenv("MEL_INSTANCE_PATH", str(tmp_path / "instance"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    runner = CliRunner()
    serve = runner.invoke(main, ["serve"])
    assert serve.exit_code == 1 and "has no tables yet" in serve.output
    assert "mel demo --no-serve" in serve.output
    demo = runner.invoke(main, ["demo", "--no-serve", "--scale", "0.02"])
    assert demo.exit_code == 0, demo.output
    assert f"sqlite:///{tmp_path / 'instance' / 'mel.sqlite'}" in demo.output
    monkeypatch.chdir(elsewhere)  # another working directory, the same database
    create = runner.invoke(
        main,
        ["users", "create", "--email", "new@example.org", "--role", "researcher"]
        + ["--programme", "katapult", "--password-stdin"],
        input="a long enough password 1\n",
    )
    assert create.exit_code == 0, create.output
    listed = runner.invoke(main, ["users", "list"])
    assert "new@example.org" in listed.output and "admin@demo.mel.invalid" in listed.output
    again = runner.invoke(main, ["demo", "--no-serve", "--scale", "0.02"])
    assert again.exit_code == 0, again.output  # a demo database may be made afresh


def test_demo_leaves_a_database_it_did_not_make_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MEL_DATABASE_URL", raising=False)
    monkeypatch.setenv("MEL_INSTANCE_PATH", str(tmp_path))
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    before = (tmp_path / "mel.sqlite").read_bytes()
    result = runner.invoke(main, ["demo", "--no-serve", "--scale", "0.02"])
    assert result.exit_code == 1 and "holds data that `mel demo` did not make" in result.output
    assert (tmp_path / "mel.sqlite").read_bytes() == before
    monkeypatch.setenv("MEL_DATABASE_URL", f"sqlite:///{tmp_path / 'mel.sqlite'}")
    result = runner.invoke(main, ["demo", "--no-serve", "--scale", "0.02"])
    assert result.exit_code == 1 and "MEL_DATABASE_URL is set" in result.output


def test_analyse_accepts_a_year_and_latest_as_report_does(db_url: str) -> None:
    runner = CliRunner(env={"MEL_DATABASE_URL": db_url})
    demo = runner.invoke(main, ["demo", "--no-serve", "--scale", "0.05", "--database-url", db_url])
    assert demo.exit_code == 0, demo.output
    estimates = []
    for wave in ("monitor-2025", "2025", "latest"):
        result = runner.invoke(
            main,
            ["analyse", "--programme", "digitale-werkplaatsen", "--wave", wave]
            + ["--kpi", "dw_cijfer"],
        )
        assert result.exit_code == 0, result.output
        estimates.append(result.output)
    assert estimates[0] == estimates[1] == estimates[2]
    missing = runner.invoke(
        main,
        ["analyse", "--programme", "digitale-werkplaatsen", "--wave", "1999", "--kpi", "dw_cijfer"],
    )
    assert missing.exit_code == 2 and "no wave '1999'" in missing.output
