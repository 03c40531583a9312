"""Typed answer columns of an analysis frame, from the stored JSON answers of its responses.

The answers are decoded a chunk of responses at a time (keeping only each question's
values), and the common cases are converted without a Python call per row: numbers straight
to a float array, select_multiple to its 0/1 dummies by one scatter. Values of an
unexpected type take the general (pandas) path, so the result is the same either way.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from types import NoneType
from typing import Any

import numpy as np
import orjson
import pandas as pd

from mel.surveys.schema import (
    NUMERIC_TYPES,
    OTHER,
    OTHER_TEXT,
    InstrumentDefinition,
    Question,
)

DECODE_CHUNK = 2048
_PLAIN_NUMBERS = {int, float, bool, NoneType}
_YES_NO = {bool, NoneType}


def decode_answers(texts: Sequence[str | None]) -> list[dict[str, Any]]:
    """Decode each response's JSON answers (SQL NULL as no answers) in one call."""
    joined = "[" + ",".join(text or "{}" for text in texts) + "]"
    try:
        return orjson.loads(joined)
    except orjson.JSONDecodeError:
        # What orjson refuses and json accepts: NaN, Infinity, integers beyond 64 bits.
        return json.loads(joined)


def answer_values(texts: Sequence[str | None], keys: Sequence[str]) -> dict[str, list[Any]]:
    """Each key's value in each response's JSON answers (None where absent).

    The texts are decoded `DECODE_CHUNK` at a time and only the keys' values are kept: the
    decoded dictionaries of all responses at once would take ten times the memory of the
    finished frame.
    """
    found: dict[str, list[Any]] = {key: [] for key in keys}
    for start in range(0, len(texts), DECODE_CHUNK):
        answers = decode_answers(texts[start : start + DECODE_CHUNK])
        for key, column in found.items():
            column.extend([answer.get(key) for answer in answers])
    return found


def answer_columns(
    texts: Sequence[str | None], index: pd.Index, definitions: list[InstrumentDefinition]
) -> pd.DataFrame:
    """Typed answer columns for the union of questions across versions, from JSON texts.

    A choice question that offers "other" (in any version) also gets the typed text as
    ``<question>__other_text``, and a select_multiple its 0/1 column ``<question>__other``.
    """
    asked = questions(definitions)
    offered = with_other(definitions)
    keys = [key for question in asked for key in question.columns()]
    keys += [f"{name}__{OTHER}" for name in offered]  # where the survey stores the text
    found = answer_values(texts, keys)
    columns: dict[str, Any] = {}
    for question in asked:
        if question.type == "repeat":  # its rows make a long frame (mel.data.repeats)
            rows = [len(v) if isinstance(v, list) else None for v in found[question.name]]
            columns[f"{question.name}__rows"] = _typed("integer", rows, index)
            continue
        for key in question.columns():
            values = found[key]
            if question.type == "select_multiple":
                choices = choice_values(definitions, question)
                dummies = _dummies(values, [str(value) for value in choices])
                for position, value in enumerate(choices):
                    columns[f"{key}__{value}"] = pd.Series(
                        dummies[:, position], index=index, copy=False
                    )
                continue
            columns[key] = _typed(question.type, values, index)
        if question.name in offered:
            text = found[f"{question.name}__{OTHER}"]
            columns[f"{question.name}__{OTHER_TEXT}"] = _typed("text", text, index)
    return pd.DataFrame(columns, index=index)


def _typed(kind: str, values: list[Any], index: pd.Index) -> pd.Series:
    """One answer column as floats (numbers, yes/no), datetimes or objects (text)."""
    types = set(map(type, values))
    if kind in (*NUMERIC_TYPES, "likert"):
        if types <= _PLAIN_NUMBERS:
            return pd.Series(np.array(values, dtype=float), index=index, copy=False)
        raw = pd.Series(values, index=index, dtype=object)
        return pd.to_numeric(raw, errors="coerce").astype(float)
    if kind == "yes_no":
        if types <= _YES_NO:
            return pd.Series(np.array(values, dtype=float), index=index, copy=False)
        raw = pd.Series(values, index=index, dtype=object)
        return raw.map({True: 1.0, False: 0.0}).astype(float)
    if kind == "calculate" and types <= _PLAIN_NUMBERS and bool not in types:
        # A calculation that gave numbers in every response is a number column.
        return pd.Series(np.array(values, dtype=float), index=index, copy=False)
    raw = pd.Series(values, index=index, dtype=object)
    if kind in ("date", "datetime"):
        return pd.to_datetime(raw, errors="coerce")
    if float not in types:  # no NaN among the values: missing ones are None already
        return raw
    return raw.where(raw.notna(), None).astype(object)


def _dummies(values: list[Any], choices: list[str]) -> np.ndarray:
    """0/1 per respondent (rows) and choice (columns); NaN where the answer is no list."""
    lists = [value if type(value) is list else None for value in values]
    lengths = np.fromiter(
        (-1 if c is None else len(c) for c in lists), dtype=np.int64, count=len(lists)
    )
    unique = list(dict.fromkeys(choices))
    chosen = [str(v) for c in lists if c for v in c]
    codes = pd.Index(unique, dtype=object).get_indexer(pd.Index(chosen, dtype=object))
    rows = np.repeat(np.arange(len(lists)), np.maximum(lengths, 0))
    known = codes >= 0
    block = np.zeros((len(unique), len(lists)), dtype=float)
    block[codes[known], rows[known]] = 1.0
    block[:, lengths < 0] = np.nan
    return block[[unique.index(choice) for choice in choices]].T


def questions(definitions: list[InstrumentDefinition]) -> list[Question]:
    """Questions of every version, latest definition first-come in page order."""
    seen: dict[str, Question] = {}
    for definition in reversed(definitions):
        for question in definition.questions():
            seen.setdefault(question.name, question)
    return list(seen.values())


def with_other(definitions: list[InstrumentDefinition]) -> list[str]:
    """Names of the choice questions that offer "other" in any version."""
    names = [q.name for d in reversed(definitions) for q in d.questions() if q.has_other]
    return list(dict.fromkeys(names))


def choice_values(definitions: list[InstrumentDefinition], question: Question) -> list[Any]:
    """The values of a question's choices across versions, latest version's first; then
    "other" when the question offers it (in any version) and its list has no such value."""
    values: list[Any] = []
    for definition in reversed(definitions):
        for choice in definition.choices.get(question.choices or "", []):
            if choice.value not in values:
                values.append(choice.value)
    if question.name in with_other(definitions) and OTHER not in map(str, values):
        values.append(OTHER)
    return values
