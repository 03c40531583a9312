"""Cross-reference checks that a single field's validation cannot see."""

from __future__ import annotations

from collections.abc import Iterator

from mel.surveys.conditions import Condition
from mel.surveys.expr import Expression
from mel.surveys.language_checks import check_languages
from mel.surveys.programme_schema import ProgrammeDefinition
from mel.surveys.registers import check_registers
from mel.surveys.review_checks import check_review
from mel.surveys.rule_checks import check_expression, check_filter, check_pipes
from mel.surveys.schema import CHOICE_TYPES, NUMERIC_TYPES, InstrumentDefinition, Question
from mel.surveys.yamlfile import Location

Finding = tuple[Location, str]
# The design columns of the analysis frame, in its order (mel.data.frame; exports show them
# without response_id): a question may not take one of these names.
FRAME_COLUMNS = (
    "response_id",
    "respondent",
    "unit",
    "unit_kind",
    "stratum",
    "province",
    "region",
    "sector",
    "version",
    "language",
    "fpc_units",
    "fpc_persons",
    "weight",
)
RESERVED_NAMES = frozenset(FRAME_COLUMNS)


def check_instrument(survey: InstrumentDefinition) -> Iterator[Finding]:
    """Yield (location, message) for every cross-reference problem in a survey."""
    for name, choices in survey.choices.items():
        if not choices:
            yield ("choices", name), f"choice list {name!r} is empty"
        seen: set[str] = set()
        for i, choice in enumerate(choices):
            if str(choice.value) in seen:
                yield ("choices", name, i, "value"), f"duplicate choice value {choice.value!r}"
            seen.add(str(choice.value))
    yield from _duplicates(
        [((("pages", p, "name")), page.name) for p, page in enumerate(survey.pages)], "page name"
    )
    earlier: dict[str, Question] = {}
    names: list[tuple[Location, str]] = []
    for p, page in enumerate(survey.pages):
        yield from _check_condition(survey, page.relevant, ("pages", p, "relevant"), earlier)
        for q, question in enumerate(page.questions):
            where: Location = ("pages", p, "questions", q)
            names.append(((*where, "name"), question.name))
            if question.name in RESERVED_NAMES or "__" in question.name:
                yield (
                    (*where, "name"),
                    (
                        f"question name {question.name!r} is reserved for "
                        f"analysis columns; choose another (no '__')"
                    ),
                )
            for owner, model in ((where, question), ((*where, "constraint"), question.constraint)):
                pair = model.disorder() if model is not None else None
                if pair:
                    low, high = (getattr(model, n) for n in pair)
                    yield (
                        (*owner, pair[0]),
                        (f"{pair[0]} ({_show(low)}) is greater than {pair[1]} ({_show(high)})"),
                    )
            if question.choices and question.choices not in survey.choices:
                yield (*where, "choices"), f"unknown choice list {question.choices!r}"
            if question.statements:
                yield from _duplicates(
                    [
                        ((*where, "statements", s, "name"), st.name)
                        for s, st in enumerate(question.statements)
                    ],
                    "statement name",
                )
            yield from _check_condition(survey, question.relevant, (*where, "relevant"), earlier)
            yield from check_pipes(survey, question, where, earlier)
            if question.choice_filter is not None:
                yield from check_filter(survey, question, (*where, "choice_filter"), earlier)
            if isinstance(question.repeat_count, Expression):
                yield from check_expression(
                    survey, question.repeat_count, (*where, "repeat_count"), earlier, False
                )
            for r, inner in enumerate(question.questions or []):
                row: Location = (*where, "questions", r)
                names.append(((*row, "name"), inner.name))
                if inner.name in RESERVED_NAMES or "__" in inner.name:
                    yield (*row, "name"), f"question name {inner.name!r} is reserved"
                if inner.choices and inner.choices not in survey.choices:
                    yield (*row, "choices"), f"unknown choice list {inner.choices!r}"
                yield from _check_condition(
                    survey, inner.relevant, (*row, "relevant"), earlier, in_row=True
                )
                # A row's required/constraint rules may read its own row (${name} of the
                # group is this row's answer) and the page, like any page's rules.
                in_row = {
                    **earlier,
                    **{x.name: x for x in page.questions},
                    **{x.name: x for x in question.questions or []},
                }
                rule = inner.constraint.expression if inner.constraint else None
                if isinstance(rule, Expression):
                    yield from check_expression(
                        survey, rule, (*row, "constraint"), in_row, True, in_row=True
                    )
                if isinstance(inner.required, Expression):
                    yield from check_expression(
                        survey, inner.required, (*row, "required"), in_row, False, in_row=True
                    )
            # Constraints, rules for `required` and calculations are decided when the page
            # is posted, so they may also read the page's own questions (calculations only
            # those before them).
            on_page = {**earlier, **{x.name: x for x in page.questions}}
            before = {**earlier, **{x.name: x for x in page.questions[:q]}}
            constraint = question.constraint.expression if question.constraint else None
            for key, rule, known, current in (
                (("constraint",), constraint, on_page, True),
                (("required",), question.required, on_page, False),
                (("calculation",), question.calculation, before, False),
            ):
                if isinstance(rule, Expression):
                    yield from check_expression(survey, rule, (*where, *key), known, current)
        for question in page.questions:
            earlier[question.name] = question
    yield from _duplicates(names, "question name")
    yield from check_review(survey)
    yield from check_languages(survey)


