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
    # Staff name a person case by its address (upper case too).
    found = mel("fieldwork", "outcome", "--wave", "w2025", "--case", "P1@example.org", "refusal")
    assert found.exit_code == 0 and "outcome refusal" in found.output


def test_persons_sampled_within_units_from_the_frame(
    engine: Engine, tmp_path: Path, cli_env: dict
) -> None:
    """A person-only wave (no unit cases): the frame says who is sampled, the wave file
    that 2 persons per unit are drawn; π = π_i · m_i / M_i with M_i from the draw."""
    from mel.models import FrameUnit, FrameUnitPersons, Instrument, Unit, Wave

    make_fieldwork(engine, respondent="person", units={"u1": "a", "u2": "b"}, drawn=False)
    with session_scope(engine) as session:
        wave = session.exec(select(Wave)).one()
        instrument = session.exec(select(Instrument)).one()
        wave.sample_drawn_at, wave.sample_seed = wave.created_at, 2027
        wave.design = {
            "instruments": [
                {"code": "test-survey", "persons": {"size": "pupils", "select": "sample",
                                                    "per_unit": 2}}
            ]
        }  # fmt: skip
        session.add(wave)
        units = {u.code: u for u in session.exec(select(Unit)).all()}
        for code, pi in (("u1", 0.5), ("u2", 0.25)):
            session.add(
                FrameUnit(wave_id=wave.id, unit_id=units[code].id, stratum=code, sampled=True,
                          inclusion_probability=pi)
            )  # fmt: skip
        session.add(
            FrameUnitPersons(
                wave_id=wave.id, unit_id=units["u1"].id, instrument_id=instrument.id, persons=40
            )
        )
        units["u2"].sizes = {"pupils": 10}
        session.add(units["u2"])
    rows = [f"p{i}@example.org,,nl,u1" for i in range(5)] + ["q0@example.org,,nl,u2"]
    code, output = run_import(write_contacts(tmp_path / "c.csv", rows))
    assert code == 0, output
    assert "3 new" in output and "3 listed person(s) not chosen" in output
    with session_scope(engine) as session:
        cases = session.exec(select(Case)).all()
        contacts = session.exec(select(Contact)).all()
    assert len(contacts) == 3  # the addresses of persons not chosen are not kept
    by_unit = sorted((c.stratum, c.inclusion_probability) for c in cases)
    # u1: 2 of 5 listed invited, M_i = 40 from the draw; u2: 1 listed, M_i = 10 (its size).
    assert by_unit == [("u1", 0.5 * 2 / 40), ("u1", 0.5 * 2 / 40), ("u2", 0.25 * 1 / 10)]
    # The same file again: the same persons, nothing new.
    code, output = run_import(write_contacts(tmp_path / "c.csv", rows))
    assert "0 new" in output and "3 unchanged" in output
    # A unit's persons, once chosen, stay chosen: a later row of it is not drawn.
    more = write_contacts(tmp_path / "more.csv", ["late@example.org,,nl,u1"])
    code, output = run_import(more)
    assert code == 0 and "0 new" in output and "1 listed person(s) not chosen" in output
