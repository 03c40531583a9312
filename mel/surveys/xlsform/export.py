"""Write a mel instrument as an XLSForm workbook that imports back to the same instrument.

Each page becomes a `field-list` group, a likert question ODK's matrix pattern (a `label`
row and one `list-nolabel` row per statement), conditions and constraints XPath in the
subset `mapping` maps back. What XLSForm has no place for goes in `mel_*` columns (see
`melcolumns`), which pyxform ignores.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mel.surveys.conditions import Condition
from mel.surveys.expr import Expression
from mel.surveys.languages import language_name
from mel.surveys.schema import Constraint, InstrumentDefinition, Question
from mel.surveys.xlsform.melcolumns import YES_NO_CHOICES, YES_NO_LIST, dump

# Survey sheet columns; a `<column>_<lang>` entry stands for `<column>::<Name> (<code>)` in
# each language the instrument carries (nl, en, then any further one such as tr).
SURVEY = [
    "type",
    "name",
    "label_<lang>",
    "hint_<lang>",
    "required",
    "relevant",
    "constraint",
    "constraint_message_<lang>",
    "calculation",
    "choice_filter",
    "repeat_count",
    "appearance",
    "parameters",
    "mel_type",
    "mel_min",
    "mel_max",
    "mel_reverse",
    "mel_sensitive",
    "mel_expression",
    "mel_constraint",
    "mel_max_rows",
    "mel_row_label",
    "mel_plausible",
    "mel_page",
]
XPATH_OPS = {"equals": "=", "not_equals": "!=", "gt": ">", "ge": ">=", "lt": "<", "le": "<="}


def _literal(value: Any) -> str:
    """Write a literal: numbers bare, booleans as '1'/'0', text quoted."""
    if isinstance(value, bool):
        return "'1'" if value else "'0'"
    if isinstance(value, int | float):
        return _number(value)
    return f"'{value}'"


def rule(condition: Condition | Expression | None) -> str:
    """Write a `relevant` as XLSForm text: a condition in XPath, an expression as written."""
    return condition.source if isinstance(condition, Expression) else xpath(condition)


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
    """Write a mel constraint as an XLSForm `constraint` expression.

    Its expression comes last, in brackets, and is also written in `mel_constraint` so that
    the import can tell it from the limits.
    """
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
            parts.append(template.format(_number(value)))
    if constraint.regex is not None:
        parts.append(f"regex(., '{constraint.regex}')")
    if constraint.expression is not None:
        source = constraint.expression.source
        parts.append(f"({source})" if parts else source)
    return " and ".join(parts)


def _texts(column: str, text: Any) -> dict[str, str]:
    """Return the cells of a text: {"label_nl": …, "label_en": …, "label_tr": …}."""
    if text is None:
        return {}
    return {
        f"{column}_nl": text.nl,
        f"{column}_en": text.en or "",
        **{f"{column}_{code}": value for code, value in text.others.items()},
    }


def _headers(languages: tuple[str, ...]) -> list[tuple[str, str]]:
    """Return (header, cell key) of the survey sheet's columns in `languages`."""
    found = []
    for column in SURVEY:
        if column.endswith("_<lang>"):
            base = column.removesuffix("_<lang>")
            found += [(_header(base, code), f"{base}_{code}") for code in languages]
        else:
            found.append((column, column))
    return found


def _header(column: str, code: str) -> str:
    """Return a text column's header: 'label::Türkçe (tr)'."""
    return f"{column}::{language_name(code)} ({code})"


