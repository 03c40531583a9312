"""XLSForm repeats as mel `repeat` questions.

A `begin_repeat` becomes a question of type `repeat` whose `questions` are asked once per
row, with `repeat_count` (a number or an expression) or, without one, "add another".
Groups inside a repeat are flattened into its row; nested repeats and loops (which the
engine lacks) are listed with each of their rows, as is what a row cannot hold.
"""

from __future__ import annotations

from typing import Any

import yaml

from mel.surveys.xlsform.mapping import Target
from mel.surveys.xlsform.pages import (
    KEY_ORDER,
    Group,
    PageLayout,
    both,
    ordered,
    question_problems,
    rows_in,
)
from mel.surveys.xlsform.sheets import Row


class RepeatLayout(PageLayout):
    """Places repeats on pages; the row conversion is the subclass's."""

    def repeat(self, group: Group, inherited: dict | str | None = None) -> None:
        """Convert a repeat into a `repeat` question on the current page (a page of its own
        at the top level); what a row cannot hold (nested repeats, groups' own columns) is
        listed."""
        row, kind = group.row, group.row.kind()[0]
        if kind == "begin loop":
            self.note(row.where, f"loop {row.get('name')!r} not converted: mel has no loops")
            for inner in rows_in(group.children):
                self.skip(inner, f"inside loop {row.get('name')!r}")
            return
        if inherited is None and (not self.pages or self.pages[-1].grouped):
            self.open_page(self.loose_name(), None, None, False)
        name = self.name(row, self.names)
        before = set(self.known)
        self.row_of = name  # the rules of its rows read their own row
        questions = [q for q in self.row_questions(group.children, name) if q]
        self.row_of = None
        count = row.get("repeat_count")
        most, legend = row.get("mel_max_rows"), row.get("mel_row_label")
        data: dict[str, Any] = {
            "name": name,
            "type": "repeat",
            "label": self.label(row, row.get("name")),
            "hint": self.text(row, "hint"),
            "relevant": both(inherited, self.condition(row)),
            "questions": questions,
            "repeat_count": int(count) if count.isdigit() else self.expression(row, "repeat_count"),
            "max_rows": int(most) if most.isdigit() else None,
            "row_label": yaml.safe_load(legend) if legend else None,
        }
        self.not_kept(row, ("required", "constraint", "parameters", "calculation", "choice_filter"))
        self.appearance(row, ())
        for original in set(self.known) - before:  # a row's answers are not the form's
            self.lost[original] = f"is inside repeat {name!r}"
            self.in_rows[original] = self.known.pop(original)
        if not questions:
            return self.skip(row, "no question in it could be converted")
        self.place(row, ordered(data, KEY_ORDER), Target(name, "repeat"))

    def row_questions(self, items: list[Row | Group], repeat: str) -> list[dict | None]:
        """Convert the rows of a repeat; nested groups are flattened, nested repeats listed."""
        found: list[dict | None] = []
        for item in items:
            if isinstance(item, Group) and item.repeat:
                self.note(
                    item.row.where,
                    f"repeat {item.row.get('name')!r} inside repeat {repeat!r} not converted: "
                    "mel has no nested repeats",
                )
                for inner in rows_in(item.children):
                    self.skip(inner, f"inside nested repeat {item.row.get('name')!r}")
            elif isinstance(item, Group):
                self.note(
                    item.row.where,
                    f"group {item.row.get('name')!r} is flattened into repeat {repeat!r}",
                )
                self.group_columns(item.row)
                found.extend(self.row_questions(item.children, repeat))
            elif item.kind()[0] in ("calculate",) or "list-nolabel" in item.appearance():
                self.skip(item, f"a row of repeat {repeat!r} cannot hold it")
            else:
                data = self.question_data(item, None)
                problem = question_problems(data) if data else None
                if problem:
                    self.skip(item, problem)
                elif data:
                    found.append(data)
                    self.known[item.get("name")] = Target(data["name"], data["type"], repeat=repeat)
        return found
