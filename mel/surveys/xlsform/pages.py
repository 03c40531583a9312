"""Laying out converted XLSForm rows on mel pages.

Rows are nested into groups; each top-level group becomes a page, and so does each run of
questions between groups. Nested groups are flattened into their page, ODK's matrix pattern
becomes one likert question, and a page is split where a question's `relevant` refers to a
question on the same page. A repeat becomes a `repeat` question (nested repeats and
loops are listed).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from mel.surveys.schema import Question
from mel.surveys.xlsform.logic import piped, references
from mel.surveys.xlsform.mapping import Target, condition_questions
from mel.surveys.xlsform.sheets import Row

KEY_ORDER = (
    "name",
    "type",
    "label",
    "hint",
    "required",
    "relevant",
    "constraint",
    "calculation",
    "choice_filter",
    "questions",
    "repeat_count",
    "max_rows",
    "row_label",
    "choices",
    "statements",
    "min",
    "max",
    "step",
    "multiline",
    "other",
    "sensitive",
    "plausible",
)


@dataclass
class Group:
    """A `begin group`/`begin repeat` row with the rows up to its end."""

    row: Row
    repeat: bool
    children: list[Row | Group] = field(default_factory=list)


@dataclass
class Page:
    """A page being filled; `grouped` when it comes from a group."""

    name: str
    title: dict | None
    relevant: dict | None
    grouped: bool
    questions: list[dict] = field(default_factory=list)
    base: str = ""  # the group's page name, which the parts of a split page number from


def tree(rows: list[Row], note: Any) -> list[Row | Group]:
    """Nest rows into groups and repeats as their begin/end rows say."""
    top: list[Row | Group] = []
    stack: list[Group] = []
    for row in rows:
        kind = row.kind()[0]
        if kind in ("begin group", "begin repeat", "begin loop"):
            group = Group(row, kind != "begin group")
            (stack[-1].children if stack else top).append(group)
            stack.append(group)
        elif kind in ("end group", "end repeat", "end loop"):
            if stack:
                stack.pop()
            else:
                note(row.where, f"{kind!r} without a matching begin; ignored")
        else:
            (stack[-1].children if stack else top).append(row)
    for group in stack:
        note(group.row.where, f"group {group.row.get('name')!r} has no end; closed at the end")
    return top


def rows_in(items: list[Row | Group]) -> list[Row]:
    """Return every row inside `items`, group rows included, in sheet order."""
    return [
        r for i in items for r in ([i.row, *rows_in(i.children)] if isinstance(i, Group) else [i])
    ]


def unique(base: str, used: set[str]) -> str:
    """Return `base`, or `base_2`, `base_3`… if taken, and mark it as taken."""
    name, count = base, 1
    while name in used:
        count += 1
        name = f"{base}_{count}"
    used.add(name)
    return name


def both(first: dict | str | None, second: dict | str | None) -> dict | str | None:
    """Combine two conditions with `all` (either may be missing, or expression text)."""
    if isinstance(first, str) or isinstance(second, str):
        if first and second:
            return f"({_text(first)}) and ({_text(second)})"
        return first or second
    if first and second:
        return {"all": [*first.get("all", [first]), second]}
    return first or second


def _text(rule: dict | str) -> str:
    """Write a condition (dict as in YAML) as expression text."""
    if isinstance(rule, str):
        return rule
    from mel.surveys.conditions import Condition
    from mel.surveys.xlsform.export import xpath

    return xpath(Condition.model_validate(rule))


def ordered(data: dict, order: tuple[str, ...]) -> dict:
    """Keep the keys with a value, in mel's key order."""
    return {k: data[k] for k in order if data.get(k) is not None and data.get(k) is not False}


