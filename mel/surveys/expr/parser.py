"""A small hand-written parser for mel's subset of ODK XPath: text in, syntax tree out.

The grammar, loosest binding first (XPath 1.0's precedence)::

    or  →  and  →  = !=  →  < <= > >=  →  + -  →  * div mod  →  unary -  →  primary
    primary: number | 'text' | "text" | ${question} | . | function(args…) | ( expression )

Nothing is ever handed to Python's `eval`: the tree is walked by `mel.surveys.expr.interpret`.
A syntax error names the column (1-based) where reading stopped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mel.surveys.expr.functions import FUNCTIONS


class ExpressionError(ValueError):
    """An expression that cannot be read, with the column where the problem is."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(f"{message} (column {column})")
        self.column = column


@dataclass(frozen=True)
class Literal:
    """A number or a text written in the expression."""

    value: float | str


@dataclass(frozen=True)
class Ref:
    """``${name}``: the answer to another question."""

    name: str
    column: int


@dataclass(frozen=True)
class Attribute:
    """A bare name in a choice filter: an attribute of the choice (``name`` is its value)."""

    name: str
    column: int


@dataclass(frozen=True)
class Current:
    """``.``: the answer being checked (in a constraint)."""

    column: int


@dataclass(frozen=True)
class Unary:
    """``-x``."""

    operand: Node


@dataclass(frozen=True)
class Binary:
    """``left op right`` for arithmetic, comparison and and/or."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Call:
    """``name(args…)``: one of the functions in `FUNCTIONS`."""

    name: str
    args: tuple[Node, ...]
    column: int


Node = Literal | Ref | Attribute | Current | Unary | Binary | Call

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<num>\d+(?:\.\d*)?|\.\d+)
    | (?P<str>'[^']*'|"[^"]*")
    | (?P<ref>\$\{(?P<refname>[^}]*)\})
    | (?P<name>[A-Za-z_][A-Za-z0-9_.:-]*)
    | (?P<op><=|>=|!=|\.\.|[-+*=<>(),.])
    | (?P<bad>\S)
    )""",
    re.VERBOSE,
)
_WORD_OPERATORS = ("and", "or", "div", "mod")
LEVELS: tuple[tuple[str, ...], ...] = (
    ("or",),
    ("and",),
    ("=", "!="),
    ("<", "<=", ">", ">="),
    ("+", "-"),
    ("*", "div", "mod"),
)
_QUESTION = re.compile(r"^[a-z][a-z0-9_]*$")
MAX_LENGTH = 2000  # characters; more is no condition a person can check
MAX_DEPTH = 60  # brackets and calls inside each other; deeper is no rule a person checks
MAX_TREE = 300  # levels of the whole tree (a long sum is one level per +), which the
# interpreter walks recursively: far below Python's recursion limit


@dataclass(frozen=True)
class Token:
    """One token: its kind (num, str, ref, name, op, end), text and 1-based column."""

    kind: str
    text: str
    column: int


def tokenize(source: str) -> list[Token]:
    """Split an expression into tokens; raise ExpressionError on a character not allowed."""
    tokens: list[Token] = []
    position = 0
    while position < len(source):
        match = _TOKEN.match(source, position)
        if match is None or match.end() == position:  # only trailing spaces are left
            break
        kind = match.lastgroup if match.lastgroup != "refname" else "ref"
        column = match.start(kind) + 1
        text = match.group(kind)
        if kind == "bad":
            if text in "'\"":
                raise ExpressionError(f"text opened with {text} is never closed", column)
            if text == "$":
                raise ExpressionError("write a question as ${name}", column)
            if text == "/":
                message = "paths are not supported: write a question as ${name}"
                raise ExpressionError(message, column)
            raise ExpressionError(f"unexpected character {text!r}", column)
        if kind == "ref":
            text = match.group("refname").strip()
            if not _QUESTION.match(text):
                raise ExpressionError(f"${{{text}}} is not a question name", column)
        elif kind == "str":
            text = text[1:-1]
        tokens.append(Token(kind, text, column))
        position = match.end()
    tokens.append(Token("end", "", len(source) + 1))
    return tokens


