"""Contacts files: located errors and nothing imported; person cases; XLSX."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from sqlalchemy.engine import Engine
from sqlmodel import select

from mel.db import session_scope
from mel.models import Case, Contact
from tests.services.fieldwork.conftest import make_fieldwork, mel, write_contacts


def run_import(path: Path) -> tuple[int, str]:
    result = mel("contacts", "import", "--wave", "w2025", "--instrument", "test-survey", str(path))
    return result.exit_code, result.output


def count_contacts(engine: Engine) -> int:
    with session_scope(engine) as session:
        return len(session.exec(select(Contact)).all())


def test_bad_contacts_file_names_every_problem_and_imports_nothing(
    engine: Engine, tmp_path: Path, cli_env: dict
) -> None:
    make_fieldwork(engine, units={"u1": "a", "u2": "a"})
    with session_scope(engine) as session:  # u3 exists but was not sampled
        from mel.models import Unit

        unit = session.exec(select(Unit).where(Unit.code == "u1")).one()
        session.add(Unit(programme_id=unit.programme_id, code="u3", name="U3", kind="school"))
    path = write_contacts(
        tmp_path / "contacts.csv",
        [
            "ok@example.org,Ok,nl,u1",
            ",No Mail,nl,u1",
            "not-an-address,X,nl,u1",
            "ok@example.org,Twice,nl,u2",
            "fr@example.org,Fr,fr,u2",
            "who@example.org,Who,nl,u9",
            "out@example.org,Out,nl,u3",
            "none@example.org,None,nl,",
        ],
    )
    code, output = run_import(path)
    assert code == 1
    for expected in (
        f"{path}:3:email: empty",
        f"{path}:4:email: 'not-an-address' is not an e-mail address",
        f"{path}:5:email: 'ok@example.org' is already on row 2",
        f"{path}:6:language: 'fr' is not one of nl, en",
        f"{path}:7:unit: no unit 'u9' in the programme",
        f"{path}:8:unit: unit 'u3' is not in the sample of w2025",
        f"{path}:9:unit: empty",
    ):
        assert expected in output, output
    assert "Traceback" not in output
    assert count_contacts(engine) == 0
    header = tmp_path / "header.csv"
    header.write_text("mail,unit,phone\nx@y.org,u1,0612345678\n", encoding="utf-8")
    code, output = run_import(header)
    assert f"{header}:1:email: column 'email' is missing" in output
    assert f"{header}:1:phone: unknown column" in output
    assert count_contacts(engine) == 0


def test_contacts_need_a_drawn_sample(engine: Engine, tmp_path: Path, cli_env: dict) -> None:
    make_fieldwork(engine, drawn=False)
    code, output = run_import(write_contacts(tmp_path / "c.csv", ["a@b.org,A,nl,u1"]))
    assert code == 1 and "is not drawn yet" in output and "mel sample draw --wave w2025" in output


def test_person_contacts_become_person_cases_from_xlsx(
    engine: Engine, tmp_path: Path, cli_env: dict
) -> None:
    make_fieldwork(engine, respondent="person", units={"u1": "a", "u2": "b"})
    book = Workbook()
    sheet = book.active
    sheet.append(["Email", "Name", "Language", "Unit"])
    sheet.append(["p1@example.org", "P One", "en", "u1"])
    sheet.append(["p2@example.org", None, None, "u2"])
    book.save(tmp_path / "contacts.xlsx")
    code, output = run_import(tmp_path / "contacts.xlsx")
    assert code == 0, output
    assert "2 new" in output and "2 person case(s)" in output
    with session_scope(engine) as session:
        cases = session.exec(select(Case).where(Case.key.startswith("c:"))).all()  # type: ignore[attr-defined]
        contacts = {c.id: c for c in session.exec(select(Contact)).all()}
    got = {
        contacts[c.contact_id].email: (c.stratum, c.inclusion_probability)
        for c in cases
        if c.contact_id
    }
    assert got == {"p1@example.org": ("a", 0.5), "p2@example.org": ("b", 0.25)}
    assert contacts[min(contacts)].language == "en"
    # The same file again changes nothing.
    code, output = run_import(tmp_path / "contacts.xlsx")
    assert "0 new, 0 updated, 2 unchanged" in output
