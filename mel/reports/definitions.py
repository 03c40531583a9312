"""The KPI definition table of the report's appendix: what each KPI counts and its targets."""

from __future__ import annotations

import pandas as pd

from mel.i18n import translate
from mel.present.numbers import format_exact, is_share
from mel.reports.model import MethodSection, Table
from mel.surveys.programme_schema import ProgrammeDefinition
from mel.surveys.schema import InstrumentDefinition


def definitions_section(
    programme: ProgrammeDefinition,
    instruments: dict[str, InstrumentDefinition],
    language: str,
) -> MethodSection:
    """A row per KPI: its name, definition, estimator and direction, questionnaire, targets."""
    lang, rows, records = language, [], []
    for kpi in programme.kpis:
        percent = is_share(kpi)
        survey = instruments.get(kpi.instrument)
        source = survey.title.get(lang) if survey is not None else kpi.instrument
        targets = "; ".join(
            f"{x.year}: {format_exact(x.value, lang, percent=percent)}"
            for x in sorted(kpi.targets, key=lambda x: x.year)
        )
        how = translate(f"estimator_{kpi.estimator}", lang)
        estimator = f"{how}, {translate(f'direction_{kpi.direction}', lang)}"
        rows.append(
            [kpi.label.get(lang), kpi.definition.get(lang), estimator, source, targets or "\u2014"]
        )
        records.append(
            {
                "kpi": kpi.code,
                "label": kpi.label.get(lang),
                "definition": kpi.definition.get(lang),
                "estimator": kpi.estimator,
                "direction": kpi.direction,
                "instrument": kpi.instrument,
                "targets": ";".join(f"{x.year}:{x.value!r}" for x in kpi.targets),
            }
        )
    for reg in programme.register_kpis:
        # a register KPI: a count or share of a register source, no sampling error
        declared = next((s for s in programme.registers if s.code == reg.source), None)
        name = declared.label.get(lang) if declared is not None else reg.source
        share = reg.measure == "share"
        targets = "; ".join(
            f"{x.year}: {format_exact(x.value, lang, percent=share)}"
            for x in sorted(reg.targets, key=lambda x: x.year)
        )
        kind = translate("register_kind", lang)
        rows.append(
            [reg.label.get(lang), reg.definition.get(lang), kind, name, targets or "\u2014"]
        )
        records.append(
            {
                "kpi": reg.code,
                "label": reg.label.get(lang),
                "definition": reg.definition.get(lang),
                "estimator": f"register {reg.measure}",
                "direction": reg.direction,
                "instrument": f"register:{reg.source}",
                "targets": ";".join(f"{x.year}:{x.value!r}" for x in reg.targets),
            }
        )
    header = [
        translate("kpi", lang),
        translate("definition", lang),
        translate("estimator", lang),
        translate("instrument", lang),
        translate("targets", lang),
    ]
    table = Table(
        "definitions",
        translate("kpi_definitions", lang),
        header,
        rows,
        pd.DataFrame(records),
        [False] * 5,
    )
    return MethodSection(
        translate("kpi_definitions", lang), [translate("kpi_definitions_intro", lang)], table
    )


__all__ = ["definitions_section"]
