"""Write a mel instrument as an XLSForm workbook that imports back to the same instrument.

Each page becomes a `field-list` group, a likert question ODK's matrix pattern (a `label`
row and one `list-nolabel` row per statement), conditions and constraints XPath in the
subset `expressions` reads. What XLSForm has no place for goes in `mel_*` columns (see
`melcolumns`), which pyxform ignores.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mel.surveys.conditions import Condition
from mel.surveys.schema import Constraint, InstrumentDefinition, Question
from mel.surveys.xlsform.melcolumns import YES_NO_CHOICES, YES_NO_LIST, dump

NL, EN = "label::Nederlands (nl)", "label::English (en)"
SURVEY = [
    "type",
    "name",
    NL,
    EN,
    "hint::Nederlands (nl)",
    "hint::English (en)",
    "required",
    "relevant",
    "constraint",
    "constraint_message::Nederlands (nl)",
    "constraint_message::English (en)",
    "appearance",
    "parameters",
    "mel_type",
    "mel_min",
    "mel_max",
    "mel_reverse",
    "mel_sensitive",
]
XPATH_OPS = {"equals": "=", "not_equals": "!=", "gt": ">", "ge": ">=", "lt": "<", "le": "<="}


def _literal(value: Any) -> str:
    """Write a literal: numbers bare, booleans as '1'/'0', text quoted."""
    if isinstance(value, bool):
        return "'1'" if value else "'0'"
    if isinstance(value, int | float):
        return f"{value:g}" if isinstance(value, float) else str(value)
    return f"'{value}'"


def xpath(condition: Condition | None) -> str:
    """Write a mel condition as an XLSForm `relevant` expression."""
    if condition is None:
        return ""
    if condition.all is not None or condition.any is not None:
        joiner = " and " if condition.all is not None else " or "
        parts = [f"({xpath(c)})" for c in (condition.all or condition.any or [])]
        return joiner.join(parts)
    if condition.not_ is not None:
        return f"not({xpath(condition.not_)})"
    ref = f"${{{condition.question}}}"
    op, value = condition.operator()
    if op == "answered":
        return f"{ref} {'!=' if value else '='} ''"
    if op == "selected":
        return f"selected({ref}, '{value}')"
    if op == "in":
        return f"selected(' {' '.join(str(v) for v in value)} ', {ref})"
    return f"{ref} {XPATH_OPS[op]} {_literal(value)}"


def _constraint(constraint: Constraint | None) -> str:
    """Write a mel constraint as an XLSForm `constraint` expression."""
    if constraint is None:
        return ""
    parts = []
    for key, template in (
        ("min", ". >= {}"),
        ("max", ". <= {}"),
        ("min_length", "string-length(.) >= {}"),
        ("max_length", "string-length(.) <= {}"),
        ("min_selected", "count-selected(.) >= {}"),
        ("max_selected", "count-selected(.) <= {}"),
    ):
        value = getattr(constraint, key)
        if value is not None:
            parts.append(template.format(f"{value:g}" if isinstance(value, float) else value))
    if constraint.regex is not None:
        parts.append(f"regex(., '{constraint.regex}')")
    return " and ".join(parts)


def _texts(text: Any) -> list[str]:
    return [text.nl, text.en or ""] if text is not None else ["", ""]


def _bound(value: Any) -> str:
    if value is None:
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)


def _question(q: Question) -> list[list[Any]]:
    """Return the survey rows of one question."""
    kind: str = q.type
    mel_type, params = "", ""
    if q.type in ("select_one", "select_multiple"):
        kind = f"{q.type} {q.choices}" + (" or_other" if q.other else "")
    elif q.type == "yes_no":
        kind, mel_type = f"select_one {YES_NO_LIST}", "yes_no"
    elif q.type in ("rating", "nps"):
        low, high = (q.min, q.max) if q.type == "rating" else (0, 10)
        kind, params = "range", f"start={_bound(low)} end={_bound(high)} step=1"
        mel_type = "nps" if q.type == "nps" else ""
    own = [_bound(q.min), _bound(q.max)] if q.type not in ("rating",) else ["", ""]
    message = _texts(q.constraint.message if q.constraint else None)
    base = {
        "hint": _texts(q.hint),
        "required": "yes" if q.required else "",
        "relevant": xpath(q.relevant),
        "sensitive": "yes" if q.sensitive else "",
    }
    if q.type == "likert":
        header = [f"select_one {q.choices}", q.name, *_texts(q.label), *base["hint"]]
        header += [base["required"], base["relevant"], "", "", "", "label"]
        header += ["", "", "", "", "", base["sensitive"]]
        rows = [header]
        for s in q.statements or []:
            rows.append(
                [f"select_one {q.choices}", s.name, *_texts(s.label), "", "", base["required"]]
                + ["", "", "", "", "list-nolabel", "", "", "", ""]
                + ["yes" if s.reverse else "", ""]
            )
        return rows
    return [
        [kind, q.name, *_texts(q.label), *base["hint"], base["required"], base["relevant"]]
        + [_constraint(q.constraint), *message, "multiline" if q.multiline else "", params]
        + [mel_type, *own, "", base["sensitive"]]
    ]


def workbook_rows(survey: InstrumentDefinition) -> dict[str, list[list[Any]]]:
    """Return the survey, choices and settings sheets of an instrument, as rows."""
    rows: list[list[Any]] = [SURVEY]
    for page in survey.pages:
        title = _texts(page.title)
        rows.append(["begin group", page.name, *title, "", "", "", xpath(page.relevant)])
        rows[-1] += ["", "", "", "field-list"]
        for question in page.questions:
            rows.extend(_question(question))
        rows.append(["end group", page.name])
    choices: list[list[Any]] = [["list_name", "name", NL, EN, "mel_integer"]]
    for name, entries in survey.choices.items():
        choices.extend(
            [name, str(c.value), *_texts(c.label), "yes" if isinstance(c.value, int) else ""]
            for c in entries
        )
    if any(q.type == "yes_no" for q in survey.questions()):
        choices.extend([YES_NO_LIST, *entry] for entry in YES_NO_CHOICES)
    settings = {
        "form_title": survey.title.nl,
        "form_id": survey.instrument,
        "version": survey.version,
        "default_language": "Nederlands (nl)",
        "programme": survey.programme,
        "mel_respondent": survey.respondent,
        "mel_address_form": survey.address_form or "",
        "mel_title": dump(survey.title.model_dump(exclude_none=True)),
        "mel_description": dump(survey.description.model_dump(exclude_none=True))
        if survey.description
        else "",
        "mel_consent": dump(survey.consent.model_dump(exclude_none=True)) if survey.consent else "",
    }
    return {
        "survey": rows,
        "choices": choices,
        "settings": [list(settings), list(settings.values())],
    }


def export_xlsform(survey: InstrumentDefinition, out: Path) -> None:
    """Write `survey` as an XLSForm workbook at `out`."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in workbook_rows(survey).items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(out)
