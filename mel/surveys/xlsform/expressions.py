"""XLSForm `relevant` and `constraint` expressions, parsed into a small syntax tree.

Only a small XPath subset is understood, by a tokenizer and a recursive-descent parser
(never `eval`)::

    expr       := conj ('or' conj)*
    conj       := comparison ('and' comparison)*
    comparison := primary (('=' | '!=' | '<' | '<=' | '>' | '>=') primary)?
    primary    := '(' expr ')' | name '(' [expr (',' expr)*] ')' | ${name} | '.'
                  | 'text' | number

Anything outside it (arithmetic, paths, other functions) raises `Unconvertible` with the
reason; the caller then keeps the expression as mel expression text (`logic`) or lists it.
The tree is mapped to mel's structured rules in `mapping`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

_TOKEN = re.compile(
    r"""\s*(?:
    (?P<ref>\$\{\s*(?P<refname>[^}\s]*)\s*\})
  | (?P<str>'[^']*'|"[^"]*")
  | (?P<num>\d+(?:\.\d+)?|\.\d+)
  | (?P<op><=|>=|!=|=|<|>)
  | (?P<punct>[(),])
  | (?P<word>[A-Za-z_][A-Za-z0-9_:-]*)
  | (?P<dot>\.(?!\.))
  | (?P<other>\S+?)
)""",
    re.VERBOSE,
)
_KINDS = ("ref", "str", "num", "op", "punct", "word", "dot", "other")


class Unconvertible(ValueError):
    """An expression (or part of one) that mel's structured rules cannot express."""


@dataclass(frozen=True)
class Ref:
    """`${name}`: the answer to another question."""

    name: str


@dataclass(frozen=True)
class Here:
    """`.`: the answer to the question itself."""


@dataclass(frozen=True)
class Lit:
    """A literal: quoted text, or a number as written."""

    text: str
    quoted: bool


@dataclass(frozen=True)
class Call:
    """A function call such as `selected(${q}, 'x')`."""

    name: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Cmp:
    """A comparison `left op right`."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Bool:
    """`and` / `or` over two or more parts."""

    op: str
    items: tuple[Node, ...]


Node = Ref | Here | Lit | Call | Cmp | Bool


def _tokens(text: str) -> Iterator[tuple[str, str]]:
    """Yield (kind, text) for each token; `other` for anything outside the subset."""
    for match in _TOKEN.finditer(text):
        kind = next(k for k in _KINDS if match.group(k) is not None)
        yield kind, match.group("refname" if kind == "ref" else kind)


def _unexpected(value: str) -> Unconvertible:
    """Explain a token the grammar does not allow at that place."""
    if value in ("+", "-", "*", "div", "mod", "|"):
        return Unconvertible(f"arithmetic ({value!r}) is not supported")
    return Unconvertible(f"unexpected {value!r}" if value else "the expression is incomplete")


class _Parser:
    """Recursive-descent parser over the token list of one expression."""

    def __init__(self, text: str) -> None:
        self.tokens = list(_tokens(text))
        self.at = 0

    def peek(self) -> tuple[str, str]:
        """Return the next token without taking it."""
        return self.tokens[self.at] if self.at < len(self.tokens) else ("end", "")

    def take(self) -> tuple[str, str]:
        """Return the next token and move past it."""
        token = self.peek()
        self.at += 1
        return token

    def parse(self) -> Node:
        """Parse the whole expression; tokens left over are an error."""
        node = self.binary("or", self.conj)
        if self.peek()[0] != "end":
            raise _unexpected(self.peek()[1])
        return node

    def conj(self) -> Node:
        """Parse `comparison ('and' comparison)*`."""
        return self.binary("and", self.comparison)

    def binary(self, word: str, part: Callable[[], Node]) -> Node:
        """Parse `part (word part)*` into one Bool (or the single part)."""
        items = [part()]
        while self.peek() == ("word", word):
            self.take()
            items.append(part())
        return items[0] if len(items) == 1 else Bool(word, tuple(items))

    def comparison(self) -> Node:
        """Parse `primary (op primary)?`."""
        left = self.primary()
        if self.peek()[0] == "op":
            return Cmp(self.take()[1], left, self.primary())
        return left

    def primary(self) -> Node:
        """Parse a bracketed expression, a call, a reference, `.` or a literal."""
        kind, value = self.take()
        if (kind, value) == ("punct", "("):
            node = self.binary("or", self.conj)
            if self.peek() != ("punct", ")"):
                raise _unexpected(self.peek()[1])
            self.take()
            return node
        if kind == "ref":
            if not value:
                raise Unconvertible("empty ${}")
            return Ref(value)
        if kind in ("str", "num"):
            return Lit(value[1:-1], True) if kind == "str" else Lit(value, False)
        if value == "-" and self.peek()[0] == "num":
            return Lit("-" + self.take()[1], False)
        if kind == "dot":
            return Here()
        if kind == "word" and self.peek() == ("punct", "("):
            self.take()
            args: list[Node] = []
            while self.peek() != ("punct", ")"):
                args.append(self.binary("or", self.conj))
                if self.peek() == ("punct", ","):
                    self.take()
                elif self.peek() != ("punct", ")"):
                    raise _unexpected(self.peek()[1])
            self.take()
            return Call(value, tuple(args))
        raise _unexpected(value)


def parse(text: str) -> Node:
    """Parse an XLSForm expression; raise Unconvertible if it is outside the subset."""
    return _Parser(text).parse()


def show(node: Node) -> str:
    """Write a parsed expression back as XLSForm text."""
    if isinstance(node, Ref):
        return f"${{{node.name}}}"
    if isinstance(node, Here):
        return "."
    if isinstance(node, Lit):
        return f"'{node.text}'" if node.quoted else node.text
    if isinstance(node, Call):
        return f"{node.name}({', '.join(show(a) for a in node.args)})"
    if isinstance(node, Cmp):
        return f"{show(node.left)} {node.op} {show(node.right)}"
    return f" {node.op} ".join(
        f"({show(i)})" if isinstance(i, Bool) else show(i) for i in node.items
    )


def number(text: str) -> int | float:
    """Read a number, as int when it is whole; raise Unconvertible if it is not one."""
    try:
        value = float(text)
    except ValueError:
        raise Unconvertible(f"{text!r} is not a number") from None
    return int(value) if value.is_integer() else value
