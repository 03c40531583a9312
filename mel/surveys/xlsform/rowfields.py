"""The fields of one XLSForm row that become parts of a mel question.

`required` (a flag or an expression), `constraint` (mel's limits, else an expression) and
a range's `parameters` are converted; appearances and columns mel has no feature for are
listed (see `columns`), so nothing changes silently.
"""

from __future__ import annotations

import re
from abc import abstractmethod

from mel.surveys.xlsform.columns import IN_CELLS, status
from mel.surveys.xlsform.logic import read, to_expression
from mel.surveys.xlsform.mapping import Target, Unconvertible, number, to_constraint
from mel.surveys.xlsform.pages import ordered
from mel.surveys.xlsform.sheets import Row

CONSTRAINT_ORDER = (
    "expression",
    "min",
    "max",
    "min_length",
    "max_length",
    "regex",
    "min_selected",
    "max_selected",
    "message",
)


class RowFields:
    """Reads required, constraint, parameters and appearance; lists what is not kept."""

    row_of: str | None  # the repeat whose rows are being converted

    @abstractmethod
    def note(self, where: str, message: str) -> None:
        """List something that was not converted (or had to change)."""

    @abstractmethod
    def text(self, row: Row | None, column: str) -> dict | None:
        """Return the {nl, en} text of a column."""

    @abstractmethod
    def lookup(self, original: str) -> Target:
        """Find an earlier converted question by its XLSForm name."""

    @abstractmethod
    def lookup_rows(self, original: str) -> Target:
        """Find an earlier question, or one asked in the rows of an earlier repeat."""

    @abstractmethod
    def expression(self, row: Row, column: str, **how: bool) -> str | None:
        """Convert an expression cell to mel expression text, or list it and return None."""

    def constraint(self, row: Row, kind: str) -> dict | None:
        """Convert a row's `constraint`: mel's limits where they say it, else an expression.

        `mel_constraint` (written by export-xlsform) is the expression part kept as written;
        the cell then reads `<limits> and (<expression>)`.
        """
        text = row.get("constraint")
        if not text:
            return None
        kept = row.get("mel_constraint")
        fields: dict = {}
        if kept and text.endswith(f"({kept})") or kept == text:
            limits = text[: -len(kept) - 2].strip().removesuffix(" and") if kept != text else ""
            fields, failures = self.limits(limits, kind) if limits else ({}, [])
            fields["expression"] = self.expression(row, "mel_constraint")
        else:
            fields, failures = self.limits(text, kind)
            if failures:  # the whole rule, as mel expression text
                fields = {"expression": self.expression(row, "constraint")}
                failures = []
        for failure in failures:
            self.note(row.where, f"constraint {text!r} not converted: {failure}")
        if any(v is not None for v in fields.values()):
            fields["message"] = self.text(row, "constraint_message")
        return ordered(fields, CONSTRAINT_ORDER) or None

    def limits(self, text: str, kind: str) -> tuple[dict, list[str]]:
        """Read a constraint as mel's limits, with the parts that are not."""
        try:
            parsed, _ = read(text, self.lookup_rows, row=self.row_of)
        except Unconvertible as exc:
            return {}, [str(exc)]
        return to_constraint(parsed.tree, kind)

    def required(self, row: Row) -> bool | str:
        """Read `required`: yes/true/true()/1, no/false…, or an expression (as mel text)."""
        value = row.get("required")
        if value.lower() in ("yes", "true", "true()", "1"):
            return True
        if value.lower() in ("", "no", "false", "false()", "0"):
            return False
        try:
            return to_expression(value, self.lookup_rows, row=self.row_of)
        except Unconvertible as exc:
            self.note(
                row.where, f"required {value!r} not converted ({exc}); the question is optional"
            )
            return False

    def not_kept(self, row: Row, columns: tuple[str, ...] = ()) -> None:
        """List the filled columns of a converted row that mel has no place for.

        Those are the columns `columns.SURVEY` marks as needing a feature mel lacks, and
        `columns` (converted elsewhere, but not for this row).
        """
        for column in (*row.cells, *row.texts):
            why = status("survey", column)
            if why or column in columns:
                value = row.get(column) or next(iter(row.texts.get(column, {}).values()), "")
                self.note(
                    row.where,
                    f"column {column!r} ({value!r}) not converted"
                    + (f": mel has no {why}" if why else ""),
                )

    def appearance(self, row: Row, honoured: tuple[str, ...]) -> None:
        """List the appearance words mel does not honour for this row."""
        text = row.get("appearance")
        if re.search(r"search\s*\(", text):
            if IN_CELLS["search()"]:
                self.note(row.where, f"appearance {text!r}: {IN_CELLS['search()']}")
            text = re.sub(r"search\s*\([^)]*\)", " ", text)
        for word in text.split():
            if word.lower() in honoured:
                continue
            if word.lower() in IN_CELLS:
                if IN_CELLS[word.lower()]:
                    self.note(
                        row.where, f"appearance {word!r} not converted: {IN_CELLS[word.lower()]}"
                    )
            else:
                self.note(row.where, f"appearance {word!r} not converted (mel has its own layout)")

    def range(self, row: Row) -> tuple[int | float, int | float, int | float]:
        """Read start/end/step of a range question (default 1 to 10 by 1, as pyxform)."""
        found = dict(re.findall(r"(\w+)\s*=\s*([^\s,;]+)", row.get("parameters").lower()))
        try:
            low, high, step = (
                number(found.get(k, d)) for k, d in (("start", "1"), ("end", "10"), ("step", "1"))
            )
        except Unconvertible as exc:
            self.note(row.where, f"parameters {row.get('parameters')!r}: {exc}; 1 to 10 used")
            return 1, 10, 1
        if step <= 0:
            self.note(row.where, f"range step {step} is not positive; 1 used")
            step = 1
        if low > high:
            self.note(row.where, f"range runs from {low} down to {high}; written as {high}–{low}")
        return min(low, high), max(low, high), step
