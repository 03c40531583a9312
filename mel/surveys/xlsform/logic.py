"""XLSForm expressions kept as mel expression text, and `${q}` piped into texts.

What mel's structured rules (`mapping`) cannot say is kept as an expression in mel's safe
XPath subset (`mel.surveys.expr`), its `${name}` references renamed to the mel names of
the questions. An expression mel's parser refuses (`jr:choice-name()`, `format-date()`,
`once()`, XPath paths, …) raises `Unconvertible`, so that the caller lists the cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from mel.surveys.expr import ChoiceFilter, Expression, ExpressionError
from mel.surveys.expr.parser import Call, Literal, walk
from mel.surveys.piping import PIPE
from mel.surveys.xlsform.expressions import Unconvertible
from mel.surveys.xlsform.mapping import Target

REF = re.compile(r"\$\{\s*([^}\s]*)\s*\}")


def rename(text: str, lookup: Callable[[str], Target]) -> str:
    """Write each `${original}` as `${mel_name}`; raise Unconvertible for an unknown one."""
    return REF.sub(lambda m: f"${{{lookup(m.group(1)).name}}}", text)


def to_expression(text: str, lookup: Callable[[str], Target], *, attributes: bool = False) -> str:
    """Return `text` as mel expression text; raise Unconvertible if mel cannot read it."""
    renamed = rename(text.strip(), lookup)
    try:
        parsed = (ChoiceFilter if attributes else Expression)(renamed)
    except ExpressionError as exc:
        raise Unconvertible(f"outside mel's expressions: {exc}") from None
    for node in walk(parsed.tree):  # ODK refuses the form; mel would refuse every answer
        if isinstance(node, Call) and node.name == "regex" and len(node.args) == 2:
            pattern = node.args[1]
            if isinstance(pattern, Literal) and isinstance(pattern.value, str):
                try:
                    re.compile(pattern.value)
                except re.error as exc:
                    raise Unconvertible(f"the regex does not compile ({exc})") from None
    return renamed


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
