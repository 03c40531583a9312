"""KPI cards for the dashboards and the API: the domain logic and its cache, no Flask.

Without dimension filters a card shows `mel.kpi.evaluate_kpis` for the wave (estimate,
interval, target and status). With filters it shows the domain estimate of the selected
group (out-of-domain rows kept at zero weight, as R's `svyby` does); a programme target
does not apply to a part of the programme, so there is no status then. Every figure and
every group comes from `mel.kpi.protected` (the disclosure rule the report uses too), and
the KPI definitions are the published ones (`mel.kpi.definitions`). The views in
`mel.web.staff` only parse the request, check roles and render what this returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from mel.analysis.results import COLUMNS
from mel.data.coverage import LEFT_OUT
from mel.data.frame import FrameError, frame
from mel.disclosure.cells import select_cell
from mel.i18n import translate
from mel.kpi import KpiResult, evaluate_kpis
from mel.kpi.definitions import load_published
from mel.kpi.protected import CellEstimates, plain
from mel.kpi.variables import add_kpi_variable
from mel.models import (
    Instrument,
    Programme,
    Wave,
    WaveInstrument,
)
from mel.present.figures import Interval, trend_figure
from mel.present.numbers import scale_for, unit_text
from mel.services.dashboard_cache import cached, fingerprint, peek
from mel.services.filters import Filters, programme_waves
from mel.surveys.programme_schema import Kpi as KpiDefinition
from mel.surveys.programme_schema import ProgrammeDefinition
from mel.surveys.schema import InstrumentDefinition

RESULT = tuple(COLUMNS)  # the result vocabulary, declared in mel.analysis.results


@dataclass
class Point:
    """One wave of a KPI's trend (`figures` None when not shown)."""

    wave: str
    label: str
    figures: dict[str, Any] | None
    # The figures as the report prints them: estimate and interval at their own precision.
    printed: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> Any:
        """One of the result figures, or None when hidden."""
        return self.figures[name] if self.figures else None


@dataclass
class Card:
    """What a KPI card shows for one request."""

    code: str
    label: str
    definition: str
    unit: str
    direction: str
    message: str | None = None
    estimate: dict[str, Any] | None = None
    target: float | None = None
    status: str | None = None
    status_code: str | None = None
    trend: list[Point] = field(default_factory=list)
    groups: pd.DataFrame | None = None
    wave: str = ""  # the selected wave (its code)
    # Estimate, interval, target and unit as the report prints them (`printed`).
    printed: dict[str, str] = field(default_factory=dict)
    # The same for each row of `groups`, in its order (empty for a hidden group).
    group_printed: list[dict[str, str]] = field(default_factory=list)


def definitions(
    session: Session, programme: Programme
) -> tuple[ProgrammeDefinition, dict[str, InstrumentDefinition]]:
    """The programme's published definition and instruments (`mel.kpi.definitions`)."""
    published = load_published(session, programme.code)
    return published.programme, published.instruments


def fielded(session: Session, wave: Wave) -> set[str]:
    """The codes of the instruments a wave fields."""
    return set(
        session.exec(
            select(Instrument.code)
            .join(WaveInstrument, col(WaveInstrument.instrument_id) == Instrument.id)
            .where(WaveInstrument.wave_id == wave.id)
        ).all()
    )


def matches(data: pd.DataFrame, values: dict[str, str]) -> np.ndarray:
    """Which rows of `data` lie in the cell selected by `values`."""
    return data.index.isin(select_cell(data, values).index)