class _Parser:
    """Recursive descent over the token list, one method per precedence level."""

    def __init__(self, tokens: list[Token], attributes: bool) -> None:
        self.attributes = attributes
        self.tokens = tokens
        self.at = 0
        self.depth = 0

    @property
    def token(self) -> Token:
        return self.tokens[self.at]

    def _operator(self) -> str | None:
        token = self.token
        if token.kind == "op" and token.text not in "(),.":
            return token.text
        if token.kind == "name" and token.text in _WORD_OPERATORS:
            return token.text
        return None

    def expression(self, level: int = 0) -> Node:
        if level == len(LEVELS):
            return self.unary()
        node = self.expression(level + 1)
        while (op := self._operator()) in LEVELS[level]:
            self.at += 1
            node = Binary(op, node, self.expression(level + 1))  # type: ignore[arg-type]
        return node

    def unary(self) -> Node:
        if self.token.kind == "op" and self.token.text == "-":
            self.deeper(self.token)
            self.at += 1
            node = Unary(self.unary())
            self.depth -= 1
            return node
        return self.primary()

    def primary(self) -> Node:
        token = self.token
        self.at += 1
        if token.kind == "num":
            return Literal(float(token.text))
        if token.kind == "str":
            return Literal(token.text)
        if token.kind == "ref":
            return Ref(token.text, token.column)
        if token.kind == "op" and token.text == ".":
            return Current(token.column)
        if token.kind == "op" and token.text == "(":
            self.deeper(token)
            node = self.expression()
            self.expect(")", "a closing )")
            self.depth -= 1
            return node
        if token.kind == "name":
            self.deeper(token)
            node = self.call(token)
            self.depth -= 1
            return node
        self.at -= 1
        what = "the end" if token.kind == "end" else repr(token.text)
        raise ExpressionError(f"expected a value, found {what}", token.column)

    def call(self, token: Token) -> Node:
        if self.token.text != "(" or self.token.kind != "op":
            if self.attributes and re.fullmatch(r"[a-z][a-z0-9_]*", token.text):
                return Attribute(token.text, token.column)
            hint = f"refer to a question as ${{{token.text}}}"
            raise ExpressionError(f"unknown word {token.text!r}: {hint}", token.column)
        spec = FUNCTIONS.get(token.text)
        if spec is None:
            raise ExpressionError(f"unknown function {token.text}()", token.column)
        self.at += 1
        if token.text == "position":  # position(..): the number of this row of a repeat
            self.expect("..", "position(..)")
            self.expect(")", "a closing )")
            return Call("position", (), token.column)
        args: list[Node] = []
        if not (self.token.kind == "op" and self.token.text == ")"):
            args.append(self.expression())
            while self.token.kind == "op" and self.token.text == ",":
                self.at += 1
                args.append(self.expression())
        self.expect(")", "a closing ) or a comma")
        low, high = spec.arity
        if not low <= len(args) <= (high if high is not None else len(args)):
            wanted = (
                f"{low}"
                if low == high
                else f"{low} or more"
                if high is None
                else f"{low} to {high}"
            )
            raise ExpressionError(
                f"{token.text}() takes {wanted} argument(s), not {len(args)}", token.column
            )
        refs = 2 if token.text == "indexed-repeat" else 1
        if spec.rows and not all(isinstance(arg, Ref) for arg in args[:refs]):
            what = "${name}, ${group}, row" if refs == 2 else "${name}"
            raise ExpressionError(
                f"{token.text}() reads the rows of a repeat group: write {token.text}({what})",
                token.column,
            )
        return Call(token.text, tuple(args), token.column)

    def deeper(self, token: Token) -> None:
        """Count one more level of brackets or calls; refuse a tree deeper than MAX_DEPTH."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(f"nested deeper than {MAX_DEPTH} levels", token.column)

    def expect(self, text: str, what: str) -> None:
        token = self.token
        if token.kind != "op" or token.text != text:
            found = "the end" if token.kind == "end" else repr(token.text)
            raise ExpressionError(f"expected {what}, found {found}", token.column)
        self.at += 1


def parse(source: str, *, attributes: bool = False) -> Node:
    """Parse an expression into its syntax tree; raise ExpressionError saying where it fails.

    With `attributes`, a bare name is an attribute of a choice (as in XLSForm's
    choice_filter); otherwise it is an error.
    """
    if len(source) > MAX_LENGTH:
        raise ExpressionError(f"longer than {MAX_LENGTH} characters", MAX_LENGTH)
    if not source.strip():
        raise ExpressionError("the expression is empty", 1)
    parser = _Parser(tokenize(source), attributes)
    node = parser.expression()
    if parser.token.kind != "end":
        raise ExpressionError(f"unexpected {parser.token.text!r}", parser.token.column)
    if _depth(node) > MAX_TREE:
        raise ExpressionError(f"more than {MAX_TREE} operations in a row", 1)
    return node


def _depth(node: Node) -> int:
    """Return the depth of a tree, without recursing."""
    deepest, stack = 0, [(node, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(item, Unary):
            stack.append((item.operand, level + 1))
        elif isinstance(item, Binary):
            stack += [(item.left, level + 1), (item.right, level + 1)]
        elif isinstance(item, Call):
            stack += [(arg, level + 1) for arg in item.args]
    return deepest


def walk(node: Node):  # noqa: ANN201 - a generator of nodes
    """Yield a node and every node below it."""
    yield node
    if isinstance(node, Unary):
        yield from walk(node.operand)
    elif isinstance(node, Binary):
        yield from walk(node.left)
        yield from walk(node.right)
    elif isinstance(node, Call):
        for arg in node.args:
            yield from walk(arg)
