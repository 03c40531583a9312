"""Derived KPI variables computed from an analysis frame, without `eval`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mel.surveys.programme_schema import Kpi
from mel.surveys.schema import InstrumentDefinition


class KpiVariableError(ValueError):
    """A KPI refers to something the frame does not hold."""


def kpi_column(kpi: Kpi) -> str:
    """Return the frame column name that holds the KPI's variable."""
    return kpi.question if kpi.question else f"kpi__{kpi.code.lower()}"


def add_kpi_variable(data: pd.DataFrame, kpi: Kpi, survey: InstrumentDefinition) -> pd.DataFrame:
    """Return `data` with the KPI's variable as a column (see `kpi_column`)."""
    values = kpi_variable(data, kpi, survey)
    if values is None:
        return data
    data = data.copy()
    data[kpi_column(kpi)] = values
    return data


def kpi_variable(data: pd.DataFrame, kpi: Kpi, survey: InstrumentDefinition) -> pd.Series | None:
    """Return the KPI's derived variable, or None when it is a question of `data` already."""
    if kpi.question:
        _require(data, [kpi.question], kpi)
        if kpi.denominator:
            _require(data, [kpi.denominator], kpi)
        return None
    expression = kpi.expression
    assert expression is not None
    if expression.sum:
        _require(data, expression.sum, kpi)
        # A respondent who answered none of the parts has no value; missing parts of a
        # partly answered sum count as zero.
        return data[expression.sum].sum(axis=1, min_count=1)
    if expression.scale:
        return scale_index(
            data, survey, expression.scale, expression.items, expression.min_answered
        )
    if expression.equals:
        name, value = expression.equals
        _require(data, [name], kpi)
        answered = data[name].notna()
        same = data[name].astype(object).map(lambda v: _same(v, value))
        return pd.Series(np.where(answered, same.astype(float), np.nan), index=data.index)
    if expression.selected:
        name, value = expression.selected
        dummy = f"{name}__{value}"
        _require(data, [dummy], kpi)
        return data[dummy]
    return None


def scale_index(
    data: pd.DataFrame,
    survey: InstrumentDefinition,
    question: str,
    items: list[str] | None = None,
    min_answered: int | None = None,
) -> pd.Series:
    """Mean of a Likert question's statements, reverse items mirrored on the scale.

    A respondent gets a value when at least `min_answered` items (default: half, rounded
    up) are answered.
    """
    likert = survey.question(question)
    statements = [s for s in likert.statements or [] if items is None or s.name in items]
    scale = [float(c.value) for c in survey.choices[likert.choices or ""]]
    low, high = min(scale), max(scale)
    columns = []
    for statement in statements:
        raw = data.get(f"{question}__{statement.name}")
        values = (
            pd.Series(np.nan, index=data.index)
            if raw is None
            else pd.to_numeric(raw, errors="coerce")
        )
        columns.append(low + high - values if statement.reverse else values)
    block = pd.concat(columns, axis=1)
    needed = min_answered or -(-len(statements) // 2)
    return block.mean(axis=1).where(block.notna().sum(axis=1) >= needed)


def _require(data: pd.DataFrame, names: list[str], kpi: Kpi) -> None:
    missing = [n for n in names if n not in data.columns]
    if missing:
        raise KpiVariableError(f"KPI {kpi.code}: the frame has no column {missing[0]!r}")


def _same(value: object, expected: object) -> bool:
    if isinstance(value, float) and isinstance(expected, bool):
        return value == float(expected)
    return str(value) == str(expected)
