"""Convert an XLSForm (ODK, KoboToolbox, SurveyCTO; .xlsx or .xls) into a mel definition.

What mel cannot express (nested repeats, media, expressions outside mel's XPath subset, …)
is listed in `XlsformResult.unconverted`, by sheet and row, never dropped silently;
`XlsformResult.valid` says whether the definition passes mel's own checks. See
https://xlsform.org for the format. The work is split over `reader` and `sheets` (the
workbook; `columns` is the table of what is converted), `texts` (labels, piping, the
choices sheet), `names`, `pages` (groups, pages, likert questions), `repeats`,
`rowfields` (required, constraint, parameters, appearance), `logic` (every expression
cell, parsed by `mel.surveys.expr`), `mapping` (that tree as mel's structured rules) and
`melcolumns` (what `export` adds).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from mel.surveys.checks import RESERVED_NAMES, check_instrument
from mel.surveys.schema import InstrumentDefinition
from mel.surveys.xlsform.columns import OTHER_SHEETS
from mel.surveys.xlsform.languages import fill_missing_languages
from mel.surveys.xlsform.logic import read, to_expression
from mel.surveys.xlsform.mapping import Target, Unconvertible, to_condition
from mel.surveys.xlsform.melcolumns import YES_NO_LIST, bound, mel_settings
from mel.surveys.xlsform.names import mel_name, slug
from mel.surveys.xlsform.pages import (
    KEY_ORDER,
    Page,
    both,
    ordered,
    tree,
    unique,
)
from mel.surveys.xlsform.repeats import RepeatLayout
from mel.surveys.xlsform.rowfields import RowFields
from mel.surveys.xlsform.sheets import Row, Workbook
from mel.surveys.xlsform.texts import Texts
from mel.surveys.yamlfile import FileProblems, Problem, format_location

TYPES = {
    "select_one": "select_one",
    "select_multiple": "select_multiple",
    "int": "integer",
    "integer": "integer",
    "decimal": "decimal",
    "text": "text",
    "string": "text",
    "date": "date",
    "time": "time",
    "datetime": "datetime",
    "datetime-local": "datetime",
    "note": "note",
    "range": "range",
    "calculate": "calculate",
}
# What `mel surveys export-xlsform` writes in `mel_type` for mel types XLSForm lacks, by
# the XLSForm type it writes in `type`.
MEL_TYPES = {"select_one": ("yes_no",), "range": ("rating", "nps")}
# Columns that apply only to some types: listed as not converted on any other row.
ONLY_FOR = {
    "calculation": ("calculate",),
    "choice_filter": ("select_one", "select_multiple"),
    "repeat_count": (),
    "mel_max_rows": (),
    "mel_row_label": (),
}


@dataclass
class XlsformResult:
    """A converted form: the mel definition and what could not be converted."""

    definition: dict[str, Any]
    unconverted: list[Problem] = field(default_factory=list)
    valid: bool = True

    def to_yaml(self) -> str:
        """Return the definition as YAML text (mel's key order, unicode kept)."""
        return yaml.dump(  # libyaml's emitter when there is one: ten times faster
            self.definition,
            Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper),
            allow_unicode=True,
            sort_keys=False,
            width=100,
        )


