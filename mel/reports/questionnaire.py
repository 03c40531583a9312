"""The questionnaire as fielded, for the report's appendix: every question, its answer
options and its skip logic in words, from the instrument version the wave's responses used."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from mel.i18n import translate
from mel.models import Instrument, InstrumentVersion, Response
from mel.reports.model import MethodSection, Table
from mel.surveys.conditions import Condition
from mel.surveys.schema import InstrumentDefinition, Question

MAX_OPTIONS_SHOWN = 12
OPERATOR_WORDS = {
    "equals": "=",
    "not_equals": "\u2260",
    "gt": ">",
    "ge": "\u2265",
    "lt": "<",
    "le": "\u2264",
}


def fielded_versions(
    engine: Engine, wave_id: int, instruments: dict[str, InstrumentDefinition]
) -> dict[str, InstrumentDefinition]:
    """Per instrument, the newest version the wave's responses were given on.

    Instruments without responses in the wave keep the definition passed in.
    """
    fielded = dict(instruments)
    with Session(engine) as session:
        newest = (
            select(Instrument.code, func.max(InstrumentVersion.version))
            .join(InstrumentVersion, InstrumentVersion.instrument_id == Instrument.id)  # type: ignore[arg-type]
            .join(Response, Response.instrument_version_id == InstrumentVersion.id)  # type: ignore[arg-type]
            .where(Response.wave_id == wave_id)
            .group_by(Instrument.code)
        )
        for code, version in session.exec(newest).all():
            definition = session.exec(
                select(InstrumentVersion.definition)
                .join(Instrument, InstrumentVersion.instrument_id == Instrument.id)  # type: ignore[arg-type]
                .where(Instrument.code == code, InstrumentVersion.version == version)
            ).one()
            fielded[code] = InstrumentDefinition.model_validate(definition)
    return fielded


def _value(value: Any, labels: dict[str, str]) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    return labels.get(str(value), str(value))


def condition_words(
    condition: Condition, questions: dict[str, str], choices: dict[str, str], language: str
) -> str:
    """A `relevant` condition in words, e.g. "‘Vervolgstappen’ = Ja" (an expression as
    written, with each ``${name}`` replaced by the question's text in quotes)."""
    if not isinstance(condition, Condition):
        source = getattr(condition, "source", str(condition))
        return re.sub(
            r"\$\{(\w+)\}", lambda m: f"\u2018{questions.get(m.group(1), m.group(1))}\u2019", source
        )
    if condition.all is not None or condition.any is not None:
        parts = condition.all if condition.all is not None else condition.any
        joiner = f" {translate('and' if condition.all is not None else 'or', language)} "
        return joiner.join(
            f"({condition_words(c, questions, choices, language)})" for c in parts or []
        )
    if condition.not_ is not None:
        inner = condition_words(condition.not_, questions, choices, language)
        return f"{translate('not', language)} ({inner})"
    name = questions.get(condition.question or "", condition.question or "")
    operator, operand = condition.operator()
    subject = f"\u2018{name}\u2019"
    if operator == "answered":
        return f"{subject} {translate('answered' if operand else 'not_answered', language)}"
    if operator == "in":
        values = ", ".join(_value(v, choices) for v in operand)
        return f"{subject} {translate('one_of', language)} {values}"
    if operator == "selected":
        return f"{subject} {translate('includes', language)} {_value(operand, choices)}"
    return f"{subject} {OPERATOR_WORDS[operator]} {_value(operand, choices)}"


def _options(question: Question, survey: InstrumentDefinition, language: str) -> str:
    kind = question.type
    if question.choices:
        items = [f"{c.value} = {c.label.get(language)}" for c in survey.choices[question.choices]]
        if len(items) > MAX_OPTIONS_SHOWN:
            items = items[:MAX_OPTIONS_SHOWN] + [f"\u2026 ({len(items)})"]
        if question.has_other:
            items.append(translate("report_other_text", language))
        text = "; ".join(items)
        if kind == "select_multiple":
            text = f"{translate('several_possible', language)}: {text}"
        return text
    low, high = question.bounds()
    if kind in ("integer", "decimal", "rating", "nps"):
        bounds = "\u2013".join("" if v is None else f"{v:g}" for v in (low, high))
        return translate(f"type_{kind}", language) + (
            f" ({bounds})" if low is not None or high is not None else ""
        )
    return translate(f"type_{kind}", language)


def questionnaire_section(survey: InstrumentDefinition, language: str) -> MethodSection:
    """One instrument as fielded: a table with a row per question."""
    lang = language
    questions = {q.name: q.label.get(lang) for q in survey.questions()}
    choices = {str(c.value): c.label.get(lang) for items in survey.choices.values() for c in items}
    rows, records, number = [], [], 0
    for page in survey.pages:
        page_rule = (
            condition_words(page.relevant, questions, choices, lang) if page.relevant else ""
        )
        for question in page.questions:
            if question.type in ("note", "calculate"):
                continue  # not asked: a text to read, a value worked out
            number += 1
            label = question.label.get(lang)
            if question.statements:
                label += ": " + "; ".join(s.label.get(lang) for s in question.statements)
            if question.questions:  # a repeat group: the questions of each row
                label += ": " + "; ".join(
                    q.label.get(lang) for q in question.questions if q.type != "calculate"
                )
            rules = [r for r in (page_rule,) if r]
            if question.relevant is not None:
                rules.append(condition_words(question.relevant, questions, choices, lang))
            asked = (
                translate("asked_if", lang, rule=f" {translate('and', lang)} ".join(rules))
                if rules
                else ""
            )
            options = _options(question, survey, lang)
            if question.required:
                options += f" ({translate('report_required', lang)})"
            rows.append([str(number), label, options, asked or "\u2014"])
            records.append(
                {
                    "number": number,
                    "question": question.name,
                    "label": label,
                    "type": question.type,
                    "options": options,
                    "asked_if": asked,
                }
            )
    header = [
        translate("number", lang),
        translate("question", lang),
        translate("answers", lang),
        translate("skip_logic", lang),
    ]
    title = survey.title.get(lang)
    table = Table(
        f"questionnaire-{survey.instrument}",
        translate("questionnaire_of", lang, title=title, version=survey.version),
        header,
        rows,
        pd.DataFrame(records),
        [True, False, False, False],
    )
    intro = translate("questionnaire_intro", lang, count=number, version=survey.version)
    return MethodSection(title, [intro], table)


__all__ = ["condition_words", "fielded_versions", "questionnaire_section"]
