"""Texts of XLSForm rows (labels, hints, messages; `${q}` piped) and the choices sheet."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from typing import Any

from mel.surveys.languages import language_name
from mel.surveys.xlsform.columns import status
from mel.surveys.xlsform.logic import REF
from mel.surveys.xlsform.mapping import Target, Unconvertible
from mel.surveys.xlsform.names import mel_name
from mel.surveys.xlsform.sheets import Row


class Texts(ABC):
    """Reads texts and choice lists; the row conversion it relies on is left to a subclass."""

    choices: dict[str, list[dict]]
    choice_values: dict[str, set[str]]
    nl_columns: set[tuple[str, str]]

    @abstractmethod
    def note(self, where: str, message: str) -> None:
        """List something that was not converted (or had to change)."""

    @abstractmethod
    def lookup(self, original: str) -> Target:
        """Find an earlier converted question by its XLSForm name."""

    def read_choices(self, rows: list[Row]) -> None:
        """Collect the choice lists, values kept as strings."""
        for row in rows:
            listname, value = row.get("list_name"), row.get("name")
            if not listname or not value:
                self.note(row.where, "choice without list_name or name; skipped")
                continue
            entries = self.choices.setdefault(listname, [])
            for column in (*row.cells, *row.texts):
                if why := status("choices", column):
                    self.note(row.where, f"column {column!r} not converted: mel has no {why}")
            if value in self.choice_values.setdefault(listname, set()):
                self.note(row.where, f"duplicate value {value!r} in list {listname!r}; skipped")
                continue
            self.choice_values[listname].add(value)
            number = row.get("mel_integer").lower() in ("yes", "true", "1")
            entry: dict[str, Any] = {"value": value, "label": self.label(row, value)}
            if number and re.fullmatch(r"-?\d+", value):
                entry["value"] = int(value)
            if attributes := self.attributes(row):
                entry["attributes"] = attributes
            entries.append(entry)

    def attributes(self, row: Row) -> dict[str, str]:
        """Return a choice's other columns: attributes its list's choice_filter can read."""
        found = {}
        for column, value in row.cells.items():
            if column in ("list_name", "name", "mel_integer"):
                continue
            name = mel_name(column)
            if name != column:
                self.note(row.where, f"choice attribute {column!r} written as {name!r}")
            found[name] = value
        return found

    def text(self, row: Row | None, column: str) -> dict | None:
        """Return the {nl, en, tr, …} text of a column (another language standing in for
        missing Dutch: English, else the first other one, listed)."""
        texts = dict(row.texts.get(column, {})) if row else {}
        if not any(texts.values()):
            return None
        if row is not None and "${" in " ".join(texts.values()):
            texts = {code: self.pipe(row, column, t) if t else t for code, t in texts.items()}
        nl, en = texts.pop("nl", None), texts.pop("en", None)
        others = {code: texts[code] for code in sorted(texts) if texts[code]}
        if not nl and row:
            code = "en" if en else next(iter(others))
            if (row.sheet, column) in self.nl_columns:
                name = "English" if en else language_name(code)
                self.note(row.where, f"{column}: no Dutch (nl) text; the {name} text is used")
            nl = en or others[code]
        return {"nl": nl, **({"en": en} if en else {}), **others}

    def pipe(self, row: Row, column: str, text: str) -> str:
        """Rename the questions piped into a text; one that is not earlier is listed."""

        def one(match: re.Match) -> str:
            original = match.group(1)
            if row.sheet == "choices":  # read before the questions: their names as mel writes
                return f"${{{mel_name(original)}}}" if original else match.group()
            try:
                return f"${{{self.lookup(original).name}}}"
            except Unconvertible as exc:
                self.note(
                    row.where,
                    f"{column}: ${{{original}}} not piped ({exc}); shown as {original!r}",
                )
                return original

        return REF.sub(one, text)

    def label(self, row: Row, name: str) -> dict:
        """Return a row's label, or its name (listed) when it has none."""
        label = self.text(row, "label")
        if label is None:
            self.note(row.where, f"no label; {name!r} is used as label")
        return label or {"nl": name}