class Evaluator:
    """KPI figures of one programme; frames and evaluations are cached across requests."""

    def __init__(self, session: Session, programme: Programme, k: int, lang: str) -> None:
        self.session, self.programme, self.k, self.lang = session, programme, k, lang
        self.engine = cast(Engine, session.get_bind())
        self.definition, self.instruments = definitions(session, programme)
        self.key = fingerprint(session, programme)
        self._fielded: dict[int | None, set[str]] = {}

    def fielded(self, wave: Wave) -> set[str]:
        """The codes of the instruments `wave` fields (asked once per request)."""
        if wave.id not in self._fielded:
            self._fielded[wave.id] = fielded(self.session, wave)
        return self._fielded[wave.id]

    def frame(self, wave: Wave, instrument: str) -> pd.DataFrame | None:
        """The wave's analysis frame of `instrument`; None if not fielded or not buildable.

        Why a frame cannot be built (`FrameError`) is kept for the card (`problem`).
        """
        if instrument not in self.fielded(wave) or instrument not in self.instruments:
            return None

        def build() -> pd.DataFrame | str:
            try:
                return frame(
                    self.engine,
                    programme=self.programme.code,
                    wave=wave.code,
                    instrument=instrument,
                    language=self.lang,
                )
            except FrameError as exc:
                return str(exc)

        built = cached(("frame", *self.key, wave.code, instrument, self.lang), build)
        return None if isinstance(built, str) else built

    def problem(self, wave: Wave, instrument: str) -> str | None:
        """Why the frame of `instrument` in `wave` could not be built (None when it could)."""
        built = peek(("frame", *self.key, wave.code, instrument, self.lang))
        return built if isinstance(built, str) else None

    def data(self, wave: Wave, kpi: KpiDefinition) -> pd.DataFrame | None:
        """The wave's frame with the KPI variable, or None if the wave does not field it."""
        data = self.frame(wave, kpi.instrument)
        return (
            None if data is None else add_kpi_variable(data, kpi, self.instruments[kpi.instrument])
        )

    def results(self, wave: Wave) -> dict[str, KpiResult]:
        """`evaluate_kpis` for a wave (all KPIs whose instrument the wave fields)."""
        codes = self.fielded(wave)
        kpis = [
            k
            for k in self.definition.kpis
            if k.instrument in codes and k.instrument in self.instruments
        ]

        def evaluate() -> dict[str, KpiResult]:
            subset = self.definition.model_copy(update={"kpis": kpis})
            found = (
                evaluate_kpis(self.engine, subset, self.instruments, wave.code, self.k)
                if kpis
                else []
            )
            return {r.kpi.code: r for r in found}

        return cached(("results", *self.key, wave.code, self.lang, self.k), evaluate)

    def cells(self, wave: Wave, kpi: KpiDefinition) -> CellEstimates | None:
        """The KPI's protected cells in a wave (cached), or None if the wave lacks it."""
        key = ("cells", *self.key, wave.code, kpi.code, self.lang)
        found = peek(key)  # the KPI's frame is only made when its cells are not kept
        if found is not None:
            return cast(CellEstimates, found)
        data = self.data(wave, kpi)
        if data is None:
            return None
        return cast(CellEstimates, cached(key, lambda: CellEstimates(data, kpi)))

    def estimate(
        self, wave: Wave, kpi: KpiDefinition, values: dict[str, str]
    ) -> dict[str, Any] | None:
        """The KPI in the selected group of a wave, or None when it may not be shown."""
        selection = tuple(sorted(values.items()))
        key = ("estimate", *self.key, wave.code, kpi.code, self.lang, self.k, selection)

        def make() -> dict[str, Any] | None:
            cells = self.cells(wave, kpi)
            found = cells.estimate(values, self.k) if cells is not None else None
            return None if found is None else plain(found)

        found = cached(key, make)
        return None if found is None else dict(found)

    def groups(self, wave: Wave, kpi: KpiDefinition, filters: Filters) -> pd.DataFrame | None:
        """The KPI per group of `filters.by` within the selection, hidden cells blank."""
        cells = self.cells(wave, kpi)
        if cells is None:
            return None
        # Protecting the groups (complementary suppression over linked tables) is the
        # costly part of a card: kept per published data state like the frames.
        selection = tuple(sorted(filters.values.items()))
        key = ("groups", *self.key, wave.code, kpi.code, self.lang, self.k, selection, filters.by)
        found = cached(key, lambda: cells.groups(filters.values, filters.by, self.k))
        return None if found is None else found.copy()


def _text(value: dict[str, str] | Any, lang: str) -> str:
    return value.get(lang) if hasattr(value, "get") and value else ""


def _card(ev: Evaluator, kpi: KpiDefinition, filters: Filters, waves: list[Wave]) -> Card:
    lang = ev.lang
    card = Card(
        code=kpi.code,
        label=_text(kpi.label, lang),
        definition=_text(kpi.definition, lang),
        unit=_text(kpi.unit, lang) if kpi.unit else "",
        direction=kpi.direction,
        wave=filters.wave.code,
    )
    for wave in reversed(waves):
        est = ev.estimate(wave, kpi, filters.values)
        label = wave.label_en if lang == "en" else wave.label_nl
        card.trend.append(Point(wave.code, label, est, printed(kpi, est, None, lang)))
    current = [p for p in card.trend if p.wave == filters.wave.code]
    card.estimate = current[0].figures if current else None
    if card.estimate is None:
        measured = ev.data(filters.wave, kpi) is not None
        problem = ev.problem(filters.wave, kpi.instrument)
        card.message = (
            translate("staff_kpi_failed", lang, reason=problem)
            if problem
            else translate("staff_too_small", lang, k=ev.k)
            if measured
            else translate("staff_not_measured", lang)
        )
        return card
    if not filters.values:
        result = ev.results(filters.wave).get(kpi.code)
        if result is not None:
            card.target = result.target
            if result.status is not None:
                card.status, card.status_code = result.status.label(lang), result.status.value
    card.printed = printed(kpi, card.estimate, card.target, lang)
    card.groups = ev.groups(filters.wave, kpi, filters)
    if card.groups is not None:
        card.group_printed = [
            printed(kpi, None if row["suppressed"] else row, None, lang)
            for row in card.groups.to_dict("records")
        ]
    return card