def _show(value: object) -> str:
    """Write a limit as in the file: 7, 2.5 or 2025-12-31."""
    return f"{value:g}" if isinstance(value, float | int) else str(value)


def _duplicates(items: list[tuple[Location, str]], what: str) -> Iterator[Finding]:
    seen: set[str] = set()
    for location, name in items:
        if name in seen:
            yield location, f"duplicate {what} {name!r}"
        seen.add(name)


def _check_condition(
    survey: InstrumentDefinition,
    condition: Condition | Expression | None,
    where: Location,
    earlier: dict[str, Question],
    *,
    in_row: bool = False,
) -> Iterator[Finding]:
    if condition is None:
        return
    if isinstance(condition, Expression):
        yield from check_expression(survey, condition, where, earlier, False, in_row=in_row)
        return
    for suffix, name, test in condition.questions():
        location = (*where, *_parse_suffix(suffix))
        if name not in earlier:
            known = any(q.name == name for q in survey.questions())
            yield (
                location,
                (
                    f"refers to question {name!r} which is not on an earlier page"
                    if known
                    else f"refers to unknown question {name!r}"
                ),
            )
            continue
        yield from _check_operand(survey, earlier[name], test, location[:-1])


def _check_operand(
    survey: InstrumentDefinition, question: Question, test: Condition, where: Location
) -> Iterator[Finding]:
    op, operand = test.operator()
    kind = question.type
    if op == "selected" and kind != "select_multiple":
        yield (*where, "selected"), f"'selected' needs a select_multiple question, not {kind}"
    if op in ("gt", "ge", "lt", "le") and kind not in NUMERIC_TYPES:
        yield (*where, op), f"{op!r} needs a numeric question, not {kind}"
    if kind in CHOICE_TYPES and op in ("equals", "not_equals", "in", "selected"):
        values = {str(c.value) for c in survey.choices.get(question.choices or "", [])}
        for value in operand if op == "in" else [operand]:
            if values and str(value) not in values:
                yield (*where, op), (f"value {value!r} is not in choice list {question.choices!r}")
    if kind == "yes_no" and op in ("equals", "not_equals") and not isinstance(operand, bool):
        yield (*where, op), "a yes_no answer is true or false"


def _parse_suffix(suffix: str) -> Location:
    """Turn '.all[0].question' into ('all', 0, 'question')."""
    parts: list[str | int] = []
    for piece in suffix.strip(".").split("."):
        name, _, rest = piece.partition("[")
        parts.append(name)
        if rest:
            parts.append(int(rest.rstrip("]")))
    return tuple(parts)


