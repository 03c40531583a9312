"""The methodology's weighting section: the nonresponse model, its groups, the response
rates and the assumption it rests on, in words a programme director can follow."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from mel.i18n import translate
from mel.present.numbers import format_number
from mel.reports.model import MethodSection, Table

# What this section reads of each analysis frame: its attrs (`DataFrame.attrs`), by
# instrument code.
FrameAttrs = Mapping[str, Mapping[str, Any]]


def response_table(attrs: FrameAttrs) -> pd.DataFrame:
    """Per instrument and stratum: sampled (eligible) units, responding units, rate."""
    records = []
    for code, found in sorted(attrs.items()):
        for stratum, (sampled, responding) in sorted(found.get("response_rates", {}).items()):
            records.append(
                {
                    "instrument": code,
                    "stratum": stratum,
                    "sampled": sampled,
                    "responding": responding,
                    "response_rate": responding / sampled if sampled else float("nan"),
                }
            )
    return pd.DataFrame(
        records, columns=["instrument", "stratum", "sampled", "responding", "response_rate"]
    )


def _overall(table: pd.DataFrame) -> dict[str, tuple[int, int]]:
    grouped = table.groupby("instrument")[["sampled", "responding"]].sum()
    return {str(c): (int(r["sampled"]), int(r["responding"])) for c, r in grouped.iterrows()}


def _model_paragraphs(attrs: FrameAttrs, lang: str) -> list[str]:
    """What the wave's nonresponse model does and assumes (strata, classes or propensity)."""
    models = [found.get("nonresponse") for found in attrs.values()]
    model = next((m for m in models if m is not None and not m.by_strata), None)
    if model is None:
        return [
            translate("nonresponse_not_every_unit_in_the_sample_answered_so_that", lang),
            translate("nonresponse_the_assumption_behind_it_within_a_stratum", lang),
        ]
    names = [translate(f"nonresponse_variable_{v}", lang) for v in model.variables]
    variables = ", ".join(names)
    if model.groups == "classes":
        key = "nonresponse_classes_within_strata" if model.within_strata else "nonresponse_classes"
        return [
            translate(key, lang, variables=variables),
            translate("nonresponse_classes_assumption", lang),
        ]
    how = (
        translate("nonresponse_propensity_by_classes", lang, classes=model.classes)
        if model.classes
        else translate("nonresponse_propensity_inverse", lang)
    )
    return [
        translate("nonresponse_propensity", lang, variables=variables, how=how),
        translate("nonresponse_propensity_assumption", lang, variables=variables),
    ]


def weighting_section(attrs: FrameAttrs, language: str, calibrated: bool) -> MethodSection:
    """The weighting and nonresponse section of the methodology appendix (from the
    attrs of each instrument's analysis frame)."""
    lang = language
    table = response_table(attrs)
    overall = _overall(table) if len(table) else {}
    rows = [
        [
            code,
            format_number(sampled, 0, lang),
            format_number(responding, 0, lang),
            format_number(100 * responding / sampled, 0, lang) + "%" if sampled else "\u2014",
            format_number(int((table["instrument"] == code).sum()), 0, lang),
        ]
        for code, (sampled, responding) in overall.items()
    ]
    persons = [c for c, found in attrs.items() if found.get("respondent") == "person"]
    uncalibrated = sorted(
        {f"{c}: {h}" for c, found in attrs.items() for h in found.get("uncalibrated", [])}
    )
    paragraphs = [
        *_model_paragraphs(attrs, lang),
        translate("nonresponse_the_uncertainty_from_this_weighting_is_in_the", lang),
    ]
    if persons:
        paragraphs.append(
            translate("nonresponse_for_questionnaires_answered_by_persons", lang).format(
                instruments=", ".join(sorted(persons))
            )
        )
    if uncalibrated:
        paragraphs.append(
            translate("nonresponse_not_calibrated_to_persons_the_persons_of_a", lang).format(
                units=", ".join(uncalibrated)
            )
        )
    if calibrated:
        paragraphs.append(
            translate("nonresponse_the_standard_errors_take_this_weighting_and", lang)
        )
    header = [
        translate("instrument", lang),
        translate("nonresponse_sampled", lang),
        translate("nonresponse_answered", lang),
        translate("nonresponse_response_rate", lang),
        translate("nonresponse_groups_strata", lang),
    ]
    return MethodSection(
        translate("nonresponse_weighting_and_nonresponse", lang),
        paragraphs,
        Table(
            "response",
            translate("nonresponse_unit_response_per_questionnaire", lang),
            header,
            rows,
            table,
            [False, True, True, True, True],
        )
        if rows
        else None,
    )
