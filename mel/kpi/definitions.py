"""The one loader of KPI definitions: what `mel surveys publish` stored, never the YAML.

The report, the dashboards, the API and `mel analyse` all read a programme's pathways and
KPIs through `published_programme`, and its instruments through `published_instruments`,
so an edit of the YAML working copy changes none of them until it is published.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from mel.models import (
    ImpactPathway,
    Instrument,
    Kpi,
    PathwayLink,
    PathwayNode,
    Programme,
    RegisterSourceRow,
)
from mel.surveys.programme_schema import Kpi as KpiDefinition
from mel.surveys.programme_schema import Pathway, ProgrammeDefinition
from mel.surveys.progress_schema import Progress
from mel.surveys.publish import REGISTER, latest_definition
from mel.surveys.registers import RegisterKpi, RegisterSource
from mel.surveys.schema import InstrumentDefinition
from mel.surveys.text import LocalText


class NotPublished(LookupError):
    """The programme (or KPI) asked for has not been published."""


@dataclass(frozen=True)
class Published:
    """A programme's published definition and its instruments' newest published versions."""

    programme: ProgrammeDefinition
    instruments: dict[str, InstrumentDefinition]


def _text(nl: str | None, en: str | None) -> dict[str, str | None] | None:
    return {"nl": nl or en or "", "en": en} if (nl or en) else None


def published_kpis(session: Session, programme: Programme) -> list[KpiDefinition]:
    """The programme's published KPIs, in the order of its file."""
    rows = session.exec(
        select(Kpi)
        .where(Kpi.programme_id == programme.id, Kpi.estimator != REGISTER)
        .order_by(col(Kpi.id))
    ).all()
    return [KpiDefinition.model_validate(row.spec) for row in rows]


def published_register_kpis(session: Session, programme: Programme) -> list[RegisterKpi]:
    """The programme's published KPIs on register data, in the order of its file."""
    rows = session.exec(
        select(Kpi)
        .where(Kpi.programme_id == programme.id, Kpi.estimator == REGISTER)
        .order_by(col(Kpi.id))
    ).all()
    return [RegisterKpi.model_validate(row.spec) for row in rows]


def published_registers(session: Session, programme: Programme) -> list[RegisterSource]:
    """The register sources the programme declares, as published."""
    rows = session.exec(
        select(RegisterSourceRow)
        .where(RegisterSourceRow.programme_id == programme.id)
        .order_by(col(RegisterSourceRow.id))
    ).all()
    return [RegisterSource.model_validate(row.spec) for row in rows]


def published_programme(session: Session, code: str) -> ProgrammeDefinition:
    """Rebuild a programme's published definition (pathways, nodes, links and KPIs)."""
    programme = session.exec(select(Programme).where(Programme.code == code)).first()
    if programme is None:
        known = ", ".join(session.exec(select(Programme.code).order_by(Programme.code)).all())
        raise NotPublished(
            f"programme {code!r} is not published (published: {known or 'none'}); "
            "run `mel surveys publish` first"
        )
    pathways = []
    for pathway in session.exec(
        select(ImpactPathway)
        .where(ImpactPathway.programme_id == programme.id)
        .order_by(col(ImpactPathway.id))
    ).all():
        nodes = session.exec(
            select(PathwayNode)
            .where(PathwayNode.pathway_id == pathway.id)
            .order_by(col(PathwayNode.id))
        ).all()
        names = {node.id: node.code for node in nodes}
        links = session.exec(
            select(PathwayLink)
            .where(PathwayLink.pathway_id == pathway.id)
            .order_by(col(PathwayLink.id))
        ).all()
        pathways.append(
            {
                "code": pathway.code,
                "label": {"nl": pathway.label_nl, "en": pathway.label_en},
                "nodes": [
                    {
                        "code": n.code,
                        "level": n.level,
                        "label": {"nl": n.label_nl, "en": n.label_en},
                    }
                    for n in nodes
                ],
                "links": [
                    {
                        "from": names[link.source_id],
                        "to": names[link.target_id],
                        "relation": link.relation,
                        "confidence": link.confidence,
                    }
                    for link in links
                ],
            }
        )
    description = _text(programme.description_nl, programme.description_en)
    # Each part was validated when it was published; the programme's own fields are taken
    # as stored (a code from an older mel, or set by hand, must not stop a report).
    return ProgrammeDefinition.model_construct(
        programme=programme.code,
        label=LocalText.model_validate({"nl": programme.label_nl, "en": programme.label_en}),
        description=LocalText.model_validate(description) if description else None,
        unit_kinds=[],
        pathways=[Pathway.model_validate(p) for p in pathways],
        kpis=published_kpis(session, programme),
        registers=published_registers(session, programme),
        register_kpis=published_register_kpis(session, programme),
        progress=Progress.model_validate(programme.progress) if programme.progress else None,
    )


def published_instruments(session: Session, code: str) -> dict[str, InstrumentDefinition]:
    """The newest published version of every instrument of programme `code`."""
    codes = session.exec(
        select(Instrument.code)
        .join(Programme, col(Instrument.programme_id) == Programme.id)
        .where(Programme.code == code)
        .order_by(col(Instrument.code))
    ).all()
    return {c: survey for c in codes if (survey := latest_definition(session, c)) is not None}


def load_published(session: Session, code: str) -> Published:
    """A programme's published definition with its instruments."""
    return Published(published_programme(session, code), published_instruments(session, code))


def published_kpi(session: Session, programme: str, code: str) -> KpiDefinition:
    """One published KPI of a programme; NotPublished names the KPIs there are."""
    row = session.exec(select(Programme).where(Programme.code == programme)).first()
    kpis = published_kpis(session, row) if row is not None else []
    found = next((k for k in kpis if k.code == code), None)
    if (
        found is None
        and row is not None
        and code in {k.code for k in published_register_kpis(session, row)}
    ):
        raise NotPublished(
            f"{code!r} is a register KPI of {programme!r}: a figure from register data without "
            "sampling design; the KPI page, the API and the report show it"
        )
    if found is None:
        known = ", ".join(k.code for k in kpis) or "none"
        raise NotPublished(f"no KPI {code!r} in programme {programme!r} (known: {known})")
    return found
