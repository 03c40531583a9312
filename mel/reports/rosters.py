"""Rosters in the report: how many different partner companies, by sector.

A repeat group with a text question whose name ends in ``naam`` (the company) and a
select_one (e.g. its sector) is a roster of partner companies. The report counts per
category of the select_one: the rows (involvements: a company named by two partnerships
counts twice) and the different companies (names compared without case and spaces), which
answers "involvements or companies?". These are counts over the responding units, not
estimates for the population; a category named by fewer than `k` units is suppressed.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy.engine import Engine

from mel.data.frame import FrameError
from mel.data.repeats import repeat_frame
from mel.disclosure.rules import count_shown, protect
from mel.i18n import translate as t
from mel.present.numbers import format_number
from mel.reports.model import Table
from mel.surveys.schema import InstrumentDefinition, Question


def roster_parts(group: Question) -> tuple[str, Question] | None:
    """Return (name question, category question) of a roster group, or None."""
    inner = group.questions or []
    name = next((q.name for q in inner if q.type == "text" and q.name.endswith("naam")), None)
    category = next((q for q in inner if q.type == "select_one"), None)
    return (name, category) if name and category else None


def roster_table(
    long: pd.DataFrame, survey: InstrumentDefinition, group: Question, language: str, k: int
) -> Table | None:
    """Return the table of one roster: per category, rows, different companies and units."""
    parts = roster_parts(group)
    if parts is None:
        return None
    name, category = parts
    labels = {
        str(c.value): c.label.get(language) for c in survey.choices.get(category.choices or "", [])
    }
    rows = long.dropna(subset=[name]).copy()
    rows["company"] = rows[name].astype(str).str.casefold().str.split().str.join(" ")
    rows["category"] = rows[category.name].map(lambda v: None if pd.isna(v) else str(v))
    data = (
        rows.groupby("category", dropna=False)
        .agg(rows=("company", "size"), companies=("company", "nunique"), units=("unit", "nunique"))
        .reset_index()
    )
    order = {value: i for i, value in enumerate(labels)}
    data = data.sort_values("category", key=lambda s: s.map(lambda v: order.get(v, len(order))))
    total = {
        "category": None,
        "rows": len(rows),
        "companies": rows["company"].nunique(),
        "units": rows["unit"].nunique(),
    }
    data = pd.concat([data, pd.DataFrame([total])], ignore_index=True)
    # the categories as a one-way table (complementary cells hidden too), the total alone
    groups = data.iloc[:-1]  # the last row is the total
    counts = pd.Series(
        groups["units"].astype(float).to_numpy(),
        index=pd.Index(groups["category"].map(str).tolist(), name="category"),
    )
    hidden = protect(counts, k).to_numpy().tolist() if len(counts) else []
    data["suppressed"] = hidden + [not count_shown(float(total["units"]), k)]
    data.loc[data["suppressed"], ["rows", "companies", "units"]] = None
    cells = []
    for record in data.itertuples():
        if record.category is None:
            label = t("total", language)
        else:
            label = labels.get(record.category, record.category or t("roster_unknown", language))
        shown = [
            "–" if record.suppressed else format_number(value, 0, language)
            for value in (record.rows, record.companies, record.units)
        ]
        cells.append([label, *shown])
    header = [
        category.label.get(language),
        t("roster_rows", language),
        t("roster_companies", language),
        t("roster_units", language),
    ]
    by = category.label.get(language).rstrip("?:. ")
    title = t("roster_title", language, by=by[:1].lower() + by[1:])
    emphasis = [record.category is None for record in data.itertuples()]
    return Table(
        f"roster_{group.name}",
        title,
        header,
        cells,
        data.assign(group=group.name, instrument=survey.instrument),
        [False, True, True, True],
        emphasis,
    )


def roster_tables(
    engine: Engine,
    programme: str,
    wave: str,
    instruments: dict[str, InstrumentDefinition],
    used: list[str],
    language: str,
    k: int,
) -> list[Table]:
    """The roster tables (partner companies by sector) of the wave's instruments."""
    tables = []
    for code in used:
        survey = instruments.get(code)
        groups = [q for q in survey.questions() if q.type == "repeat"] if survey else []
        for group in groups:
            if survey is None or roster_parts(group) is None:
                continue
            try:
                long = repeat_frame(
                    engine, programme=programme, wave=wave, instrument=code, repeat=group.name
                )
            except FrameError:
                continue
            table = roster_table(long, survey, group, language, k)
            if table is not None:
                tables.append(table)
    return tables
