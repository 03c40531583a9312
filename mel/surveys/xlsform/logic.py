"""XLSForm expressions read by mel's expression parser, and `${q}` piped into texts.

Every expression cell is parsed once by `mel.surveys.expr` (`read`), its `${name}`
references renamed to the mel names of the questions; `mapping` turns the tree into mel's
structured rules where they can say it, else the text is kept as a mel expression. An
expression mel's parser refuses (`jr:choice-name()`, `format-date()`, `once()`, XPath
paths, …) raises `Unconvertible` with the parser's reason and column, so that the caller
lists the cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from mel.surveys.expr import ChoiceFilter, Expression, ExpressionError
from mel.surveys.expr.parser import Call, Literal, walk
from mel.surveys.piping import PIPE
from mel.surveys.xlsform.mapping import Target, Unconvertible

REF = re.compile(r"\$\{\s*([^}\s]*)\s*\}")


def read(
    text: str,
    lookup: Callable[[str], Target],
    *,
    attributes: bool = False,
    row: str | None = None,
) -> tuple[Expression, dict[str, Target]]:
    """Parse an XLSForm expression as mel's, each `${original}` renamed to its mel name.

    Return the expression and the referenced questions by mel name; raise Unconvertible
    for an unknown question, what mel's parser refuses, and a repeat read where mel
    cannot (`row`: the repeat whose row the expression belongs to, if any).
    """
    targets: dict[str, Target] = {}
    originals: dict[str, str] = {}
    text = text.strip()
    shifts: list[tuple[int, int]] = []  # (end in the renamed text, change in length)

    def rename(match: re.Match) -> str:
        target = lookup(match.group(1))
        targets[target.name] = target
        originals[target.name] = match.group(1)
        written = f"${{{target.name}}}"
        change = len(written) - len(match.group())
        shifts.append((match.end() + sum(c for _, c in shifts) + change, change))
        return written

    renamed = REF.sub(rename, text)
    try:
        parsed = (ChoiceFilter if attributes else Expression)(renamed)
    except ExpressionError as exc:
        column = exc.column - sum(change for end, change in shifts if end < exc.column)
        reason = str(exc).removesuffix(f" (column {exc.column})")
        raise Unconvertible(f"outside mel's expressions: {reason} (column {column})") from None
    _check_rows(parsed, targets, originals, row)
    for node in walk(parsed.tree):  # ODK refuses the form; mel would refuse every answer
        if isinstance(node, Call) and node.name == "regex" and len(node.args) == 2:
            pattern = node.args[1]
            if isinstance(pattern, Literal) and isinstance(pattern.value, str):
                try:
                    re.compile(pattern.value)
                except re.error as exc:
                    raise Unconvertible(f"the regex does not compile ({exc})") from None
    return parsed, targets


def to_expression(
    text: str,
    lookup: Callable[[str], Target],
    *,
    attributes: bool = False,
    row: str | None = None,
) -> str:
    """Return `text` as mel expression text; raise Unconvertible if mel cannot read it."""
    return read(text, lookup, attributes=attributes, row=row)[0].source


def _check_rows(
    parsed: Expression, targets: dict[str, Target], originals: dict[str, str], row: str | None
) -> None:
    """A repeat is read as its rows from outside it, a row's questions by name inside it."""
    if "position" in parsed.functions() and row is None:
        raise Unconvertible("position(..) is only read in the rules of a repeat's questions")
    for name in parsed.ref_columns(as_rows=True):
        if targets[name].repeat is not None and targets[name].repeat == row:
            raise Unconvertible(
                f"${{{originals[name]}}}: the rows of repeat {row!r} are not read inside it"
            )
    for name in parsed.ref_columns(as_rows=False):
        target, original = targets[name], originals[name]
        if target.repeat is not None and target.repeat != row:
            raise Unconvertible(
                f"${{{original}}} is inside repeat {target.repeat!r} (mel reads a repeat's "
                "rows with count(), sum(), min(), max(), join() or indexed-repeat())"
            )
        if target.type == "repeat":
            raise Unconvertible(f"${{{original}}} is a repeat: count its rows with count()")


def references(rule: object) -> set[str]:
    """Return the questions an expression text refers to (empty for other values)."""
    if not isinstance(rule, str):
        return set()
    try:
        return set(Expression(rule).references())
    except ExpressionError:
        return set()


def piped(texts: list[dict | None]) -> set[str]:
    """Return the questions piped into texts ({nl, en} dicts)."""
    return {
        name for text in texts if text for value in text.values() for name in PIPE.findall(value)
    }