class PageLayout(ABC):
    """Places questions on pages; the row conversion it relies on is left to a subclass."""

    names: set[str]
    page_names: set[str]
    known: dict[str, Target]
    lost: dict[str, str]
    in_rows: dict[str, Target]
    row_of: str | None  # the repeat whose rows are being converted
    pages: list[Page]
    choices: dict[str, list[dict]]

    @abstractmethod
    def note(self, where: str, message: str) -> None:
        """List something that was not converted (or had to change)."""

    @abstractmethod
    def text(self, row: Row | None, column: str) -> dict | None:
        """Return the {nl, en} text of a column."""

    @abstractmethod
    def label(self, row: Row, name: str) -> dict:
        """Return a row's label, or its name when it has none."""

    @abstractmethod
    def name(self, row: Row, used: set[str], default: str = "page") -> str:
        """Give a row a mel name, unique in `used`."""

    @abstractmethod
    def skip(self, row: Row, why: str) -> None:
        """List a row that is not converted."""

    @abstractmethod
    def condition(self, row: Row | None) -> dict | None:
        """Convert a row's `relevant`, or list it and return None."""

    @abstractmethod
    def required(self, row: Row) -> bool | str:
        """Read a row's `required` (True, False or expression text)."""

    @abstractmethod
    def not_kept(self, row: Row, columns: tuple[str, ...] = ()) -> None:
        """List the filled columns of a converted row that mel has no place for."""

    @abstractmethod
    def appearance(self, row: Row, honoured: tuple[str, ...]) -> None:
        """List the appearance words mel does not honour for this row."""

    @abstractmethod
    def question(self, row: Row, inherited: dict | None) -> None:
        """Convert one question row and place it on the current page."""

    @abstractmethod
    def question_data(self, row: Row, inherited: dict | str | None) -> dict | None:
        """Convert one question row into a question (None, listed, if it cannot be)."""

    @abstractmethod
    def expression(self, row: Row, column: str, **how: bool) -> str | None:
        """Convert an expression cell to mel expression text, or list it and return None."""

    def top(self, items: list[Row | Group]) -> None:
        """Make a page of each top-level group, and of each run of questions between them."""
        for item in items:
            if isinstance(item, Group) and item.repeat:
                self.repeat(item)
            elif isinstance(item, Group):
                start = len(self.pages)
                kept = item.row.get("mel_page")  # the page's name, written by export
                self.open_page(
                    unique(kept, self.page_names) if kept else self.name(item.row, self.page_names),
                    self.text(item.row, "label"),
                    self.condition(item.row),
                    grouped=True,
                )
                self.group_columns(item.row)
                self.add(item.children, item, None)
                if not any(page.questions for page in self.pages[start:]):
                    self.note(
                        item.row.where,
                        f"group {item.row.get('name')!r} has no question "
                        "mel can show; no page made",
                    )
            else:
                if not self.pages or self.pages[-1].grouped:
                    self.open_page(self.loose_name(), None, None, False)
                self.add([item], None, None)

    def group_columns(self, row: Row) -> None:
        """List what a group row has that mel does not convert for groups."""
        self.not_kept(row, ("hint", "required", "constraint", "parameters"))
        self.appearance(row, ("field-list",))

    def loose_name(self) -> str:
        """Name a page of questions outside groups by its place among the pages."""
        return self.fresh(f"page_{sum(1 for page in self.pages if page.questions) + 1}")

    def fresh(self, base: str) -> str:
        """Return an unused page name."""
        return unique(base, self.page_names)

    def open_page(
        self, name: str, title: dict | None, relevant: dict | None, grouped: bool
    ) -> None:
        """Start a new page; questions are added to the last page."""
        self.pages.append(Page(name, title, relevant, grouped))

    def add(self, items: list[Row | Group], group: Group | None, inherited: dict | None) -> None:
        """Add rows to the current page; nested groups are flattened into it."""
        matrix = group is not None and "field-list" in group.row.appearance()
        index = 0
        while index < len(items):
            item = items[index]
            run = _matrix_run(items, index) if matrix else []
            if isinstance(item, Group) and item.repeat:
                self.repeat(item, inherited or {})
            elif isinstance(item, Group):
                label = self.text(item.row, "label")
                if label:
                    self.note(
                        item.row.where,
                        f"group {item.row.get('name')!r} is flattened into "
                        f"page {self.pages[-1].name!r}; its label "
                        f"{label['nl']!r} is not shown",
                    )
                self.group_columns(item.row)
                self.add(item.children, item, both(inherited, self.condition(item.row)))
            elif run and group is not None:
                self.likert(run, group, inherited)
                index += len(run) - 1
            else:
                self.question(item, inherited)
            index += 1

    @abstractmethod
    def repeat(self, group: Group, inherited: dict | str | None = None) -> None:
        """Convert a repeat into a `repeat` question (see `repeats`)."""

    def likert(self, run: list[Row], group: Group, inherited: dict | None) -> None:
        """Convert ODK's matrix pattern (label / list-nolabel rows) into one likert question."""
        header = run[0] if "label" in run[0].appearance() else None
        statements = run[1:] if header else run
        listname = run[0].kind()[1]
        if listname not in self.choices:
            for row in run:
                self.skip(row, f"choice list {listname!r} is not on the choices sheet")
            return
        name = self.name(header or group.row, self.names)
        rules = [self.required(row) for row in statements]
        if any(isinstance(rule, str) for rule in rules):
            self.note(
                run[0].where,
                f"required as an expression on the statements of {name!r} not converted "
                "(a likert question is required or not)",
            )
        required = [rule is True for rule in rules]
        if any(required) and not all(required):
            self.note(
                run[0].where,
                f"only some statements of {name!r} are required; the likert question is optional",
            )
        used: set[str] = set()
        rows = []
        for row in statements:
            self.not_kept(row, ("relevant", "constraint", "hint"))
            statement: dict[str, Any] = {
                "name": self.name(row, used),
                "label": self.label(row, row.get("name")),
            }
            if row.get("mel_reverse").lower() in ("yes", "true", "1"):
                statement["reverse"] = True
            rows.append(statement)
            self.lost[row.get("name")] = f"is a statement of likert question {name!r}"
        data = {
            "name": name,
            "type": "likert",
            "label": self.text(header, "label") or self.text(group.row, "label") or {"nl": name},
            "hint": self.text(header, "hint"),
            "required": all(required),
            "relevant": both(inherited, self.condition(header)),
            "choices": listname,
            "statements": rows,
            "sensitive": header is not None
            and header.get("mel_sensitive").lower() in ("yes", "true", "1"),
        }
        if header:
            self.not_kept(header)
            self.lost[header.get("name")] = f"is the header row of likert question {name!r}"
        self.place(run[0], ordered(data, KEY_ORDER), None)

    def place(self, row: Row, data: dict, target: Target | None) -> None:
        """Put a question on the current page, starting a new one if its relevant needs it."""
        problem = question_problems(data)
        if problem:
            return self.skip(row, problem)
        page = self.pages[-1]
        rule = data.get("relevant")
        used = condition_questions(rule) if isinstance(rule, dict) else references(rule)
        texts = [data.get("label"), data.get("hint")]
        texts += [c["label"] for c in self.choices.get(data.get("choices") or "", [])]
        used |= piped(texts) | references(data.get("repeat_count"))
        same = used & {q["name"] for q in page.questions}
        on_page = condition_questions(rule) if isinstance(rule, dict) else references(rule)
        what = "relevant" if on_page & same else "piped text or repeat count"
        if same:
            if page.grouped:
                self.note(
                    row.where,
                    f"page {page.name!r} split before {data['name']!r}: its "
                    f"{what} refers to {', '.join(sorted(same))} on the same "
                    "page (mel conditions refer to earlier pages)",
                )
            base = page.base or page.name
            name = self.fresh(base) if page.grouped else self.loose_name()
            title = dict(page.title) if page.title else None  # no YAML anchors
            self.open_page(name, title, page.relevant, page.grouped)
            self.pages[-1].base = base
        self.pages[-1].questions.append(data)
        if target and data["type"] != "note":
            self.known[row.get("name")] = target
        elif target:
            self.lost[row.get("name")] = "is a note"


def _matrix_run(items: list[Row | Group], index: int) -> list[Row]:
    """Return the rows of an ODK matrix starting at `index` (empty if there is none)."""
    first = items[index]
    if (
        not isinstance(first, Row)
        or first.kind()[0] != "select_one"
        or not {"label", "list-nolabel"} & first.appearance()
    ):
        return []
    run = [first]
    for item in items[index + 1 :]:
        if not (
            isinstance(item, Row)
            and item.kind()[:2] == first.kind()[:2]
            and "list-nolabel" in item.appearance()
        ):
            break
        run.append(item)
    return run if len(run) > 1 else []


def question_problems(data: dict) -> str | None:
    """Return why a converted question is not valid for mel, or None if it is."""
    try:
        Question.model_validate(data)
    except ValidationError as exc:
        return "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
    return None
