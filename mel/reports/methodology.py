"""The methodology appendix, written from the actual frames, designs and estimates."""

from __future__ import annotations

import platform
from collections.abc import Mapping, Sequence
from importlib import metadata
from typing import Any

import pandas as pd

from mel.analysis.design import Design
from mel.data.coverage import LEFT_OUT
from mel.i18n import known, translate
from mel.kpi.evaluate import KpiResult
from mel.present.numbers import format_number
from mel.reports.model import MethodSection, Table
from mel.reports.nonresponse import weighting_section

# The software that computed the figures and drew the charts (the PDF engine only prints).
SOFTWARE = ("mel", "pandas", "numpy", "scipy", "statsmodels", "matplotlib")


def method_text(method: str, language: str) -> str:
    """The interval method in words (the method's code where the catalogue has none)."""
    key = f"method_{method}"
    return translate(key, language) if known(key) else method


def software_versions() -> dict[str, str]:
    """Versions of Python and the packages that made the report."""
    versions = {"Python": platform.python_version()}
    for name in SOFTWARE:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "\u2014"
    return versions


def design_summary(
    data: pd.DataFrame, design: Design | None = None
) -> dict[str, float | int | str | bool]:
    """Sample size, strata, PSUs, df, variance method and weights of one analysis frame.

    With its `design` the counts, df, variance method and calibration come from the design
    object itself; without one (a frame with no rows) from the frame's columns.
    """
    person = data.attrs.get("respondent") == "person"
    strata = data.groupby("stratum")["fpc_units"].first() if len(data) else pd.Series()
    weights = data["weight"].astype(float) if len(data) else pd.Series(dtype=float)
    cv = float(weights.std(ddof=0) / weights.mean()) if len(weights) else float("nan")
    summary: dict[str, float | int | str | bool] = {
        "respondent": "person" if person else "unit",
        "respondents": len(data),
        "strata": int(data["stratum"].nunique()),
        "psus": int(data["unit"].nunique()),
        "df": int(data["unit"].nunique() - data["stratum"].nunique()),
        "variance": "taylor",
        "calibrated": False,
        "lonely_psu": "adjust",
        "population_units": float(strata.sum()) if len(strata) else 0.0,
        "weight_min": float(weights.min()) if len(weights) else float("nan"),
        "weight_max": float(weights.max()) if len(weights) else float("nan"),
        "weight_sum": float(weights.sum()),
        "kish_deff": 1 + cv**2,
        **{reason: int(data.attrs.get(reason, 0)) for reason in LEFT_OUT},
    }
    if design is not None:
        summary.update(
            strata=design.n_strata,
            psus=design.n_psu,
            df=int(design.df),
            variance=design.variance_method,
            calibrated=design.is_calibrated,
            lonely_psu=design.lonely_psu,
        )
    return summary


def _design_section(
    summaries: dict[str, dict[str, float | int | str | bool]], language: str
) -> MethodSection:
    lang = language
    rows, records = [], []
    for code, info in summaries.items():
        records.append({"instrument": code, **info})
        stages = (
            translate("method_two_stages_units_then_persons", lang)
            if info["respondent"] == "person"
            else translate("method_one_stage", lang)
        )
        rows.append(
            [
                code,
                stages,
                format_number(info["respondents"], 0, lang),
                format_number(info["strata"], 0, lang),
                format_number(info["psus"], 0, lang),
                format_number(info["df"], 0, lang),
                f"{format_number(info['weight_min'], 1, lang)}\u2013"
                f"{format_number(info['weight_max'], 1, lang)}",
                format_number(info["kish_deff"], 2, lang),
            ]
        )
    header = [
        translate("instrument", lang),
        translate("method_stages", lang),
        translate("respondents", lang),
        translate("method_strata", lang),
        translate("method_psus", lang),
        "df",
        translate("method_weights_min_max", lang),
        translate("method_kish_deff_from_weighting", lang),
    ]
    table = Table(
        "design",
        translate("method_sample_design_per_questionnaire", lang),
        header,
        rows,
        pd.DataFrame(records),
        [False, False] + [True] * 6,
    )
    paragraphs = [
        translate("method_each_questionnaire_is_a_stratified_cluster", lang),
        translate("method_the_finite_population_correction_fpc_uses_the", lang),
    ]
    for reason in LEFT_OUT:
        counts = {r["instrument"]: r[reason] for r in records if r[reason]}
        if counts:
            listed = ", ".join(
                f"{code} ({format_number(n, 0, lang)})" for code, n in sorted(counts.items())
            )
            reason_text = translate(f"method_left_out_{reason}", lang)
            paragraphs.append(f"{reason_text}: {listed}.")
    return MethodSection(translate("method_sample_design", lang), paragraphs, table)


