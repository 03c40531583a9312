"""A small XLSForm that uses every engine feature the importer converts (built with openpyxl).

Shared by tests/surveys/test_xlsform_parity.py (conversion and round trip) and
tests/web/test_xlsform_pages.py (the converted survey served to a participant).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl

HEAD = [
    "type",
    "name",
    "label::Nederlands (nl)",
    "hint::Nederlands (nl)",
    "required",
    "relevant",
    "constraint",
    "calculation",
    "choice_filter",
    "repeat_count",
    "appearance",
    "parameters",
]


def row(kind: str, name: str = "", label: str = "", **cells: str) -> list[str]:
    """One survey row in HEAD's order."""
    given = {"type": kind, "name": name, "label": label, **cells}
    return [given.get(column.split("::")[0], "") for column in HEAD]


SURVEY = [
    HEAD,
    row("begin group", "gegevens", "Gegevens", appearance="field-list"),  # 2
    row("text", "naam", "Uw naam", required="yes"),
    row("select_one provincie", "provincie", "Provincie", required="yes"),
    row("integer", "werknemers", "Werknemers", required="yes", constraint=". >= 0 and . <= 1000"),
    row("integer", "aantal_partners", "Aantal partners", constraint=". <= 3"),  # 6
    row("time", "begintijd", "Begintijd"),
    row("datetime", "moment", "Moment"),
    row("range", "tevreden", "Tevredenheid", parameters="start=0 end=10 step=2"),
    row("end group"),  # 10
    row("begin group", "verder", "Verder", appearance="field-list"),
    row("select_one gemeente", "gemeente", "Gemeente", choice_filter="provincie = ${provincie}"),
    row("calculate", "per_tien", calculation="${werknemers} div 10"),
    row(
        "integer",
        "mkb",
        "Hoeveel van de ${werknemers} werknemers werken in het mkb?",
        hint="Niet meer dan ${werknemers}.",
        required="${werknemers} > 0",
        relevant="${werknemers} + 1 > 1",
        constraint=". <= ${werknemers}",
    ),
    row("select_one jn", "akkoord", "Klopt dit, ${naam}?"),  # 15
    row("note", "groet", "Dag ${naam}, nog één pagina."),
    row("end group"),
    row("begin repeat", "partners", "Partners", repeat_count="${aantal_partners}"),
    row("text", "partner_naam", "Naam van de partner", required="yes"),
    row("select_one provincie", "partner_provincie", "Provincie van de partner"),  # 20
    row("begin repeat", "contacten", "Contactpersonen"),
    row("text", "contact", "Contactpersoon"),
    row("end repeat"),
    row("end repeat"),
]
CHOICES = [
    ["list_name", "name", "label::Nederlands (nl)", "provincie"],
    ["provincie", "ut", "Utrecht", ""],
    ["provincie", "nh", "Noord-Holland", ""],
    ["gemeente", "utrecht", "Utrecht (stad)", "ut"],
    ["gemeente", "amersfoort", "Amersfoort", "ut"],
    ["gemeente", "haarlem", "Haarlem", "nh"],
    ["jn", "ja", "Ja, ik ben ${naam}", ""],
    ["jn", "nee", "Nee", ""],
]
SETTINGS = [["form_id", "form_title", "version"], ["features", "Alles", "1"]]


def write(path: Path, sheets: dict[str, list[list[Any]]] | None = None) -> Path:
    """Write the feature form (or other sheets) as an .xlsx workbook at `path`."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in (
        sheets or {"survey": SURVEY, "choices": CHOICES, "settings": SETTINGS}
    ).items():
        sheet = book.create_sheet(name)
        for line in rows:
            sheet.append(line)
    book.save(path)
    return path
