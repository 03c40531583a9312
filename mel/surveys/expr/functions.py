"""The functions of mel's XPath subset, as ODK defines them.

See docs.getodk.org/form-operators-functions for ODK's own descriptions.

Each takes already evaluated values (see `values`) and returns a value; `if()` is the one
exception, decided by the interpreter so that only the chosen branch is evaluated. Nothing
here raises on odd input: a conversion that fails gives NaN or the empty text, as in ODK.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from mel.surveys.expr.values import (
    NAN,
    Value,
    to_bool,
    to_date,
    to_number,
    to_string,
)

# Participants are in the Netherlands: today() is their today, not the server's.
PARTICIPANTS_TIME = ZoneInfo("Europe/Amsterdam")


@dataclass(frozen=True)
class Function:
    """A function's arity (high None: any number) and implementation.

    From argument `nodes` on (None: none), each argument is a node-set, as in ODK: a
    question of a repeat group read from outside it gives its value in every row, the
    group itself one node per row; `run` receives them one after another. With `rows`,
    those arguments must be written as ${name}.
    """

    arity: tuple[int, int | None]
    run: Callable[..., Value]
    nodes: int | None = None
    rows: bool = False


def _sum(*values: Value) -> float:
    """sum() as JavaRosa: an empty or non-numeric node makes the sum NaN."""
    return sum((to_number(v) for v in values), 0.0)


def _selected(choices: Value, value: Value) -> bool:
    return to_string(value).strip() in to_string(choices).split()


def _selected_at(choices: Value, index: Value) -> str:
    chosen = to_string(choices).split()
    position = to_number(index)
    if not math.isfinite(position) or not 0 <= int(position) < len(chosen):
        return ""
    return chosen[int(position)]


def _int(value: Value) -> float:
    number = to_number(value)
    return float(math.trunc(number)) if math.isfinite(number) else number


def _round(value: Value, digits: Value | None = None) -> float:
    """round(x) as XPath 1.0 (halves up: round(-2.5) = -2); round(x, n) as ODK, to n
    decimals with halves away from zero (Java's BigDecimal HALF_UP)."""
    number = to_number(value)
    if not math.isfinite(number):
        return number
    if digits is None:
        return float(math.floor(number + 0.5))
    places = to_number(digits)
    if not math.isfinite(places) or abs(places) > 300:
        return NAN
    try:
        step = Decimal(1).scaleb(-int(places))
        return float(Decimal(repr(number)).quantize(step, rounding=ROUND_HALF_UP))
    except InvalidOperation:
        return number


def _date(value: Value) -> Value:
    moment = to_date(value)
    return moment if moment is not None else ""


def _coalesce(first: Value, second: Value) -> Value:
    return first if to_string(first) != "" else second


def _substr(text: Value, start: Value, end: Value | None = None) -> str:
    string = to_string(text)
    low = to_number(start)
    high = float(len(string)) if end is None else to_number(end)
    if math.isnan(low) or math.isnan(high):
        return ""
    low, high = (min(max(v, 0.0), float(len(string))) for v in (low, high))
    return string[int(low) : int(high)]


def _regex(text: Value, pattern: Value) -> bool:
    try:
        return re.search(to_string(pattern), to_string(text)) is not None
    except re.error:
        return False


def _extreme(pick: Callable[..., float]) -> Callable[..., float]:
    def run(*values: Value) -> float:
        numbers = [to_number(v) for v in values]  # none: a repeat group without rows
        return NAN if not numbers or any(math.isnan(n) for n in numbers) else pick(numbers)

    return run


def _pow(base: Value, exponent: Value) -> float:
    try:
        return float(math.pow(to_number(base), to_number(exponent)))
    except (OverflowError, ValueError):
        return NAN


def _number_op(op: Callable[[float], float]) -> Callable[[Value], float]:
    def run(value: Value) -> float:
        number = to_number(value)
        return float(op(number)) if math.isfinite(number) else number

    return run


def today() -> date:
    """Return today's date for the participants."""
    return datetime.now(PARTICIPANTS_TIME).date()


def now() -> datetime:
    """Return the current moment for the participants (to the second)."""
    return datetime.now(PARTICIPANTS_TIME).replace(microsecond=0)


FUNCTIONS: dict[str, Function] = {
    "selected": Function((2, 2), _selected),
    "count-selected": Function((1, 1), lambda v: float(len(to_string(v).split()))),
    "selected-at": Function((2, 2), _selected_at),
    "string-length": Function((1, 1), lambda v: float(len(to_string(v)))),
    "concat": Function((0, None), lambda *v: "".join(to_string(x) for x in v)),
    "if": Function((3, 3), lambda c, a, b: a if to_bool(c) else b),  # see interpret
    "coalesce": Function((2, 2), _coalesce),
    "today": Function((0, 0), today),
    "now": Function((0, 0), now),
    "date": Function((1, 1), _date),
    "int": Function((1, 1), _int),
    "round": Function((1, 2), _round),
    "number": Function((1, 1), to_number),
    "string": Function((1, 1), to_string),
    "boolean": Function((1, 1), to_bool),
    "boolean-from-string": Function((1, 1), lambda v: to_string(v) in ("true", "1")),
    "not": Function((1, 1), lambda v: not to_bool(v)),
    "true": Function((0, 0), lambda: True),
    "false": Function((0, 0), lambda: False),
    "floor": Function((1, 1), _number_op(math.floor)),
    "ceiling": Function((1, 1), _number_op(math.ceil)),
    "abs": Function((1, 1), lambda v: abs(to_number(v))),
    "pow": Function((2, 2), _pow),
    "min": Function((1, None), _extreme(min), nodes=0),
    "max": Function((1, None), _extreme(max), nodes=0),
    "count": Function((1, 1), lambda *nodes: float(len(nodes)), nodes=0, rows=True),
    "count-non-empty": Function(
        (1, 1), lambda *nodes: float(sum(to_string(v) != "" for v in nodes)), nodes=0, rows=True
    ),
    "sum": Function((1, 1), _sum, nodes=0, rows=True),
    "join": Function((1, None), lambda sep, *v: to_string(sep).join(map(to_string, v)), nodes=1),
    "indexed-repeat": Function((3, 3), lambda *_: "", nodes=0, rows=True),  # see interpret
    "position": Function((0, 0), lambda: NAN),  # position(..): see interpret
    "contains": Function((2, 2), lambda s, t: to_string(t) in to_string(s)),
    "starts-with": Function((2, 2), lambda s, t: to_string(s).startswith(to_string(t))),
    "ends-with": Function((2, 2), lambda s, t: to_string(s).endswith(to_string(t))),
    "substr": Function((2, 3), _substr),
    "regex": Function((2, 2), _regex),
}
