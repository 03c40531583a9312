"""Read a units file (CSV or XLSX) into checked rows, every problem located.

Columns: ``code``, ``name``, ``kind`` (required), ``parent``, ``region``, ``province``,
``sector``, ``stratum`` (optional), and any number of size measures ``size_<name>`` (whole
numbers ≥ 0, e.g. ``size_students``). A problem reads ``file:row:column: what is wrong``;
row 1 is the header.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mel.data import tablefile
from mel.services.sampling import SamplingError

KINDS = ("pps", "werkplaats", "school", "consortium", "region", "unit")
TEXT = {"code": 64, "name": 200, "kind": 16, "parent": 64, "region": 64, "province": 32}
TEXT |= {"sector": 64, "stratum": 64}
REQUIRED = ("code", "name", "kind")
SIZE = "size_"


class UnitFileProblems(SamplingError):
    """A units file that cannot be imported; carries every located problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class UnitRow:
    """One checked row of a units file."""

    row: int
    code: str
    name: str
    kind: str
    parent: str | None = None
    region: str | None = None
    province: str | None = None
    sector: str | None = None
    stratum: str | None = None
    sizes: dict[str, int] = field(default_factory=dict)


def read_table(path: Path) -> tuple[list[str], list[list[Any]]]:
    """The header (lower case) and data rows of a units file (`mel.data.tablefile`)."""
    try:
        header, rows = tablefile.read_table(path)
    except tablefile.TableFileProblems as exc:
        raise UnitFileProblems(exc.problems) from None
    return [name.lower() for name in header], rows


def read_units(path: Path) -> list[UnitRow]:
    """Check every row of a units file; raise UnitFileProblems listing every problem."""
    header, rows = read_table(path)
    problems: list[str] = []
    for name in REQUIRED:
        if name not in header:
            problems.append(f"{path}:1:{name}: required column is missing")
    for column, name in enumerate(header):
        if name not in TEXT and not (name.startswith(SIZE) and len(name) > len(SIZE)):
            label = name or f"column {column + 1}"
            problems.append(
                f"{path}:1:{label}: unknown column (expected {', '.join(TEXT)} or size_<name>)"
            )
        elif header.count(name) > 1 and header.index(name) == column:
            problems.append(f"{path}:1:{name}: the column appears twice")
    if problems:
        raise UnitFileProblems(problems)
    units: list[UnitRow] = []
    seen: dict[str, int] = {}
    for offset, raw in enumerate(rows):
        if not raw:
            continue
        number = offset + 2
        values = {name: raw[i] if i < len(raw) else None for i, name in enumerate(header)}
        code = _text(values.get("code"))
        if code is not None and code in seen:
            problems.append(f"{path}:{number}:code: {code!r} is also on row {seen[code]}")
        elif code is not None:
            seen[code] = number
        row = _check_row(path, number, values, problems)
        if row is not None:
            units.append(row)
    for unit in units:
        if unit.parent == unit.code:
            problems.append(f"{path}:{unit.row}:parent: a unit cannot be its own parent")
    if problems:
        raise UnitFileProblems(problems)
    return units


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _check_row(
    path: Path, number: int, values: dict[str, Any], problems: list[str]
) -> UnitRow | None:
    """Check one row; append its problems and return None if it has any."""
    before = len(problems)
    where = f"{path}:{number}"
    text: dict[str, str | None] = {}
    for name, limit in TEXT.items():
        value = _text(values.get(name))
        if value is not None and len(value) > limit:
            problems.append(f"{where}:{name}: longer than {limit} characters")
        text[name] = value
    for name in REQUIRED:
        if text[name] is None:
            problems.append(f"{where}:{name}: empty; every unit needs a {name}")
    if text["kind"] is not None and text["kind"] not in KINDS:
        problems.append(
            f"{where}:kind: unknown kind {text['kind']!r} (expected one of {', '.join(KINDS)})"
        )
    sizes: dict[str, int] = {}
    for name, value in values.items():
        if not name.startswith(SIZE) or value in (None, ""):
            continue
        number_value = _whole(value)
        if number_value is None:
            problems.append(f"{where}:{name}: {value!r} is not a whole number ≥ 0")
        else:
            sizes[name.removeprefix(SIZE)] = number_value
    if len(problems) > before:
        return None
    return UnitRow(
        number,
        str(text["code"]),
        str(text["name"]),
        str(text["kind"]),
        text["parent"],
        text["region"],
        text["province"],
        text["sector"],
        text["stratum"],
        sizes,
    )


def _whole(value: Any) -> int | None:
    """A whole number ≥ 0 from a cell (``812``, ``812.0``, ``"1 204"``), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    else:
        try:
            number = float(str(value).replace(" ", "").replace("\u00a0", ""))
        except ValueError:
            return None
    if not number.is_integer() or number < 0:
        return None
    return int(number)
