"""`mel units import`: upsert by code, dry run, inactive units, located problems."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from mel.models import AuditEvent, Unit
from tests.services.helpers import mel
from tests.services.sampling.conftest import HEADER, PROGRAMME, unit_rows, write_units


def units(engine: Engine) -> dict[str, Unit]:
    with Session(engine) as session:
        return {u.code: u for u in session.exec(select(Unit).order_by(col(Unit.code))).all()}


def test_import_dry_run_then_upsert_and_mark_gone_inactive(
    published: Engine, db_url: str, tmp_path: Path
) -> None:
    rows = unit_rows({"a": 3, "b": 2})
    rows[1][3] = "u-001"  # u-002 belongs to u-001
    path = write_units(tmp_path / "units.csv", rows)
    dry = mel(db_url, "units", "import", "--programme", PROGRAMME, str(path), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "  new      u-005" in dry.output and "would import" in dry.output
    assert "5 new, 0 changed, 0 gone" in dry.output
    assert units(published) == {}
    done = mel(db_url, "units", "import", "--programme", PROGRAMME, str(path))
    assert done.exit_code == 0, done.output
    stored = units(published)
    assert sorted(stored) == ["u-001", "u-002", "u-003", "u-004", "u-005"]
    assert stored["u-003"].sizes == {"students": 30} and stored["u-004"].stratum == "b"
    assert stored["u-002"].parent_id == stored["u-001"].id
    # Second file: u-003 renamed, u-005 gone, u-006 new.
    rows = [r for r in rows if r[0] != "u-005"] + [["u-006", "Nieuw", "school", "", "", "b", ""]]
    rows[2][1] = "Andere naam"
    path = write_units(tmp_path / "units2.csv", rows)
    dry = mel(db_url, "units", "import", "--programme", PROGRAMME, str(path), "--dry-run")
    assert "  changed  u-003 (name)" in dry.output and "  gone     u-005" in dry.output
    assert "1 new, 1 changed, 1 gone (marked inactive), 3 unchanged" in dry.output
    assert units(published)["u-003"].name == "Werkplaats 3"
    assert mel(db_url, "units", "import", "--programme", PROGRAMME, str(path)).exit_code == 0
    stored = units(published)
    assert stored["u-003"].name == "Andere naam" and stored["u-006"].sizes == {}
    assert not stored["u-005"].active and stored["u-001"].active
    with Session(published) as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "units_imported")).all()
    assert [(e.detail["new"], e.detail["gone"]) for e in events] == [(5, 0), (1, 1)]
    # The unit comes back: active again.
    back = write_units(tmp_path / "units3.csv", unit_rows({"a": 3, "b": 2}))
    again = mel(db_url, "units", "import", "--programme", PROGRAMME, str(back))
    assert "changed  u-005 (active)" in again.output
    assert units(published)["u-005"].active


def test_bad_file_reports_every_problem_and_imports_nothing(
    published: Engine, db_url: str, tmp_path: Path
) -> None:
    rows = unit_rows({"a": 4})
    rows[0][2] = "fabriek"  # unknown kind, row 2
    rows[1][6] = "veel"  # not a number, row 3
    rows[2][0] = "u-001"  # duplicate code, row 4
    rows[3][3] = "u-999"  # unknown parent, row 5
    rows.append(["", "Zonder code", "werkplaats", "", "", "a", "1"])  # row 6
    path = write_units(tmp_path / "bad.csv", rows)
    result = mel(db_url, "units", "import", "--programme", PROGRAMME, str(path))
    assert result.exit_code == 1
    expected = [
        f"{path}:2:kind: unknown kind 'fabriek'",
        f"{path}:3:size_students: 'veel' is not a whole number ≥ 0",
        f"{path}:4:code: 'u-001' is also on row 2",
        f"{path}:6:code: empty; every unit needs a code",
    ]
    for line in expected:
        assert line in result.output, result.output
    assert "nothing was imported" in result.output and "Traceback" not in result.output
    assert units(published) == {}
    # With the row problems gone, the parent is checked against file and register.
    rows = unit_rows({"a": 2})
    rows[1][3] = "u-999"
    parent = mel(
        db_url,
        "units",
        "import",
        "--programme",
        PROGRAMME,
        str(write_units(tmp_path / "p.csv", rows)),
    )
    assert f"{tmp_path / 'p.csv'}:3:parent: no unit 'u-999'" in parent.output
    assert units(published) == {}


def test_header_problems_and_unknown_programme(
    published: Engine, db_url: str, tmp_path: Path
) -> None:
    path = write_units(tmp_path / "h.csv", [["x", "y"]], header=["code", "naam"])
    result = mel(db_url, "units", "import", "--programme", PROGRAMME, str(path))
    assert f"{path}:1:name: required column is missing" in result.output
    assert f"{path}:1:naam: unknown column" in result.output
    good = write_units(tmp_path / "g.csv", unit_rows({"a": 1}))
    unknown = mel(db_url, "units", "import", "--programme", "nope", str(good))
    assert unknown.exit_code == 1 and "unknown programme 'nope'" in unknown.output


def test_xlsx_with_numbers_as_cells(published: Engine, db_url: str, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER + ["size_teachers"])
    sheet.append(["u-1", "Een", "school", None, "oost", "s1", 812, 41.0])
    sheet.append(["u-2", "Twee", "school", "u-1", "oost", "s1", None, 7])
    sheet.append([None] * 8)  # a blank row between keeps row numbers honest
    sheet.append(["u-3", "Drie", "school", None, "oost", "s1", -3, 1])
    path = tmp_path / "units.xlsx"
    book.save(path)
    bad = mel(db_url, "units", "import", "--programme", PROGRAMME, str(path))
    assert f"{path}:5:size_students: -3 is not a whole number ≥ 0" in bad.output
    sheet.delete_rows(5)
    book.save(path)
    assert mel(db_url, "units", "import", "--programme", PROGRAMME, str(path)).exit_code == 0
    stored = units(published)
    assert stored["u-1"].sizes == {"students": 812, "teachers": 41}
    assert stored["u-2"].sizes == {"teachers": 7}


def test_semicolon_csv_from_dutch_excel(published: Engine, db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "eenheden.csv"
    path.write_text(
        "\ufeffcode;name;kind;province;size_students\r\n"
        "pps-001;Pps Zorg Utrecht;pps;Utrecht;1 204\r\n"
        "pps-002;Pps Water, Delta;pps;Zeeland;\r\n",
        encoding="utf-8",
    )
    result = mel(db_url, "units", "import", "--programme", PROGRAMME, str(path))
    assert result.exit_code == 0, result.output
    stored = units(published)
    assert stored["pps-001"].sizes == {"students": 1204} and stored["pps-001"].province == "Utrecht"
    assert stored["pps-002"].name == "Pps Water, Delta" and stored["pps-002"].sizes == {}
    wrong = tmp_path / "units.txt"
    wrong.write_text("code\n", encoding="utf-8")
    refused = mel(db_url, "units", "import", "--programme", PROGRAMME, str(wrong))
    assert refused.exit_code == 1 and "give a .csv or .xlsx file" in refused.output