def _bound(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _number(value)


def _number(value: float | int) -> str:
    """Write a number as XLSForm reads it: never in exponent notation (1e+08)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def _cells(**cells: Any) -> dict[str, Any]:
    """Return a survey row with the given cells (keys as in SURVEY, `label_nl` for texts)."""
    return cells


def _row_cells(q: Question) -> dict[str, Any]:
    """Return the cells every kind of question row shares."""
    return {
        "name": q.name,
        **_texts("label", q.label),
        **_texts("hint", q.hint),
        "required": q.required.source
        if isinstance(q.required, Expression)
        else "yes"
        if q.required
        else "",
        "relevant": rule(q.relevant),
        "mel_expression": "yes" if isinstance(q.relevant, Expression) else "",
        "mel_sensitive": "yes" if q.sensitive else "",
        "mel_plausible": dump(q.plausible.model_dump()) if q.plausible else "",
    }


def _question(q: Question) -> list[dict[str, Any]]:
    """Return the survey rows of one question (a repeat: its begin, rows and end)."""
    kind: str = q.type
    cells = _row_cells(q)
    if q.type in ("select_one", "select_multiple"):
        kind = f"{q.type} {q.choices}" + (" or_other" if q.other else "")
    elif q.type == "yes_no":
        kind, cells["mel_type"] = f"select_one {YES_NO_LIST}", "yes_no"
    elif q.type in ("rating", "nps", "range"):
        low, high = (0, 10) if q.type == "nps" else (q.min, q.max)
        step = f" step={_bound(q.step)}" if q.step is not None else ""
        kind, cells["parameters"] = "range", f"start={_bound(low)} end={_bound(high)}{step}"
        cells["mel_type"] = "" if q.type == "range" else q.type
    if q.type == "likert":
        header = _cells(**{**cells, "type": f"select_one {q.choices}", "appearance": "label"})
        rows = [header]
        for s in q.statements or []:
            rows.append(
                _cells(
                    type=f"select_one {q.choices}",
                    name=s.name,
                    **_texts("label", s.label),
                    required=cells["required"],
                    appearance="list-nolabel",
                    mel_reverse="yes" if s.reverse else "",
                )
            )
        return rows
    if q.type == "repeat":
        count = q.repeat_count
        cells.update(
            type="begin repeat",
            repeat_count=count.source if isinstance(count, Expression) else _bound(count),
            mel_max_rows=_bound(q.max_rows),
            mel_row_label=dump(q.row_label.model_dump(exclude_none=True)) if q.row_label else "",
        )
        rows = [_cells(**cells)]
        for inner in q.questions or []:
            rows.extend(_question(inner))
        return [*rows, _cells(type="end repeat", name=q.name)]
    message = _texts("constraint_message", q.constraint.message if q.constraint else None)
    expression = q.constraint.expression if q.constraint else None
    if q.type not in ("rating", "range"):
        cells.update(mel_min=_bound(q.min), mel_max=_bound(q.max))
    cells.update(
        type=kind,
        constraint=_constraint(q.constraint),
        **message,
        mel_constraint=expression.source if expression else "",
        calculation=q.calculation.source if q.calculation else "",
        choice_filter=q.choice_filter.source if q.choice_filter else "",
        appearance="multiline" if q.multiline else "",
    )
    return [_cells(**cells)]


def _choices(survey: InstrumentDefinition) -> list[list[Any]]:
    """Return the choices sheet: list, value, labels, mel_integer and one column per attribute."""
    attributes = list(
        dict.fromkeys(
            a for entries in survey.choices.values() for c in entries for a in c.attributes
        )
    )
    languages = _languages(survey)
    labels = [_header("label", code) for code in languages]
    rows: list[list[Any]] = [["list_name", "name", *labels, "mel_integer", *attributes]]
    for name, entries in survey.choices.items():
        for c in entries:
            texts = _texts("label", c.label)
            rows.append(
                [name, str(c.value), *(texts.get(f"label_{code}", "") for code in languages)]
                + ["yes" if isinstance(c.value, int) else ""]
                + [_bound(c.attributes.get(a)) for a in attributes]
            )
    if any(q.type == "yes_no" for q in survey.questions()):
        # Written for XLSForm tools; the import reads yes_no back from mel_type.
        for value, nl, en in YES_NO_CHOICES:
            further = [en] * (len(languages) - 2)
            rows.append([YES_NO_LIST, value, nl, en, *further, ""])
    return rows


def _languages(survey: InstrumentDefinition) -> tuple[str, ...]:
    """Return the languages of the text columns: nl, en and every further one carried."""
    return ("nl", "en", *(code for code in survey.languages if code not in ("nl", "en")))


def workbook_rows(survey: InstrumentDefinition) -> dict[str, list[list[Any]]]:
    """Return the survey, choices and settings sheets of an instrument, as rows."""
    headers = _headers(_languages(survey))
    cells: list[dict[str, Any]] = []
    # XLSForm names are unique over groups and questions: a page named like a question
    # is written as <page>_page, its own name in mel_page
    taken = {q.name for q in survey.questions()}
    taken |= {inner.name for q in survey.questions() for inner in q.questions or []}
    for page in survey.pages:
        group = page.name
        while group in taken:
            group = f"{group}_page"
        cells.append(
            _cells(
                type="begin group",
                name=group,
                mel_page=page.name if group != page.name else "",
                **_texts("label", page.title),
                relevant=rule(page.relevant),
                mel_expression="yes" if isinstance(page.relevant, Expression) else "",
                appearance="field-list",
            )
        )
        for question in page.questions:
            cells.extend(_question(question))
        cells.append(_cells(type="end group", name=group))
    rows: list[list[Any]] = [[header for header, _ in headers]]
    rows.extend([row.get(key, "") for _, key in headers] for row in cells)
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
        "mel_review": dump(survey.review.model_dump(exclude_none=True)) if survey.review else "",
        "mel_census": dump(survey.census.model_dump()) if survey.census else "",
    }
    return {
        "survey": rows,
        "choices": _choices(survey),
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
