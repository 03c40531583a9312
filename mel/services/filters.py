"""Dashboard filters from GET parameters: checked against what the wave really holds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd
from sqlmodel import Session, col, select

from mel.data.wave_kinds import other_than_survey
from mel.disclosure.cells import ORDER
from mel.i18n import translate
from mel.models import FrameUnit, Programme, Unit, Wave

DIMENSIONS = ORDER[:-1]  # province, region, sector, stratum, unit_kind
GROUPINGS = (*DIMENSIONS, "unit")
ALLOWED = {"wave", "by", "lang", "instrument", "question", "view", "q", "page", *DIMENSIONS}


class FilterError(ValueError):
    """A query parameter has a value the wave does not know; shown with status 400."""


@dataclass(frozen=True)
class Filters:
    """The wave, the dimension filters and the grouping of one dashboard request."""

    wave: Wave
    values: dict[str, str] = field(default_factory=dict)
    by: str = "stratum"

    def params(self, **changes: str) -> dict[str, str]:
        """Return the query parameters of these filters; a change to "" removes one."""
        params = {"wave": self.wave.code, **self.values, "by": self.by, **changes}
        return {k: v for k, v in params.items() if v}

    def describe(self, lang: str = "nl") -> str:
        """Return the filters in words, for tables, charts and downloads."""
        wave = self.wave.label_en if lang == "en" else self.wave.label_nl
        parts = [f"{translate('staff_wave', lang)}: {wave} ({self.wave.code})"]
        for dim in DIMENSIONS:
            if dim in self.values:
                parts.append(f"{translate('dim_' + dim, lang)}: {self.values[dim]}")
        if len(parts) == 1:
            parts.append(translate("staff_no_filters", lang))
        return "; ".join(parts)


def programme_waves(session: Session, programme: Programme, *, every: bool = False) -> list[Wave]:
    """Return the programme's survey waves, newest first; with `every` also its census
    waves (yearly progress returns) and review rounds (`mel.data.wave_kinds`), which have
    views of their own, for the pages that manage waves (open links, samples, exports)."""
    other = set() if every else other_than_survey(session, int(programme.id or 0))
    return [
        wave
        for wave in session.exec(
            select(Wave)
            .where(Wave.programme_id == programme.id)
            .order_by(col(Wave.year).desc(), col(Wave.id).desc())
        ).all()
        if wave.id not in other
    ]


def frame_units(session: Session, wave: Wave) -> pd.DataFrame:
    """Return the wave's frame: one row per unit with its dimensions and `sampled`."""
    rows = session.exec(
        select(
            Unit.id,
            Unit.code,
            Unit.province,
            Unit.region,
            Unit.sector,
            FrameUnit.stratum,
            Unit.kind,
            FrameUnit.sampled,
        )
        .join(FrameUnit, col(FrameUnit.unit_id) == Unit.id)
        .where(FrameUnit.wave_id == wave.id)
    ).all()
    return pd.DataFrame(
        [tuple(r) for r in rows], columns=["unit_id", "unit", *DIMENSIONS, "sampled"]
    )


def dimension_values(units: pd.DataFrame) -> dict[str, list[str]]:
    """Return the known values of each dimension in a frame."""
    return {dim: sorted(str(v) for v in units[dim].dropna().unique()) for dim in DIMENSIONS}


def parse_filters(
    session: Session, programme: Programme, args: Mapping[str, str], lang: str = "nl"
) -> Filters:
    """Check the query parameters and return the filters; FilterError names what is wrong."""
    unknown = sorted(set(args) - ALLOWED)
    if unknown:
        raise FilterError(translate("staff_err_param", lang, name=unknown[0]))
    waves = programme_waves(session, programme)
    if not waves:
        raise FilterError(translate("staff_err_no_waves", lang))
    # By default the newest wave whose fieldwork has begun (as `latest` in the commands).
    started = next((w.code for w in waves if w.status != "planned"), waves[0].code)
    code = args.get("wave") or started
    wave = next((w for w in waves if w.code == code), None)
    if wave is None:
        raise FilterError(
            translate(
                "staff_err_value",
                lang,
                name="wave",
                value=code,
                choices=", ".join(w.code for w in waves),
            )
        )
    known = dimension_values(frame_units(session, wave))
    values = {}
    for dim in DIMENSIONS:
        value = args.get(dim, "")
        if value:
            if value not in known[dim]:
                raise FilterError(
                    translate(
                        "staff_err_value",
                        lang,
                        name=dim,
                        value=value,
                        choices=", ".join(known[dim]) or "—",
                    )
                )
            values[dim] = value
    by = args.get("by") or "stratum"
    if by not in GROUPINGS:
        raise FilterError(
            translate("staff_err_value", lang, name="by", value=by, choices=", ".join(GROUPINGS))
        )
    return Filters(wave, values, by)