def check_programme(
    programme: ProgrammeDefinition, instruments: dict[str, InstrumentDefinition]
) -> Iterator[Finding]:
    """Yield problems in a programme's pathways and KPIs against its instruments."""
    nodes: set[str] = set()
    yield from _duplicates(
        [(("pathways", i, "code"), p.code) for i, p in enumerate(programme.pathways)],
        "pathway code",
    )
    for i, pathway in enumerate(programme.pathways):
        codes = {n.code for n in pathway.nodes}
        yield from _duplicates(
            [
                (("pathways", i, "nodes", n, "code"), node.code)
                for n, node in enumerate(pathway.nodes)
            ],
            "node code",
        )
        nodes.update(f"{pathway.code}.{c}" for c in codes)
        for k, link in enumerate(pathway.links):
            for key, code in (("from", link.source), ("to", link.target)):
                if code not in codes:
                    yield (
                        ("pathways", i, "links", k, key),
                        f"unknown node {code!r} in pathway {pathway.code!r}",
                    )
    yield from _duplicates(
        [(("kpis", i, "code"), k.code) for i, k in enumerate(programme.kpis)]
        + [(("register_kpis", i, "code"), k.code) for i, k in enumerate(programme.register_kpis)],
        "KPI code",
    )
    yield from check_registers(programme.registers, programme.register_kpis, nodes)
    for i, kpi in enumerate(programme.kpis):
        where: Location = ("kpis", i)
        if kpi.node not in nodes:
            yield (*where, "node"), f"unknown pathway node {kpi.node!r} (write pathway.node)"
        survey = instruments.get(kpi.instrument)
        if survey is None:
            yield (*where, "instrument"), f"unknown instrument {kpi.instrument!r}"
            continue
        if survey.programme != programme.programme:
            yield (
                (*where, "instrument"),
                (f"instrument {kpi.instrument!r} belongs to programme {survey.programme!r}"),
            )
        yield from _check_kpi_questions(kpi, survey, where)
    if programme.progress is not None:
        yield from _check_progress(programme.progress, instruments, nodes)


def _check_progress(progress, instruments: dict[str, InstrumentDefinition], nodes: set[str]):  # type: ignore[no-untyped-def]
    """Yield problems of the progress block: its census instrument, questions and nodes."""
    survey = instruments.get(progress.instrument)
    if survey is None:
        yield ("progress", "instrument"), f"unknown instrument {progress.instrument!r}"
        return
    if survey.census is None:
        yield ("progress", "instrument"), f"{progress.instrument!r} is not a census instrument"
    known = {q.name: q for q in survey.questions()}
    for i, indicator in enumerate(progress.indicators):
        where: Location = ("progress", "indicators", i)
        if indicator.node is not None and indicator.node not in nodes:
            yield (*where, "node"), f"unknown pathway node {indicator.node!r}"
        for name in indicator.questions():
            if name not in known:
                yield (*where, "question"), f"unknown question {name!r} in {survey.instrument!r}"
            elif name != indicator.counting and known[name].type not in ("integer", "decimal"):
                yield (*where, "question"), f"{name!r} is {known[name].type}, not a number"


def _check_kpi_questions(kpi, survey: InstrumentDefinition, where: Location) -> Iterator[Finding]:
    known = {q.name: q for q in survey.questions()}
    field = "question" if kpi.question else "expression"
    for name in kpi.questions():
        if name not in known:
            yield (*where, field), f"unknown question {name!r} in {survey.instrument!r}"
    if kpi.question in known:
        question = known[kpi.question]
        if kpi.estimator in ("mean", "total", "ratio", "quantile") and question.type not in (
            *NUMERIC_TYPES,
            "yes_no",
        ):
            yield (
                (*where, "question"),
                (
                    f"estimator {kpi.estimator} needs a numeric question, "
                    f"{kpi.question!r} is {question.type}"
                ),
            )
        if kpi.estimator == "proportion":
            if question.type in CHOICE_TYPES:
                values = {str(c.value) for c in survey.choices.get(question.choices or "", [])}
                if kpi.level is None or str(kpi.level) not in values:
                    yield (
                        (*where, "level"),
                        (f"level {kpi.level!r} is not in choice list {question.choices!r}"),
                    )
            elif question.type != "yes_no":
                yield (
                    (*where, "question"),
                    (
                        f"estimator proportion needs a select_one or "
                        f"yes_no question, {kpi.question!r} is "
                        f"{question.type}"
                    ),
                )
    if (
        kpi.expression
        and kpi.expression.scale in known
        and known[kpi.expression.scale].type != "likert"
    ):
        yield (*where, "expression", "scale"), f"{kpi.expression.scale!r} is not a likert question"
