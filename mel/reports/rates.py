"""The report's table of fieldwork outcomes and AAPOR rates, per instrument and stratum.

The report formats what `mel.services.fieldwork.status.wave_status` computed (the command
that writes the report hands it in; reports import no services): counts only, never a
contact detail.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from mel.i18n import translate
from mel.present.numbers import format_number, format_percent
from mel.reports.model import Table

GROUPS = ("I", "P", "R", "NC", "U", "NE")
RATE_NAMES = ("RR1", "RR2", "RR3", "COOP1", "REF1", "CON1")
COLUMNS = ["instrument", "stratum", "cases", *GROUPS, *RATE_NAMES, "e"]


def rates_data(status: Mapping[str, Any]) -> pd.DataFrame:
    """One row per instrument and stratum, and a total row per instrument (stratum None).

    Columns: the cases, their AAPOR groups (I, P, R, NC, U, NE), the rates RR1, RR2, RR3,
    COOP1, REF1, CON1 and the `e` RR3 used, from a wave's status (see the module
    docstring). Empty when the wave has no cases.
    """
    rows = []
    for instrument in status["instruments"]:
        parts = [*instrument["strata"], {"stratum": None, **instrument["total"]}]
        for part in parts:
            rows.append(
                {
                    "instrument": instrument["instrument"],
                    "stratum": part["stratum"],
                    "cases": part["cases"],
                    **{g: part["groups"][g] for g in GROUPS},
                    **{r: part[r] for r in RATE_NAMES},
                    "e": part["e"],
                }
            )
    return pd.DataFrame(rows, columns=COLUMNS)


def rates_section(status: Mapping[str, Any] | None, language: str) -> Table | None:
    """The outcomes and AAPOR rates of a wave's status, formatted; None without cases."""
    data = rates_data(status or {"instruments": []})
    if data.empty:
        return None
    lang = language
    several = data["instrument"].nunique() > 1  # else the title names the one instrument
    rows, emphasis = [], []
    for record in data.to_dict("records"):
        total = pd.isna(record["stratum"])
        label = translate("total", lang) if total else str(record["stratum"])
        rows.append(
            [
                f"{record['instrument']} \u00b7 {label}" if several else label,
                *(format_number(float(record[c]), 0, lang) for c in ("cases", *GROUPS)),
                *(format_percent(record[r], 0, lang) for r in RATE_NAMES),
                format_number(float(record["e"]), 2, lang),
            ]
        )
        emphasis.append(total)
    header = [
        translate("disaggregation_stratum", lang),
        translate("aapor_cases", lang),
        translate("aapor_group_i", lang),
        translate("aapor_group_p", lang),
        translate("aapor_group_r", lang),
        translate("aapor_group_nc", lang),
        translate("aapor_group_u", lang),
        translate("aapor_group_ne", lang),
        *RATE_NAMES,
        "e",
    ]
    return Table(
        "rates",
        translate("aapor_rates", lang, instrument=", ".join(data["instrument"].unique())),
        header,
        rows,
        data,
        [False] + [True] * (len(header) - 1),
        emphasis,
    )