class _Builder(Texts, RowFields, RepeatLayout):
    """Turns the rows of one workbook into a mel definition, noting what is lost."""

    def __init__(self, book: Workbook) -> None:
        self.book = book
        self.valid = True
        self.notes: list[Problem] = []
        self.names: set[str] = set()
        self.page_names: set[str] = set()
        self.known: dict[str, Target] = {}
        self.lost: dict[str, str] = {}
        self.in_rows: dict[str, Target] = {}
        self.row_of: str | None = None
        self.pages: list[Page] = []
        self.choices: dict[str, list[dict]] = {}
        self.choice_values: dict[str, set[str]] = {}
        self.nl_columns: set[tuple[str, str]] = set()

    def note(self, where: str, message: str) -> None:
        """List something that was not converted (or had to change)."""
        self.notes.append(Problem(self.book.file, where, message))

    def convert(self, instrument: str | None, programme: str | None) -> XlsformResult:
        """Read the sheets and build the definition; raise FileProblems if nothing is left."""
        settings = self.book.settings(self.notes)
        lang = self.book.default_language(settings, self.notes)
        survey = self.book.rows("survey", ("type", "name"), lang, self.notes)
        choices = self.book.rows("choices", ("list_name", "name"), lang, self.notes)
        self.nl_columns = self.book.dutch_columns((survey, choices), self.notes)
        self.other_sheets()
        self.read_choices(choices)
        self.top(tree(survey, self.note))
        definition = self.header(settings, instrument, programme)
        used = {q.get("choices") for p in self.pages for q in p.questions}
        if YES_NO_LIST not in used:
            self.choices.pop(YES_NO_LIST, None)  # written by export-xlsform for yes_no
        if self.choices:
            definition["choices"] = self.choices
        definition["pages"] = [
            ordered(vars(p), ("name", "title", "relevant", "questions"))
            for p in self.pages
            if p.questions
        ]
        if not definition["pages"]:
            self.note("survey sheet", "no question could be converted")
            raise FileProblems(self.notes)
        fill_missing_languages(definition, self.note)
        self.final_check(definition)
        return XlsformResult(definition, list(dict.fromkeys(self.notes)), self.valid)

    def other_sheets(self) -> None:
        """List the sheets besides survey, choices and settings that have content."""
        for sheet, rows in self.book.sheets.items():
            if sheet in ("survey", "choices", "settings") or not rows:
                continue
            why = OTHER_SHEETS.get(sheet)
            self.note(
                f"{sheet} sheet",
                f"not converted: mel has no {why}"
                if why
                else "not an XLSForm sheet; not converted",
            )

    def header(
        self, settings: dict[str, str], instrument: str | None, programme: str | None
    ) -> dict[str, Any]:
        """Build instrument, programme, version and title from the settings sheet."""
        stem = Path(self.book.file).stem
        given = instrument or settings.get("form_id") or stem
        code = slug(given, "form")
        if code != given.lower():
            self.note("settings", f"instrument code {given!r} written as {code!r}")
        programme = programme or settings.get("programme") or None
        if programme is None:
            self.note("settings", "no programme given; wrote 'unassigned' (use --programme)")
        elif slug(programme, "programme") != programme.lower():
            self.note(
                "settings",
                f"programme code {programme!r} written as {slug(programme, 'programme')!r}",
            )
        raw = settings.get("version", "1")
        version = int(raw) if re.fullmatch(r"\d+", raw) and int(raw) >= 1 else 1
        if str(version) != raw:
            self.note("settings row 2", f"version {raw!r} is not a whole number ≥ 1; wrote 1")
        title = settings.get("form_title") or settings.get("form_id") or stem
        header = {
            "instrument": code,
            "programme": slug(programme or "unassigned", "programme"),
            "version": version,
            "title": {"nl": title},
        }
        return {**header, **mel_settings(settings)}  # mel_title replaces the title

    def final_check(self, definition: dict) -> None:
        """List anything mel's loader would still refuse (a safety net; should be empty)."""
        try:
            survey = InstrumentDefinition.model_validate(definition)
        except ValidationError as exc:
            self.valid = False
            for error in exc.errors():
                self.note(format_location(error["loc"]), f"still invalid: {error['msg']}")
            return
        for location, message in check_instrument(survey):
            self.valid = False
            self.note(format_location(location), f"still invalid: {message}")

    def name(self, row: Row, used: set[str], default: str = "page") -> str:
        """Give a row a mel name, unique in `used`; list it if it had to change."""
        original = row.get("name")
        name = unique(mel_name(original) if original else default, used)
        if original and name != original.lower():
            reserved = mel_name(original).removeprefix("q_") in RESERVED_NAMES
            self.note(
                row.where,
                f"name {original!r} renamed to {name!r}"
                + (
                    f" ({original!r} is reserved for mel's analysis columns; "
                    "the label keeps the question's text)"
                    if reserved and used is self.names
                    else ""
                ),
            )
        return name

    def skip(self, row: Row, why: str) -> None:
        """List a row that is not converted; conditions on it will be listed too."""
        name = row.get("name")
        self.note(row.where, f"{row.get('type') or 'row'} {name!r} not converted: {why}")
        if name:
            self.lost[name] = "was not converted"

    def lookup(self, original: str) -> Target:
        """Find an earlier converted question by its XLSForm name."""
        if original in self.known:
            return self.known[original]
        raise Unconvertible(f"${{{original}}} {self.lost.get(original, 'is no earlier question')}")

    def lookup_rows(self, original: str) -> Target:
        """Find an earlier question, or one asked in the rows of an earlier repeat (which
        an expression reads with count(), sum(), …)."""
        if original not in self.known and original in self.in_rows:
            return self.in_rows[original]
        return self.lookup(original)

    def condition(self, row: Row | None) -> dict | str | None:
        """Convert a row's `relevant` (a mel condition, else mel expression text), or list it."""
        text = row.get("relevant") if row else ""
        if not text or row is None:
            return None
        try:
            parsed, targets = read(text, self.lookup_rows, row=self.row_of)
            if row.get("mel_expression").lower() not in ("yes", "true", "1"):
                try:
                    return to_condition(parsed.tree, targets)
                except Unconvertible:
                    pass
            return parsed.source
        except Unconvertible as exc:
            self.note(row.where, f"relevant {text!r} not converted ({exc}); always shown")
            return None

    def expression(self, row: Row, column: str, **how: bool) -> str | None:
        """Convert an expression cell to mel expression text, or list it and return None."""
        text = row.get(column)
        if not text:
            return None
        try:
            return to_expression(text, self.lookup_rows, row=self.row_of, **how)
        except Unconvertible as exc:
            self.note(row.where, f"{column} {text!r} not converted ({exc})")
            return None

    def question(self, row: Row, inherited: dict | str | None) -> None:
        """Convert one question row and place it on the current page."""
        data = self.question_data(row, inherited)
        if data is not None:
            listname = data.get("choices") or ""
            values = frozenset(str(c["value"]) for c in self.choices.get(listname, []))
            self.place(row, data, Target(data["name"], data["type"], values or None))

    def question_data(self, row: Row, inherited: dict | str | None) -> dict | None:
        """Convert one question row into a question (None, listed, if it cannot be)."""
        kind, listname, extra = row.kind()
        mel_type = TYPES.get(kind)
        if not kind:
            return self.skip(row, "it has no type")
        if mel_type is None or (extra and extra != "or_other"):
            return self.skip(row, f"type {row.get('type')!r} has no mel equivalent")
        if not row.get("name"):
            return self.skip(row, "it has no name")
        if mel_type in ("select_one", "select_multiple") and listname not in self.choices:
            return self.skip(row, f"choice list {listname!r} is not on the choices sheet")
        calculation = self.expression(row, "calculation") if mel_type == "calculate" else None
        if mel_type == "calculate" and calculation is None:
            return self.skip(row, "its calculation is missing or not converted")
        name = self.name(row, self.names)
        if row.get("mel_type") in MEL_TYPES.get(mel_type, ()):
            mel_type, listname = row.get("mel_type"), ("" if mel_type != "range" else listname)
        if mel_type == "calculate":  # shows nothing; XLSForm gives it no label
            label = self.text(row, "label") or {"nl": name}
        else:
            label = self.label(row, row.get("name"))
        data: dict[str, Any] = {
            "name": name,
            "type": mel_type,
            "label": label,
            "hint": self.text(row, "hint"),
            "required": mel_type not in ("note", "calculate") and self.required(row),
            "relevant": both(inherited, self.condition(row)),
            "constraint": self.constraint(row, mel_type)
            if mel_type not in ("note", "calculate")
            else None,
            "calculation": calculation,
            "choice_filter": self.expression(row, "choice_filter", attributes=True)
            if mel_type in ("select_one", "select_multiple")
            else None,
            "choices": listname or None,
            "multiline": "multiline" in row.appearance(),
            "other": extra == "or_other",
            "sensitive": row.get("mel_sensitive").lower() in ("yes", "true", "1"),
            "plausible": yaml.safe_load(row.get("mel_plausible")) or None,
        }
        if mel_type in ("rating", "range"):
            data["min"], data["max"], step = self.range(row)
            if mel_type == "range" and step != 1:
                data["step"] = step
        elif row.get("parameters") and mel_type != "nps":
            self.not_kept(row, ("parameters",))
        for key in ("min", "max"):
            if row.get(f"mel_{key}"):
                data[key] = bound(row.get(f"mel_{key}"))
        self.appearance(row, ("multiline",) if mel_type == "text" else ())
        self.not_kept(row, tuple(c for c, kinds in ONLY_FOR.items() if kind not in kinds))
        return ordered(data, KEY_ORDER)


def convert_xlsform(
    path: Path | str,
    *,
    instrument: str | None = None,
    programme: str | None = None,
    language: str | None = None,
) -> XlsformResult:
    """Convert the XLSForm at `path`; raise FileProblems if it cannot be read at all.

    `language` (nl, en or another ISO 639-1 code) is the language of text columns that name
    none; without it the settings sheet's default_language is used, and a form with neither
    is refused.
    """
    return _Builder(Workbook(Path(path), language)).convert(instrument, programme)
