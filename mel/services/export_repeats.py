"""The long tables of repeat groups in an export: one row per repeat row, and their
codebook rows. Rows are linked to the data sheet by ``respondent`` (the pseudonym) and
numbered by ``row``; response ids and questions marked ``sensitive`` are left out."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy.engine import Engine

from mel.data.repeats import LINK_COLUMNS, repeat_frame, repeat_groups
from mel.i18n import translate
from mel.surveys.schema import InstrumentDefinition


def long_tables(
    engine: Engine,
    wide: pd.DataFrame,
    definitions: list[InstrumentDefinition],
    *,
    dropped: tuple[str, ...],
    sensitive: set[str],
    **codes: str,
) -> dict[str, pd.DataFrame]:
    """Return each repeat group's long table (`codes`: programme, wave, instrument,
    language), built on the analysis frame `wide` before its columns are dropped."""
    tables: dict[str, pd.DataFrame] = {}
    for name, group in repeat_groups(definitions).items():
        if name in sensitive:
            continue
        long = repeat_frame(engine, repeat=name, wide=wide, **codes)  # type: ignore[arg-type]
        hidden = {q.name for q in group.questions or [] if q.sensitive}
        tables[name] = long.drop(
            columns=[c for c in long.columns if c in dropped or c.split("__", 1)[0] in hidden]
        )
    return tables


def codebook_rows(
    tables: dict[str, pd.DataFrame],
    language: str,
    versions: dict[str, str],
) -> list[dict[str, Any]]:
    """Return the codebook rows of the long tables (`versions`: group → versions asked).

    The design columns a long table repeats from the data sheet (``respondent``, ``unit``,
    ``weight`` …) are described there once: every variable has one row in the codebook.
    """
    rows = []
    for table, long in tables.items():
        labels = {
            "row": translate("export_repeat_row", language),
            **long.attrs.get("variable_labels", {}),
        }
        values = long.attrs.get("value_labels", {})
        for name in long.columns:
            if name in LINK_COLUMNS and name != "row":
                continue
            rows.append(
                {
                    "variable": name,
                    "label": labels.get(name, name),
                    "type": str(long[name].dtype),
                    "versions": versions[table],
                    "value_labels": "; ".join(
                        f"{k} = {v}" for k, v in values.get(name, {}).items()
                    ),
                    "table": table,
                }
            )
    return rows
