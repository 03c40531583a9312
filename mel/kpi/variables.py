"""Derived KPI variables computed from an analysis frame, without `eval`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mel.surveys.programme_schema import Kpi
from mel.surveys.schema import InstrumentDefinition

#: prefix of the 0/1 column that says who answered a total KPI's variable (``missing:
#: exclude``): the item-nonresponse adjustment of `mel.kpi.frames.estimate_kpi` reads it
ANSWERED = "answered__"

#: choice values that mean "don't know": their own category, out of a KPI's denominator
#: unless the KPI says ``dont_know: count``
DONT_KNOW = ("weet_niet", "dont_know")


class KpiVariableError(ValueError):
    """A KPI refers to something the frame does not hold."""


def kpi_column(kpi: Kpi) -> str:
    """Return the frame column name that holds the KPI's variable.

    A KPI on a question reads the question's column, unless its rules for missing or
    "don't know" answers make a variable of its own (``kpi__<code>``).
    """
    if kpi.question and kpi.missing == "exclude" and kpi.dont_know == "exclude":
        return kpi.question
    return f"kpi__{kpi.code.lower()}"


def without_dont_know(values: pd.Series) -> pd.Series:
    """The values with "don't know" answers (`DONT_KNOW`) as missing."""
    if values.dtype.kind in "fiub":
        return values
    return values.where(~values.astype(object).isin(DONT_KNOW))


#: estimators whose ``missing: impute`` is estimated as the equivalent weighting-class
#: adjustment for item nonresponse within strata (`mel.kpi.frames.estimate_kpi`)
REWEIGHTED_IMPUTATION = ("mean", "total", "proportion")


def imputed_by_weighting(kpi: Kpi) -> bool:
    """Whether the KPI's ``impute`` rule is estimated by reweighting within strata."""
    return kpi.missing == "impute" and kpi.estimator in REWEIGHTED_IMPUTATION


def needs_answered(kpi: Kpi) -> bool:
    """Whether the KPI's frame needs the 0/1 column of who answered (`ANSWERED`): a total
    with ``missing: exclude``, or an ``impute`` rule estimated by reweighting."""
    return (kpi.estimator == "total" and kpi.missing == "exclude") or imputed_by_weighting(kpi)


def item_missing(data: pd.DataFrame, values: pd.Series, rule: str) -> pd.Series:
    """Apply a KPI's ``missing`` rule to its variable (one value per respondent).

    ``exclude`` leaves missing values missing (the estimators use those who answered);
    ``not_applicable`` counts them as 0 (skip logic); ``impute`` gives them the weighted
    mean of those who answered in the same stratum. For a mean, total or proportion the
    KPI's variable keeps them missing instead, and the estimate adjusts the weights of
    those who answered within strata: the same overall figure as that imputation, with a
    variance that includes it (see `mel.kpi.frames.estimate_kpi`); a ratio or quantile
    uses the imputed values, its variance treating them as observed.
    """
    if rule == "exclude" or values.dtype.kind not in "fiub":
        return values
    if rule == "not_applicable":
        return values.fillna(0.0)
    answered = values.notna()
    weight = data["weight"].astype(float).where(answered, 0.0)
    sums = (weight * values.fillna(0.0)).groupby(data["stratum"]).transform("sum")
    means = sums / weight.groupby(data["stratum"]).transform("sum")
    return values.fillna(means)


def add_kpi_variable(data: pd.DataFrame, kpi: Kpi, survey: InstrumentDefinition) -> pd.DataFrame:
    """Return `data` with the KPI's variable as a column (see `kpi_column`), "don't know"
    out of a question's own column, and for a total with ``missing: exclude`` the 0/1
    column of who answered (`ANSWERED`)."""
    values = kpi_variable(data, kpi, survey)
    column = kpi_column(kpi)
    data = data.copy()
    data[column] = without_dont_know(data[column]) if values is None else values
    if needs_answered(kpi):
        data[ANSWERED + column] = data[column].notna().astype(float)
    return data


def kpi_variable(data: pd.DataFrame, kpi: Kpi, survey: InstrumentDefinition) -> pd.Series | None:
    """Return the KPI's derived variable, or None when it is a question of `data` already.

    The KPI's ``dont_know`` and ``missing`` rules are applied (see `item_missing`).
    """
    if kpi.question:
        _require(data, [kpi.question], kpi)
        if kpi.denominator:
            _require(data, [kpi.denominator], kpi)
        if kpi_column(kpi) == kpi.question:
            return None
        values = data[kpi.question]
        if kpi.dont_know == "exclude":
            values = without_dont_know(values)
        return item_missing(data, values, _rule(kpi))
    derived = _expression(data, kpi, survey)
    return None if derived is None else item_missing(data, derived, _rule(kpi))


def _rule(kpi: Kpi) -> str:
    """The missing rule applied to the variable itself (reweighted imputation: none)."""
    return "exclude" if imputed_by_weighting(kpi) else kpi.missing


def _expression(data: pd.DataFrame, kpi: Kpi, survey: InstrumentDefinition) -> pd.Series | None:
    expression = kpi.expression
    assert expression is not None
    if expression.sum:
        _require(data, expression.sum, kpi)
        parts = data[expression.sum]
        if kpi.missing == "exclude":
            # A sum with a missing part is missing (not a smaller sum); the estimators
            # use those who answered every part
            return parts.sum(axis=1, min_count=1).where(parts.notna().all(axis=1))
        # not_applicable / impute: a skipped part is 0; a respondent who answered no part
        # has no value (imputed or 0 by the rule)
        return parts.sum(axis=1, min_count=1)
    if expression.scale:
        return scale_index(
            data, survey, expression.scale, expression.items, expression.min_answered
        )
    if expression.equals:
        name, value = expression.equals
        _require(data, [name], kpi)
        column = data[name]
        if kpi.dont_know == "exclude" and str(value) not in DONT_KNOW:
            column = without_dont_know(column)
        answered = column.notna()
        same = column.astype(object).map(lambda v: _same(v, value))
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
