"""Register KPI cards for the dashboards and the API: figures without sampling error.

Each card is `mel.kpi.register.evaluate_register_kpis` for the selected wave's year on the
published definition: the figure of the latest register year up to that year, its target
and status, the trend over register years, the figure per group, and where it comes from
(source, publisher, import version). Register figures describe the whole population, so
the dashboards' filters on units do not apply to them (the page says so).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from sqlmodel import Session, func, select

from mel.i18n import translate
from mel.kpi.definitions import published_programme
from mel.kpi.register import MISSING, NO_IMPORT, RegisterResult, evaluate_register_kpis
from mel.models import Programme, RegisterImport, Wave
from mel.present.numbers import format_figure, format_number, format_percent
from mel.services.dashboard_cache import cached


@dataclass
class RegisterCard:
    """What a register KPI card shows for a wave."""

    code: str
    label: str
    definition: str
    unit: str
    measure: str
    direction: str
    asked: int
    kind_label: str  # "registerdata, geen steekproefonzekerheid"
    year: int | None = None
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    target: float | None = None
    status: str | None = None
    status_code: str | None = None
    message: str | None = None
    provenance: str = ""  # source, publisher and import version in words
    source: dict[str, Any] = field(default_factory=dict)
    trend: list[tuple[int, float | None]] = field(default_factory=list)
    groups: dict[str, list[tuple[str, float | None]]] = field(default_factory=dict)  # by column
    group_labels: dict[str, str] = field(default_factory=dict)  # column -> its label
    lang: str = "nl"

    def text(self, value: float | None) -> str:
        """A figure of this KPI in words: a share as a percentage, a count as a number."""
        if self.measure == "share":
            return format_percent(value, 1, self.lang)
        if value is not None and float(value).is_integer():
            return format_number(value, 0, self.lang)  # a count of people, not "90,0"
        return format_figure(value, self.lang)


def _card(result: RegisterResult, lang: str) -> RegisterCard:
    kpi = result.kpi
    card = RegisterCard(
        code=kpi.code,
        label=kpi.label.get(lang),
        definition=kpi.definition.get(lang),
        unit=kpi.unit.get(lang) if kpi.unit else "",
        measure=kpi.measure,
        direction=kpi.direction,
        asked=result.asked,
        kind_label=translate("register_kind", lang),
        year=result.year,
        value=result.value,
        numerator=result.numerator,
        denominator=result.denominator,
        target=result.target,
        trend=list(result.history),
        lang=lang,
    )
    source, version = result.source, result.version
    name = source.label.get(lang) if source else kpi.source
    if source is not None and version is not None:
        card.source = {
            "code": source.code,
            "label": name,
            "publisher": source.publisher,
            "version": version.version,
            "file": version.file_name,
            "sha256": version.file_hash,
            "imported_at": version.imported_at.isoformat(),
            "imported_by": version.imported_by,
        }
        card.provenance = translate(
            "register_provenance",
            lang,
            source=name,
            publisher=source.publisher,
            version=version.version,
            date=f"{version.imported_at:%Y-%m-%d}",
        )
    if result.note == NO_IMPORT:
        card.message = translate("register_no_import", lang, source=kpi.source)
    elif result.note == MISSING and version is not None:
        card.message = translate(
            "register_missing", lang, version=version.version, columns=", ".join(result.missing)
        )
    elif result.value is None:
        card.message = translate("register_no_year", lang, year=result.asked)
    if result.status is not None:
        card.status, card.status_code = result.status.label(lang), result.status.value
    labels = (
        {c.name: c.label.get(lang) if c.label else c.name for c in source.columns} if source else {}
    )
    card.groups = dict(result.by)
    card.group_labels = {column: labels.get(column, column) for column in result.by}
    return card


def register_cards(
    session: Session, programme: Programme, wave: Wave, lang: str
) -> list[RegisterCard]:
    """Every register KPI of the programme as a card for the wave's year.

    Cached across requests under the published definition's hash and the newest import
    of the programme's registers, so a new import or a new publication shows at once.
    """
    newest = session.exec(
        select(func.max(RegisterImport.id)).where(RegisterImport.programme == programme.code)
    ).one()
    key = (
        "register",
        str(session.get_bind().url),
        programme.code,
        programme.content_hash,
        newest,
        wave.year,
        lang,
    )

    def make() -> list[RegisterCard]:
        definition = published_programme(session, programme.code)
        if not definition.register_kpis:
            return []
        return [_card(r, lang) for r in evaluate_register_kpis(session, definition, wave.year)]

    return cast(list[RegisterCard], cached(key, make))
