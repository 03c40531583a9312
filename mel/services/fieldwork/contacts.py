"""Import a wave's contacts (CSV or XLSX) onto its sampled cases: all rows or none.

Columns: ``email`` (required), ``name``, ``language`` (nl or en; default nl) and ``unit``
(the unit's code; required). A contact of a unit instrument belongs to its unit's case
(a unit may have several contacts; they all get the unit's link). A contact of a person
instrument becomes a person case ``c:<contact id>`` with the stratum and inclusion
probability of its unit's case: every person of a sampled unit is invited, so a person's
inclusion probability is that of the unit.

Every problem is reported as ``file:row:column: what is wrong`` and nothing is stored
while there is one. Importing the same file again changes nothing; a changed name or
language updates the contact.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, col, select

from mel.models import Case, Contact, Instrument, Unit, Wave

COLUMNS = ("email", "name", "language", "unit")
EMAIL = re.compile(r"^[^@\s<>,;\"']+@[^@\s<>,;\"']+\.[^@\s<>,;\"']+$")
LANGUAGES = ("nl", "en")


class ContactFileError(ValueError):
    """A contacts file has problems; each line of the message is one, located."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ImportSummary:
    """What an import did."""

    new: int
    updated: int
    unchanged: int
    person_cases: int


def read_rows(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Return the header and the data rows (with their row number) of a CSV or XLSX file."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises several kinds for a broken file
            raise ContactFileError([f"{path}: not a readable XLSX file ({exc})"]) from None
        sheet = book.worksheets[0]
        cells = [
            ["" if v is None else str(v).strip() for v in row]
            for row in sheet.iter_rows(values_only=True)
        ]
        book.close()
    else:
        try:
            with path.open(newline="", encoding="utf-8-sig") as handle:
                cells = [[v.strip() for v in row] for row in csv.reader(handle)]
        except UnicodeDecodeError as exc:
            raise ContactFileError([f"{path}: not UTF-8 text ({exc.reason})"]) from None
    if not cells:
        raise ContactFileError([f"{path}:1: the file is empty"])
    header = [h.lower() for h in cells[0]]
    rows = [
        (number, dict(zip(header, row + [""] * (len(header) - len(row)), strict=False)))
        for number, row in enumerate(cells[1:], start=2)
        if any(row)
    ]
    return header, rows


def import_contacts(
    session: Session, *, wave: Wave, instrument: Instrument, path: Path
) -> ImportSummary:
    """Check every row of `path`, then store its contacts (and person cases); see module doc."""
    header, rows = read_rows(path)
    problems: list[str] = []
    for needed in ("email", "unit"):
        if needed not in header:
            problems.append(f"{path}:1:{needed}: column {needed!r} is missing")
    unknown = [h for h in header if h and h not in COLUMNS]
    for name in unknown:
        problems.append(f"{path}:1:{name}: unknown column (known: {', '.join(COLUMNS)})")
    if not rows and not problems:
        problems.append(f"{path}:2: no contacts in the file")
    if problems:
        raise ContactFileError(problems)
    if wave.sample_drawn_at is None:
        raise ContactFileError(
            [
                f"{path}: the sample of wave {wave.code!r} is not drawn yet; draw it first "
                f"(mel sample draw --wave {wave.code})"
            ]
        )
    units = {
        u.code: u
        for u in session.exec(select(Unit).where(Unit.programme_id == wave.programme_id)).all()
    }
    unit_cases: dict[int, Case] = {}
    for case in session.exec(
        select(Case).where(Case.wave_id == wave.id, col(Case.key).startswith("u:"))
    ).all():
        if case.unit_id is None:
            continue
        # The instrument's own unit case first; another instrument's case of the unit else.
        if case.instrument_id == instrument.id or case.unit_id not in unit_cases:
            unit_cases[case.unit_id] = case
    existing = {
        c.email.lower(): c
        for c in session.exec(
            select(Contact).where(
                Contact.wave_id == wave.id, Contact.instrument_id == instrument.id
            )
        ).all()
    }
    seen: dict[str, int] = {}
    checked: list[tuple[str, str | None, str, Unit, Case]] = []
    for number, row in rows:
        where = f"{path}:{number}"
        email = row.get("email", "").strip()
        name = row.get("name", "").strip() or None
        language = (row.get("language", "").strip() or "nl").lower()
        code = row.get("unit", "").strip()
        ok = True
        if not email:
            problems.append(f"{where}:email: empty; every contact needs an e-mail address")
            ok = False
        elif len(email) > 254 or not EMAIL.match(email):
            problems.append(f"{where}:email: {email!r} is not an e-mail address")
            ok = False
        elif email.lower() in seen:
            problems.append(f"{where}:email: {email!r} is already on row {seen[email.lower()]}")
            ok = False
        else:
            seen[email.lower()] = number
        if name is not None and len(name) > 200:
            problems.append(f"{where}:name: longer than 200 characters")
            ok = False
        if language not in LANGUAGES:
            problems.append(f"{where}:language: {language!r} is not one of nl, en")
            ok = False
        unit = units.get(code)
        case = unit_cases.get(unit.id) if unit is not None and unit.id is not None else None
        if not code:
            problems.append(f"{where}:unit: empty; every contact belongs to a sampled unit")
            ok = False
        elif unit is None:
            problems.append(f"{where}:unit: no unit {code!r} in the programme")
            ok = False
        elif case is None:
            problems.append(f"{where}:unit: unit {code!r} is not in the sample of {wave.code}")
            ok = False
        if ok:
            before = existing.get(email.lower())
            if before is not None and before.unit_id != unit.id:  # type: ignore[union-attr]
                problems.append(
                    f"{where}:unit: {email!r} is already a contact of another unit in this wave"
                )
                continue
            checked.append((email, name, language, unit, case))  # type: ignore[arg-type]
    if problems:
        raise ContactFileError(problems)
    return _store(session, wave, instrument, checked, existing)


def _store(
    session: Session,
    wave: Wave,
    instrument: Instrument,
    checked: list[tuple[str, str | None, str, Unit, Case]],
    existing: dict[str, Contact],
) -> ImportSummary:
    """Store checked rows (the caller commits)."""
    new = updated = unchanged = person_cases = 0
    person = instrument.respondent == "person"
    for email, name, language, unit, unit_case in checked:
        contact = existing.get(email.lower())
        if contact is not None:
            if (contact.name, contact.language) == (name, language):
                unchanged += 1
            else:
                contact.name, contact.language = name, language
                session.add(contact)
                updated += 1
            continue
        contact = Contact(
            wave_id=wave.id,  # type: ignore[arg-type]
            instrument_id=instrument.id,  # type: ignore[arg-type]
            unit_id=unit.id,
            email=email,
            name=name,
            language=language,
        )
        session.add(contact)
        session.flush()
        new += 1
        if person:
            session.add(
                Case(
                    wave_id=wave.id,  # type: ignore[arg-type]
                    instrument_id=instrument.id,  # type: ignore[arg-type]
                    key=f"c:{contact.id}",
                    unit_id=unit.id,
                    contact_id=contact.id,
                    stratum=unit_case.stratum,
                    inclusion_probability=unit_case.inclusion_probability,
                )
            )
            person_cases += 1
    session.flush()
    return ImportSummary(new, updated, unchanged, person_cases)
