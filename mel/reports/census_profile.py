"""A unit's one-page profile as a table: its own figures beside protected distributions."""

from __future__ import annotations

import pandas as pd

from mel.i18n import translate
from mel.kpi.progress import Distribution, UnitProfile
from mel.present.numbers import format_number
from mel.reports.model import Table


def _num(value: float | None, decimals: int, lang: str) -> str:
    return format_number(value, decimals, lang)


def _spread(dist: Distribution | None, decimals: int, lang: str) -> str:
    """A distribution as "median (P25–P75)", or why it is not shown."""
    if dist is None:
        return "\u2014"
    if dist.hidden:
        return translate("prog_hidden", lang)
    low, mid, high = (_num(v, decimals, lang) for v in (dist.p25, dist.median, dist.p75))
    return f"{mid} ({low}\u2013{high})"


def profile_table(profile: UnitProfile, lang: str) -> Table:
    """A unit's profile as a table: own value, last year's, and the protected distributions."""
    rows, records = [], []
    for row in profile.rows:
        d = row.indicator.decimals
        rows.append(
            [
                row.indicator.label.get(lang),
                _num(row.own, d, lang),
                _num(row.own_before, d, lang),
                _spread(row.national, d, lang),
                _spread(row.stratum, d, lang),
                row.reason or "",
            ]
        )
        records.append(
            {
                "indicator": row.indicator.code,
                "own": row.own,
                "own_before": row.own_before,
                "reason": row.reason,
            }
        )
    header = [
        translate(k, lang)
        for k in (
            "prog_indicator",
            "prog_own",
            "prog_own_before",
            "prog_national",
            "prog_stratum",
            "prog_reason",
        )
    ]
    title = translate(
        "prog_profile_title", lang, name=profile.name, code=profile.unit, year=profile.year
    )
    return Table(
        f"profile-{profile.unit}",
        title,
        header,
        rows,
        pd.DataFrame(records),
        [False, True, True, True, True, False],
    )