def printed(
    kpi: KpiDefinition, figures: dict[str, Any] | None, target: float | None, lang: str
) -> dict[str, str]:
    """An estimate's figures as the report prints them (`mel.present.numbers.scale_for`):
    rounded by the precision of its own standard error, bounds rounded outward."""
    if figures is None:
        return {}
    scale = scale_for(kpi, figures.get("se"))
    return {
        "estimate": scale.value(figures.get("estimate"), lang),
        "interval": scale.interval(figures.get("ci_low"), figures.get("ci_high"), lang),
        "target": scale.exact(target, lang) if target is not None else "",
        "unit": unit_text(kpi, lang),
    }


def cards(
    session: Session, programme: Programme, filters: Filters, k: int, lang: str
) -> list[Card]:
    """Every KPI of the programme as a card for the request's filters."""
    return _cards(Evaluator(session, programme, k, lang), filters)


def cards_and_left_out(
    session: Session, programme: Programme, filters: Filters, k: int, lang: str
) -> tuple[list[Card], dict[str, int]]:
    """The cards, and the complete responses of the selected wave their frames leave out.

    Counted by reason as `frame` counts them (``attrs[reason]`` for each reason in
    `LEFT_OUT`: outside the frame, without a unit, a unit's second response), over the
    instruments the KPIs are measured with.
    """
    ev = Evaluator(session, programme, k, lang)
    shown = _cards(ev, filters)
    frames = [
        ev.frame(filters.wave, code)
        for code in dict.fromkeys(kpi.instrument for kpi in ev.definition.kpis)
    ]
    left_out = {
        reason: sum(int(f.attrs.get(reason, 0)) for f in frames if f is not None)
        for reason in LEFT_OUT
    }
    return shown, left_out


def _cards(ev: Evaluator, filters: Filters) -> list[Card]:
    waves = programme_waves(ev.session, ev.programme)
    return [_card(ev, kpi, filters, waves) for kpi in ev.definition.kpis]


def card(
    session: Session, programme: Programme, filters: Filters, k: int, lang: str, code: str
) -> Card | None:
    """One KPI's card, or None when the programme has no such KPI."""
    ev = Evaluator(session, programme, k, lang)
    kpi = next((x for x in ev.definition.kpis if x.code == code), None)
    return None if kpi is None else _card(ev, kpi, filters, programme_waves(session, programme))


def card_table(card: Card, lang: str) -> pd.DataFrame:
    """A card's figures as one table: the trend, then the groups of the selected wave."""
    rows = [
        {
            "part": translate("staff_trend", lang),
            "wave_or_group": p.wave,
            **{c: p.get(c) for c in RESULT},
            "suppressed": p.figures is None,
        }
        for p in card.trend
    ]
    if card.groups is not None:
        for row in card.groups.to_dict("records"):
            rows.append(
                {
                    "part": translate("staff_groups", lang),
                    "wave_or_group": row["group"],
                    **{c: row[c] for c in RESULT},
                    "suppressed": row["suppressed"],
                }
            )
    return pd.DataFrame(rows, columns=["part", "wave_or_group", *RESULT, "suppressed"])


def card_chart(card: Card, description: str, lang: str) -> Figure:
    """The card's trend chart: the report's trend figure, titled with the KPI and filters."""
    hidden = translate("staff_hidden", lang)
    points = [
        Interval(p.label, p.get("estimate"), p.get("ci_low"), p.get("ci_high"))
        if p.figures
        else Interval(p.label, note=hidden)
        for p in card.trend
    ]
    selected = next((p.label for p in card.trend if p.wave == card.wave), None)
    targets = [(selected, card.target)] if card.target is not None and selected else []
    return trend_figure(
        points,
        targets,
        language=lang,
        target_label=translate("staff_target", lang),
        title=card.label,
        subtitle=description,
    )
