"""Check a register file's rows against its declared source; every problem located.

A problem reads ``file:row:column: what is wrong (value 'x')``, with row 1 the header,
as in a spreadsheet. Every problem of the file is collected before anything is refused.
"""

from __future__ import annotations

import re
from difflib import get_close_matches
from pathlib import Path
from typing import Any

from mel.surveys.registers import RegisterColumn, RegisterSource

INTEGER = re.compile(r"^[+-]?\d+$")
DECIMAL = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
Row = tuple[int, dict[str, Any]]


class RegisterProblems(ValueError):
    """A register file that cannot be imported; carries every located problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def check_header(path: Path, header: list[str], source: RegisterSource) -> list[str]:
    """Problems of the header row: missing, unknown and repeated columns."""
    names = [c.name for c in source.columns]
    problems = [
        f"{path}:1:{name}: required column is missing" for name in names if name not in header
    ]
    for i, name in enumerate(header):
        label = name or f"column {i + 1}"
        if name not in names:
            close = get_close_matches(name, names, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            problems.append(f"{path}:1:{label}: unknown column (expected {', '.join(names)}){hint}")
        elif header.index(name) != i:
            problems.append(f"{path}:1:{name}: the column appears twice")
    return problems


def check_rows(
    path: Path, header: list[str], rows: list[list[Any]], source: RegisterSource
) -> list[Row]:
    """The typed rows of a register file; raise RegisterProblems listing every problem."""
    problems = check_header(path, header, source)
    if problems:
        raise RegisterProblems(problems)
    if not any(rows):
        raise RegisterProblems([f"{path}:2: the file has a header but no rows"])
    checked: list[Row] = []
    seen: dict[tuple[Any, ...], int] = {}
    for offset, raw in enumerate(rows):
        if not raw:
            continue
        line = offset + 2
        values: dict[str, Any] = {}
        for i, name in enumerate(header):
            cell = raw[i] if i < len(raw) else None
            value, problem = convert(cell, source.column(name))
            if problem:
                problems.append(f"{path}:{line}:{name}: {problem}")
            values[name] = value
        extra = [c for c in raw[len(header) :] if c not in (None, "")]
        if extra:
            problems.append(f"{path}:{line}: more cells than columns (value {extra[0]!r})")
        key = tuple(values.get(k) for k in source.key)
        if None not in key:
            if key in seen:
                shown = ", ".join(f"{k}={v!r}" for k, v in zip(source.key, key, strict=True))
                problems.append(
                    f"{path}:{line}:{','.join(source.key)}: duplicate key ({shown}), "
                    f"also on row {seen[key]}"
                )
            else:
                seen[key] = line
        checked.append((line, values))
    if problems:
        raise RegisterProblems(problems)
    return checked


def _plain(cell: Any) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def convert(cell: Any, column: RegisterColumn) -> tuple[Any, str | None]:
    """A cell as its column's type, or None and what is wrong with it."""
    text = "" if cell is None else _plain(cell)
    if text == "":
        return None, "value missing" if column.required else None
    value: Any = text
    if column.type == "integer":
        if isinstance(cell, bool) or not INTEGER.match(text):
            return None, f"not a whole number (value {text!r})"
        value = int(text)
    elif column.type == "decimal":
        if isinstance(cell, bool) or not DECIMAL.match(text):
            return None, f"not a number (value {text!r})"
        value = float(text.replace(",", "."))
    elif column.type == "choice":
        assert column.values is not None
        if text not in column.values:
            close = get_close_matches(text, column.values, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            return None, (f"unknown value {text!r} (allowed: {', '.join(column.values)}){hint}")
    if column.min is not None and value < column.min:
        return None, f"below the minimum {_plain(column.min)} (value {text!r})"
    if column.max is not None and value > column.max:
        return None, f"above the maximum {_plain(column.max)} (value {text!r})"
    return value, None