def _variance_section(results: Sequence[KpiResult], language: str) -> MethodSection:
    lang = language
    methods: dict[tuple[str, str], list[str]] = {}
    for result in results:
        for estimate in filter(None, [result.estimate, *(h[2] for h in result.history)]):
            methods.setdefault((result.kpi.estimator, estimate.method), [])
            if result.kpi.code not in methods[(result.kpi.estimator, estimate.method)]:
                methods[(result.kpi.estimator, estimate.method)].append(result.kpi.code)
    rows = [
        [estimator, method, method_text(method, lang), ", ".join(codes)]
        for (estimator, method), codes in sorted(methods.items())
    ]
    data = pd.DataFrame(rows, columns=["estimator", "method", "description", "kpis"])
    table = Table(
        "intervals",
        translate("method_interval_method_per_estimator", lang),
        [
            translate("method_estimator", lang),
            translate("method_method", lang),
            translate("method_description", lang),
            translate("kpis", lang),
        ],
        rows,
        data,
    )
    return MethodSection(
        translate("method_variance_and_confidence_intervals", lang),
        [
            translate("method_standard_errors_use_taylor_linearisation_by_the", lang),
            translate("method_the_design_degrees_of_freedom_are_the_number_of", lang),
            translate("method_change_since_the_previous_wave_the_difference_of", lang),
            translate("method_status_met_when_the_whole_interval_lies_on_the", lang),
        ],
        table,
    )


def methodology(
    frames: Mapping[str, pd.DataFrame],
    results: Sequence[KpiResult],
    *,
    language: str,
    k: int,
    designs: Mapping[str, Design | None] | None = None,
) -> list[MethodSection]:
    """Return the appendix sections for the instruments' frames and the KPI results.

    Parameters
    ----------
    frames : mapping of str to DataFrame
        The analysis frame of each instrument in the reported wave. Each frame is asked
        for once, in the order of the codes, and then its design: a mapping that unpacks
        frames when asked lets the caller hold one at a time.
    results : sequence of KpiResult
        The evaluated KPIs (for the interval method actually used per estimator).
    language : {"nl", "en"}
    k : int
        The minimum group size for suppression.
    designs : mapping of str to Design, optional
        The survey design of each frame (None for a frame without rows).
    """
    lang = language
    summaries: dict[str, dict[str, float | int | str | bool]] = {}
    attrs: dict[str, dict[str, Any]] = {}
    for code in sorted(frames):
        data = frames[code]
        summaries[code] = design_summary(data, (designs or {}).get(code))
        attrs[code] = {str(key): value for key, value in data.attrs.items()}
        del data  # not kept alive while the next one is unpacked
    disclosure = MethodSection(
        translate("method_small_groups", lang),
        [
            translate("suppression_note", lang, k=k)
            + " "
            + translate("method_this_is_done_per_table_of_groups_with_the_total", lang).format(k=k)
        ],
    )
    versions = software_versions()
    software = Table(
        "software",
        translate("method_software", lang),
        [translate("method_package", lang), translate("method_version", lang)],
        [[name, version] for name, version in versions.items()],
        pd.DataFrame(list(versions.items()), columns=["package", "version"]),
    )
    calibrated = any(bool(summary["calibrated"]) for summary in summaries.values())
    return [
        _design_section(summaries, lang),
        weighting_section(attrs, lang, calibrated),
        _variance_section(results, lang),
        disclosure,
        MethodSection(translate("method_software", lang), [], software),
    ]
