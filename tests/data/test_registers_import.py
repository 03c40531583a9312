"""Register imports: every problem located as file:row:column with its value, versions kept."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from mel.cli import main
from mel.data.registers import (
    RegisterProblems,
    UnknownSource,
    import_register,
    latest_rows,
    versions,
)
from mel.db import session_scope
from mel.models import RegisterImport, RegisterRow
from mel.surveys.programme_schema import ProgrammeDefinition
from mel.surveys.publish import publish_programme
from tests.factories import REGISTER_CSV, programme_dict, register_kpis, register_source

SOURCE = "duo_test"


@pytest.fixture
def published(engine: Engine) -> Engine:
    """A published programme declaring the register source `duo_test`."""
    definition = programme_dict(
        kpis=[], registers=[register_source()], register_kpis=register_kpis("pad.res")
    )
    with session_scope(engine) as session:
        publish_programme(session, ProgrammeDefinition.model_validate(definition))
    return engine


def write(tmp_path: Path, text: str, name: str = "duo.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(engine: Engine, path: Path) -> list[str]:
    with pytest.raises(RegisterProblems) as caught, Session(engine) as session:
        import_register(session, SOURCE, path, "tester")
    with Session(engine) as session:  # a refused file stores nothing
        assert session.exec(select(RegisterImport)).all() == []
    return caught.value.problems


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            REGISTER_CSV.replace("regio,jaar,leerlingen", "provincie,jaar,leerlingen"),
            [
                "{p}:1:regio: required column is missing",
                "{p}:1:provincie: unknown column (expected regio, jaar, leerlingen, techniek)",
            ],
        ),
        (
            REGISTER_CSV.replace("Zeeland,2024,500", "Zeeland,2024,5OO"),
            ["{p}:4:leerlingen: not a whole number (value '5OO')"],
        ),
        (
            REGISTER_CSV + "Utrecht,2025,1,1\n",
            ["{p}:8:regio,jaar: duplicate key (regio='Utrecht', jaar=2025), also on row 5"],
        ),
        (
            REGISTER_CSV.replace("Zeeland,2025", "Zeelandd,2025"),
            [
                "{p}:7:regio: unknown value 'Zeelandd' (allowed: Utrecht, Gelderland, Zeeland, "
                "Limburg); did you mean 'Zeeland'?"
            ],
        ),
        (
            REGISTER_CSV.replace("Utrecht,2024,1000,200", "Utrecht,2024,1000,-3"),
            ["{p}:2:techniek: below the minimum 0 (value '-3')"],
        ),
        (
            REGISTER_CSV.replace("Utrecht,2024,1000,200", "Utrecht,2024,,200"),
            ["{p}:2:leerlingen: value missing"],
        ),
        ("", ["{p}:1: the file is empty (expected a header row)"]),
        ("regio,jaar,leerlingen,techniek\n", ["{p}:2: the file has a header but no rows"]),
    ],
    ids=[
        "wrong column",
        "bad type",
        "duplicate key",
        "unknown region",
        "minimum",
        "missing",
        "empty file",
        "header only",
    ],
)
def test_problems_are_located(
    published: Engine, tmp_path: Path, text: str, expected: list[str]
) -> None:
    path = write(tmp_path, text)
    assert problems(published, path) == [e.format(p=path) for e in expected]


def test_semicolons_and_every_problem_at_once(published: Engine, tmp_path: Path) -> None:
    text = REGISTER_CSV.replace(",", ";").replace("Utrecht;2024;1000", "Utrecht;20x4;1000")
    text = text.replace("Zeeland;2025;450;90", "Limburgg;2025;450;9.5")
    path = write(tmp_path, text)
    assert problems(published, path) == [
        f"{path}:2:jaar: not a whole number (value '20x4')",
        f"{path}:7:regio: unknown value 'Limburgg' (allowed: Utrecht, Gelderland, Zeeland, "
        "Limburg); did you mean 'Limburg'?",
        f"{path}:7:techniek: not a whole number (value '9.5')",
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("duo.txt", b"regio,jaar\n", "wrong file type '.txt'; give a .csv or .xlsx file"),
        ("duo.csv", b"%PDF-1.7\n...", "wrong file type: this is a PDF document, not a .csv table"),
        ("duo.xlsx", b"regio,jaar,leerlingen\n", "wrong file type: not an .xlsx workbook"),
        ("duo.csv", b"\xff\xfeU\x00t\x00", "wrong file type: not UTF-8 text (byte 1)"),
    ],
)
def test_wrong_file_types(
    published: Engine, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    found = problems(published, path)
    assert len(found) == 1 and found[0].startswith(f"{path}: {message}"), found


def test_a_workbook_is_read_and_located_like_a_csv(published: Engine, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    for line in REGISTER_CSV.splitlines():
        cells = line.split(",")
        sheet.append([int(c) if c.isdigit() else c for c in cells])
    sheet["C3"] = "veel"
    path = tmp_path / "duo.xlsx"
    book.save(path)
    assert problems(published, path) == [f"{path}:3:leerlingen: not a whole number (value 'veel')"]
    sheet["C3"] = 3000.0  # a number stored as a float by a spreadsheet is still whole
    book.save(path)
    assert zipfile.is_zipfile(path)
    with session_scope(published) as session:
        assert import_register(session, SOURCE, path, "tester").rows == 6


def test_versions_who_when_hash_and_the_same_file_again(published: Engine, tmp_path: Path) -> None:
    first = write(tmp_path, REGISTER_CSV, "v1.csv")
    second = write(tmp_path, REGISTER_CSV.replace("Zeeland,2025,450,90", "Zeeland,2025,450,95"))
    with session_scope(published) as session:
        one = import_register(session, SOURCE, first, "anna")
        again = import_register(session, SOURCE, first, "bert")
    assert (one.version, one.created, one.rows) == (1, True, 6)
    assert (again.version, again.created) == (1, False)
    assert "unchanged, the file equals version 1" in str(again)
    with session_scope(published) as session:
        two = import_register(session, SOURCE, second, "bert")
        three = import_register(session, SOURCE, first, "carla")
    assert (two.version, two.created) == (2, True)
    assert (three.version, three.same_as) == (3, 1)
    assert "the same file as version 1" in str(three)
    with Session(published) as session:
        found = versions(session, SOURCE)
        assert [(v.version, v.imported_by, v.file_name) for v in found] == [
            (1, "anna", "v1.csv"),
            (2, "bert", "duo.csv"),
            (3, "carla", "v1.csv"),
        ]
        assert found[0].file_hash == found[2].file_hash != found[1].file_hash
        assert all(v.imported_at is not None and len(v.file_hash) == 64 for v in found)
        # older versions are kept row for row
        assert len(session.exec(select(RegisterRow)).all()) == 18
        latest, rows = latest_rows(session, SOURCE)
        assert latest is not None and latest.version == 3
        assert rows[-1] == {"regio": "Zeeland", "jaar": 2025, "leerlingen": 450, "techniek": 90}


def test_an_unknown_source_names_the_published_ones(published: Engine, tmp_path: Path) -> None:
    with pytest.raises(UnknownSource, match="published: duo_test"), Session(published) as session:
        import_register(session, "cbs", write(tmp_path, REGISTER_CSV), "tester")


def test_the_command_prints_located_problems_and_no_traceback(
    published: Engine, db_url: str, tmp_path: Path
) -> None:
    runner = CliRunner(env={"MEL_DATABASE_URL": db_url})
    bad = write(tmp_path, REGISTER_CSV.replace("Zeeland,2025", "Zeelandd,2025"), "bad.csv")
    result = runner.invoke(main, ["data", "import", "--source", SOURCE, str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:7:regio: unknown value 'Zeelandd'" in result.output
    assert "1 problem(s) in" in result.output and "Traceback" not in result.output
    good = write(tmp_path, REGISTER_CSV, "good.csv")
    args = ["data", "import", "--source", SOURCE, "--by", "anna", str(good)]
    assert "version 1 imported, 6 rows" in runner.invoke(main, args).output
    assert "unchanged" in runner.invoke(main, args).output
    listed = runner.invoke(main, ["data", "versions", "--source", SOURCE]).output
    assert "v1" in listed and "anna" in listed and "good.csv" in listed and "(latest)" in listed
    unknown = runner.invoke(main, ["data", "import", "--source", "cbs", str(good)])
    assert unknown.exit_code == 1 and "no register source 'cbs'" in unknown.output
