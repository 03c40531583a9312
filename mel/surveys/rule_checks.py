"""Checks of the rules written as expressions or piped into texts: each refers only to
answers known when it is decided, and a choice filter only to attributes its list has."""

from __future__ import annotations

from collections.abc import Iterator

from mel.surveys.expr import Expression
from mel.surveys.piping import local_references
from mel.surveys.rows import row_groups
from mel.surveys.schema import InstrumentDefinition, Question
from mel.surveys.text import LocalText
from mel.surveys.yamlfile import Location

Finding = tuple[Location, str]


def check_filter(
    survey: InstrumentDefinition, question: Question, where: Location, earlier: dict[str, Question]
) -> Iterator[Finding]:
    """A choice filter reads attributes its list has, and answers from earlier pages."""
    rule = question.choice_filter
    assert rule is not None
    yield from check_expression(survey, rule, where, earlier, False)
    listed = {"name"}.union(*(c.attributes for c in survey.choices.get(question.choices or "", [])))
    for name, column in rule.attribute_names().items():
        if name not in listed:
            yield (
                where,
                (
                    f"{name!r} (column {column}) is no attribute of the choices in "
                    f"{question.choices!r}; write an earlier answer as ${{{name}}}"
                ),
            )


def check_pipes(
    survey: InstrumentDefinition, question: Question, where: Location, earlier: dict[str, Question]
) -> Iterator[Finding]:
    """Texts pipe only answers from earlier pages (a page is built before it is answered)."""
    texts: list[tuple[Location, LocalText | None]] = [
        ((*where, "label"), question.label),
        ((*where, "hint"), question.hint),
    ]
    for i, choice in enumerate(survey.choices.get(question.choices or "", [])):
        texts.append((("choices", question.choices or "", i, "label"), choice.label))
    for location, text in texts:
        reported: set[str] = set()  # once per text, not per language
        for key, name in local_references(text):
            if name in earlier or name in reported:
                continue
            reported.add(name)
            exists = any(q.name == name for q in survey.questions())
            why = "is not on an earlier page" if exists else "does not exist"
            user = f" (used by {question.name!r})" if location[0] == "choices" else ""
            yield (*location, key), f"${{{name}}} {why}: only earlier answers can be shown{user}"


def check_expression(
    survey: InstrumentDefinition,
    rule: Expression,
    where: Location,
    known: dict[str, Question],
    current: bool,
    in_row: bool = False,
) -> Iterator[Finding]:
    """An expression refers only to questions answered before it is decided; `.` (this
    answer) only appears in a constraint, position(..) only in the rules of a row."""
    if rule.uses_current and not current:
        yield where, f"'.' (this answer) only belongs in a constraint: write ${{name}} ({rule})"
    if "position" in rule.functions() and not in_row:
        yield (
            where,
            (
                "position(..) is the number of a row: it only belongs in the rules of the "
                "questions of a repeat group"
            ),
        )
    rows = row_groups(survey)
    yield from _row_reads(rule, where, known, rows)
    for name, column in rule.ref_columns(as_rows=False).items():
        group = rows.get(name)
        if group == name:
            yield (
                where,
                (
                    f"${{{name}}} (column {column}) is a repeat group: count its rows with "
                    f"count(${{{name}}})"
                ),
            )
            continue
        if name in known:
            continue
        if group is not None:
            yield (
                where,
                (
                    f"${{{name}}} (column {column}) is asked once per row of repeat {group!r}: "
                    f"read it with count(), sum(), min(), max(), join() or indexed-repeat()"
                ),
            )
            continue
        exists = any(q.name == name for q in survey.questions())
        why = "which is not answered before this point" if exists else "which does not exist"
        yield where, f"${{{name}}} (column {column}) refers to a question {why}"


def _row_reads(
    rule: Expression, where: Location, known: dict[str, Question], rows: dict[str, str]
) -> Iterator[Finding]:
    """count(${q}), sum(${q}), … read a repeat group answered before, from outside it."""
    for name, column in rule.ref_columns(as_rows=True).items():
        group = rows.get(name)
        if group is None:
            continue  # an ordinary question is a node-set of one
        if group not in known:
            yield (
                where,
                (
                    f"${{{name}}} (column {column}) reads repeat {group!r}, which is not "
                    "answered before this point"
                ),
            )
        elif name != group and name in known:
            yield (
                where,
                (
                    f"${{{name}}} (column {column}): the rows of repeat {group!r} cannot be "
                    "read inside the repeat itself"
                ),
            )
