"""Store validated programme and survey files in the database as immutable versions."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, delete, select

from mel.models import (
    ImpactPathway,
    Instrument,
    InstrumentVersion,
    Kpi,
    KpiTarget,
    PathwayLink,
    PathwayNode,
    Programme,
    RegisterSourceRow,
)
from mel.surveys.loader import SurveyCatalogue
from mel.surveys.programme_schema import ProgrammeDefinition
from mel.surveys.schema import InstrumentDefinition


class PublishRefused(Exception):
    """Publishing would alter something already published; the message says what."""


@dataclass(frozen=True)
class Published:
    """What publishing did with one file."""

    kind: str  # "programme" | "instrument"
    code: str
    version: int | None
    action: str  # "created" | "updated" | "unchanged"

    def __str__(self) -> str:
        version = f" v{self.version}" if self.version is not None else ""
        return f"{self.kind} {self.code}{version}: {self.action}"


def definition_json(model: BaseModel) -> dict[str, Any]:
    """Return the canonical JSON form of a definition (what is stored and hashed)."""
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


def content_hash(model: BaseModel) -> str:
    """Return the SHA-256 of a definition's canonical JSON."""
    text = json.dumps(definition_json(model), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def publish_catalogue(session: Session, catalogue: SurveyCatalogue) -> list[Published]:
    """Publish every programme, then every instrument; refuse changed published versions.

    All or nothing: when one instrument is refused, nothing is stored (the caller's
    transaction is rolled back by the raised PublishRefused).
    """
    if not catalogue.ok:
        raise PublishRefused("the files have problems; run `mel surveys validate` first")
    results = [publish_programme(session, p) for _, p in catalogue.programmes.values()]
    refusals: list[str] = []
    for path, survey in catalogue.instruments.values():
        try:
            results.append(publish_instrument(session, survey, source_path=str(path)))
        except PublishRefused as exc:
            refusals.append(f"{path}: {exc}")
    if refusals:
        raise PublishRefused("\n".join(refusals))
    return results


def publish_programme(session: Session, definition: ProgrammeDefinition) -> Published:
    """Create or update a programme with its pathways and KPIs."""
    digest = content_hash(definition)
    programme = session.exec(
        select(Programme).where(Programme.code == definition.programme)
    ).first()
    if programme is not None and programme.content_hash == digest:
        return Published("programme", definition.programme, None, "unchanged")
    action = "created" if programme is None else "updated"
    if programme is None:
        programme = Programme(
            code=definition.programme, label_nl="", label_en="", content_hash=digest
        )
    programme.label_nl = definition.label.get("nl")
    programme.label_en = definition.label.get("en")
    programme.description_nl = definition.description.get("nl") if definition.description else None
    programme.description_en = definition.description.get("en") if definition.description else None
    programme.content_hash = digest
    programme.progress = definition.progress.model_dump() if definition.progress else None
    session.add(programme)
    session.flush()
    _replace_pathways_and_kpis(session, programme, definition)
    _replace_registers(session, programme, definition, nodes_of(session, programme))
    return Published("programme", definition.programme, None, action)


def _replace_pathways_and_kpis(
    session: Session, programme: Programme, definition: ProgrammeDefinition
) -> None:
    """Pathways and KPIs mirror the file: nothing else refers to their rows."""
    assert programme.id is not None
    kpi_ids = select(Kpi.id).where(Kpi.programme_id == programme.id)
    session.exec(delete(KpiTarget).where(col(KpiTarget.kpi_id).in_(kpi_ids)))
    session.exec(delete(Kpi).where(col(Kpi.programme_id) == programme.id))
    pathway_ids = select(ImpactPathway.id).where(ImpactPathway.programme_id == programme.id)
    session.exec(delete(PathwayLink).where(col(PathwayLink.pathway_id).in_(pathway_ids)))
    session.exec(delete(PathwayNode).where(col(PathwayNode.pathway_id).in_(pathway_ids)))
    session.exec(delete(ImpactPathway).where(col(ImpactPathway.programme_id) == programme.id))
    nodes: dict[str, PathwayNode] = {}
    for path_def in definition.pathways:
        pathway = ImpactPathway(
            programme_id=programme.id,
            code=path_def.code,
            label_nl=path_def.label.get("nl"),
            label_en=path_def.label.get("en"),
        )
        session.add(pathway)
        session.flush()
        for node_def in path_def.nodes:
            node = PathwayNode(
                pathway_id=pathway.id,
                code=node_def.code,
                level=node_def.level,
                label_nl=node_def.label.get("nl"),
                label_en=node_def.label.get("en"),
            )
            session.add(node)
            nodes[f"{path_def.code}.{node_def.code}"] = node
        session.flush()
        for link in path_def.links:
            session.add(
                PathwayLink(
                    pathway_id=pathway.id,
                    relation=link.relation,
                    confidence=link.confidence,
                    source_id=nodes[f"{path_def.code}.{link.source}"].id,
                    target_id=nodes[f"{path_def.code}.{link.target}"].id,
                )
            )
    for kpi_def in definition.kpis:
        spec = definition_json(kpi_def)
        kpi = Kpi(
            programme_id=programme.id,
            node_id=nodes[kpi_def.node].id,
            code=kpi_def.code,
            label_nl=kpi_def.label.get("nl"),
            label_en=kpi_def.label.get("en"),
            definition_nl=kpi_def.definition.get("nl"),
            definition_en=kpi_def.definition.get("en"),
            estimator=kpi_def.estimator,
            instrument_code=kpi_def.instrument,
            spec=spec,
            direction=kpi_def.direction,
            baseline_year=kpi_def.baseline.year if kpi_def.baseline else None,
            baseline_value=kpi_def.baseline.value if kpi_def.baseline else None,
            baseline_source=kpi_def.baseline.source if kpi_def.baseline else None,
        )
        session.add(kpi)
        session.flush()
        for target in kpi_def.targets:
            session.add(
                KpiTarget(kpi_id=kpi.id, year=target.year, kind="target", value=target.value)
            )
        if kpi_def.go_no_go:
            gng = kpi_def.go_no_go
            session.add(KpiTarget(kpi_id=kpi.id, year=gng.year, kind="go", value=gng.go))
            session.add(KpiTarget(kpi_id=kpi.id, year=gng.year, kind="no_go", value=gng.no_go))
    session.flush()


REGISTER = "register"  # the Kpi.estimator of a register KPI (its spec says count or share)


def nodes_of(session: Session, programme: Programme) -> dict[str, int]:
    """The programme's pathway nodes as ``pathway.node`` code to row id."""
    rows = session.exec(
        select(ImpactPathway.code, PathwayNode.code, PathwayNode.id)
        .join(PathwayNode, col(PathwayNode.pathway_id) == ImpactPathway.id)
        .where(ImpactPathway.programme_id == programme.id)
    ).all()
    return {f"{pathway}.{node}": int(ident) for pathway, node, ident in rows if ident is not None}


def _replace_registers(
    session: Session, programme: Programme, definition: ProgrammeDefinition, nodes: dict[str, int]
) -> None:
    """Register sources and register KPIs mirror the file (imports keep their own rows)."""
    session.exec(
        delete(RegisterSourceRow).where(col(RegisterSourceRow.programme_id) == programme.id)
    )
    for source in definition.registers:
        session.add(
            RegisterSourceRow(
                programme_id=programme.id, code=source.code, spec=definition_json(source)
            )
        )
    for kpi_def in definition.register_kpis:
        kpi = Kpi(
            programme_id=programme.id,
            node_id=nodes.get(kpi_def.node),
            code=kpi_def.code,
            label_nl=kpi_def.label.get("nl"),
            label_en=kpi_def.label.get("en"),
            definition_nl=kpi_def.definition.get("nl"),
            definition_en=kpi_def.definition.get("en"),
            estimator=REGISTER,
            instrument_code=f"{REGISTER}:{kpi_def.source}",
            spec=definition_json(kpi_def),
            direction=kpi_def.direction,
        )
        session.add(kpi)
        session.flush()
        for target in kpi_def.targets:
            session.add(
                KpiTarget(kpi_id=kpi.id, year=target.year, kind="target", value=target.value)
            )
    session.flush()


def publish_instrument(
    session: Session, survey: InstrumentDefinition, *, source_path: str | None = None
) -> Published:
    """Store a new instrument version; refuse to change one that is already published."""
    programme = session.exec(select(Programme).where(Programme.code == survey.programme)).first()
    if programme is None:
        raise PublishRefused(
            f"programme {survey.programme!r} is not published; publish its programme.yaml with it"
        )
    instrument = session.exec(
        select(Instrument).where(Instrument.code == survey.instrument)
    ).first()
    if instrument is None:
        instrument = Instrument(
            programme_id=programme.id, code=survey.instrument, title_nl="", title_en=""
        )
    elif instrument.programme_id != programme.id:
        raise PublishRefused(f"instrument {survey.instrument!r} belongs to another programme")
    digest = content_hash(survey)
    versions = (
        session.exec(
            select(InstrumentVersion).where(InstrumentVersion.instrument_id == instrument.id)
        ).all()
        if instrument.id
        else []
    )
    same = next((v for v in versions if v.version == survey.version), None)
    if same is not None:
        if same.content_hash == digest:
            return Published("instrument", survey.instrument, survey.version, "unchanged")
        latest = max(v.version for v in versions)
        raise PublishRefused(
            f"instrument {survey.instrument!r} version {survey.version} is already published "
            f"with different content; published versions never change. Set `version: "
            f"{latest + 1}` to publish the change as a new version."
        )
    if versions and survey.version < max(v.version for v in versions):
        raise PublishRefused(
            f"instrument {survey.instrument!r} version {survey.version} is older than the "
            f"published version {max(v.version for v in versions)}"
        )
    instrument.title_nl = survey.title.get("nl")
    instrument.title_en = survey.title.get("en")
    instrument.respondent = survey.respondent
    session.add(instrument)
    session.flush()
    session.add(
        InstrumentVersion(
            instrument_id=instrument.id,
            version=survey.version,
            content_hash=digest,
            definition=definition_json(survey),
            source_path=source_path,
        )
    )
    session.flush()
    return Published("instrument", survey.instrument, survey.version, "created")


def load_version(version: InstrumentVersion) -> InstrumentDefinition:
    """Rebuild the typed definition of a stored version."""
    return InstrumentDefinition.model_validate(version.definition)


def latest_definition(session: Session, code: str) -> InstrumentDefinition | None:
    """The definition of an instrument's newest published version, if any."""
    version = session.exec(
        select(InstrumentVersion)
        .join(Instrument)
        .where(Instrument.code == code)
        .order_by(col(InstrumentVersion.version).desc())
    ).first()
    return None if version is None else load_version(version)
