"""The methodology appendix, written from the actual frames, designs and estimates."""

from __future__ import annotations

import platform
from collections.abc import Sequence
from importlib import metadata

import pandas as pd

from mel.analysis.design import Design
from mel.data.coverage import LEFT_OUT
from mel.kpi.evaluate import KpiResult
from mel.present.numbers import format_number
from mel.reports.model import MethodSection, Table
from mel.reports.nonresponse import weighting_section
from mel.reports.text import t

# The software that computed the figures and drew the charts (the PDF engine only prints).
SOFTWARE = ("mel", "pandas", "numpy", "scipy", "statsmodels", "matplotlib")
METHODS = {
    "t": (
        "Wald-interval schatting \u00b1 t(df) \u00b7 SE op de vrijheidsgraden van het ontwerp",
        "Wald interval estimate \u00b1 t(df) \u00b7 SE on the design degrees of freedom",
    ),
    "logit": (
        "logit-interval: Wald-interval op de logit-schaal, teruggetransformeerd "
        '(R svyciprop method = "logit")',
        "logit interval: Wald interval on the logit scale, transformed back "
        '(R svyciprop method = "logit")',
    ),
    "xlogit": (
        'xlogit-interval (R svyciprop method = "xlogit")',
        'xlogit interval (R svyciprop method = "xlogit")',
    ),
    "beta": (
        "Korn\u2013Graubard (beta) interval, gebruikt waar p 0 of 1 is of de effectieve "
        'steekproefomvang klein (R svyciprop method = "beta")',
        "Korn\u2013Graubard (beta) interval, used where p is 0 or 1 or the effective sample "
        'size is small (R svyciprop method = "beta")',
    ),
    "log": (
        "log-interval: exp(log T \u00b1 t(df) \u00b7 SE / T); een aantal of totaal krijgt zo "
        "nooit een ondergrens onder nul",
        "log interval: exp(log T \u00b1 t(df) \u00b7 SE / T), so that a count or total never "
        "gets a lower bound below zero",
    ),
    "wilson": (
        "Wilson-interval met effectieve steekproefomvang",
        "Wilson interval with the effective sample size",
    ),
    "woodruff": (
        "Woodruff-interval: een interval voor de verdelingsfunctie, terugvertaald "
        "naar het kwantiel",
        "Woodruff interval: an interval for the distribution function, mapped back to the quantile",
    ),
}


def _(language: str, nl: str, en: str) -> str:
    return en if language == "en" else nl


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
    frames: dict[str, pd.DataFrame], designs: dict[str, Design | None], language: str
) -> MethodSection:
    lang = language
    rows, records = [], []
    for code, data in sorted(frames.items()):
        info = design_summary(data, designs.get(code))
        records.append({"instrument": code, **info})
        stages = (
            _(lang, "twee trappen (eenheden, dan personen)", "two stages (units, then persons)")
            if info["respondent"] == "person"
            else _(lang, "één trap", "one stage")
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
        t("instrument", lang),
        _(lang, "Trappen", "Stages"),
        t("respondents", lang),
        _(lang, "Strata", "Strata"),
        _(lang, "PSU's", "PSUs"),
        "df",
        _(lang, "Gewichten (min\u2013max)", "Weights (min\u2013max)"),
        _(lang, "Kish-deff door weging", "Kish deff from weighting"),
    ]
    table = Table(
        "design",
        _(lang, "Steekproefopzet per vragenlijst", "Sample design per questionnaire"),
        header,
        rows,
        pd.DataFrame(records),
        [False, False] + [True] * 6,
    )
    paragraphs = [
        _(
            lang,
            "Elke vragenlijst is een gestratificeerde clustersteekproef. De eenheden "
            "(pps'en, werkplaatsen, scholen) zijn de primaire steekproefeenheden (PSU's), "
            "gestratificeerd volgens het steekproefkader van de meting. Bij vragenlijsten voor "
            "personen (ondernemers, leraren, leerlingen) is de persoon de tweede trap binnen de "
            "eenheid.",
            "Each questionnaire is a stratified cluster sample. The units (partnerships, "
            "workshops, schools) are the primary sampling units (PSUs), stratified by the wave's "
            "sampling frame. For questionnaires answered by persons (entrepreneurs, teachers, "
            "pupils) the person is the second stage within the unit.",
        ),
        _(
            lang,
            "De eindige-populatiecorrectie (fpc) gebruikt per stratum het aantal eenheden "
            "in de populatie (N_h) en, bij twee trappen, per eenheid het aantal personen (M_i). "
            "In R: svydesign(id = ~unit + respondent, strata = ~stratum, fpc = ~fpc_units + "
            "fpc_persons, weights = ~weight); bij één trap id = ~unit en fpc = ~fpc_units.",
            "The finite population correction (fpc) uses the number of units in the population "
            "per stratum (N_h) and, with two stages, the number of persons per unit (M_i). "
            "In R: svydesign(id = ~unit + respondent, strata = ~stratum, fpc = ~fpc_units + "
            "fpc_persons, weights = ~weight); with one stage id = ~unit and fpc = ~fpc_units.",
        ),
    ]
    for reason in LEFT_OUT:
        counts = {r["instrument"]: r[reason] for r in records if r[reason]}
        if counts:
            listed = ", ".join(
                f"{code} ({format_number(n, 0, lang)})" for code, n in sorted(counts.items())
            )
            nl, en = LEFT_OUT_TEXT[reason]
            paragraphs.append(_(lang, f"{nl}: {listed}.", f"{en}: {listed}."))
    return MethodSection(_(lang, "Steekproefopzet", "Sample design"), paragraphs, table)


# Why complete responses are not in the estimates (mel.data.coverage.LEFT_OUT), nl and en.
LEFT_OUT_TEXT = {
    "outside_frame": (
        "Volledige responsen van eenheden die niet in het steekproefkader van de meting "
        "staan, hebben geen stratum en geen gewicht en zijn niet meegenomen",
        "Complete responses from units that are not in the wave's sampling frame have no "
        "stratum and no weight and are left out",
    ),
    "without_unit": (
        "Volledige responsen zonder eenheid (bijvoorbeeld via een open link die niet naar de "
        "eenheid vroeg) hebben geen stratum en geen gewicht; ze zijn geteld maar niet "
        "meegenomen in de schattingen",
        "Complete responses without a unit (for instance through an open link that did not "
        "ask for it) have no stratum and no weight; they are counted but left out of the "
        "estimates",
    ),
    "not_sampled": (
        "Volledige responsen van eenheden die wel in het kader staan maar niet in de "
        "steekproef zaten, hebben geen steekproefgewicht; ze zijn geteld maar niet meegenomen",
        "Complete responses from units in the frame that were not sampled have no sampling "
        "weight; they are counted but left out",
    ),
    "not_eligible": (
        "Volledige responsen van eenheden die tijdens het veldwerk niet tot de doelgroep "
        "bleken te horen, zijn geteld maar niet meegenomen",
        "Complete responses from units found not eligible during fieldwork are counted but "
        "left out",
    ),
    "duplicate_unit": (
        "Per eenheid telt één respons op een vragenlijst voor eenheden; latere volledige "
        "responsen van dezelfde eenheid zijn geteld maar niet meegenomen",
        "One response per unit counts for a questionnaire answered for units; later complete "
        "responses of the same unit are counted but left out",
    ),
}


def _variance_section(results: Sequence[KpiResult], language: str) -> MethodSection:
    lang = language
    methods: dict[tuple[str, str], list[str]] = {}
    for result in results:
        for estimate in filter(None, [result.estimate, *(h[2] for h in result.history)]):
            methods.setdefault((result.kpi.estimator, estimate.method), [])
            if result.kpi.code not in methods[(result.kpi.estimator, estimate.method)]:
                methods[(result.kpi.estimator, estimate.method)].append(result.kpi.code)
    rows = [
        [estimator, method, METHODS.get(method, (method, method))[lang == "en"], ", ".join(codes)]
        for (estimator, method), codes in sorted(methods.items())
    ]
    data = pd.DataFrame(rows, columns=["estimator", "method", "description", "kpis"])
    table = Table(
        "intervals",
        _(lang, "Intervalmethode per schatter", "Interval method per estimator"),
        [
            _(lang, "Schatter", "Estimator"),
            _(lang, "Methode", "Method"),
            _(lang, "Omschrijving", "Description"),
            t("kpis", lang),
        ],
        rows,
        data,
    )
    return MethodSection(
        _(lang, "Variantie en betrouwbaarheidsintervallen", "Variance and confidence intervals"),
        [
            _(
                lang,
                "Standaardfouten zijn berekend met Taylor-linearisatie volgens het "
                "ultimate-cluster-principe, met de fpc per trap zoals R's svydesign; een stratum "
                "met "
                'één PSU wordt behandeld als lonely.psu = "adjust". Domeinschattingen (per groep) '
                "houden de rijen buiten het domein met gewicht nul in het ontwerp, zoals R.",
                "Standard errors use Taylor linearisation by the ultimate-cluster method, with the "
                "fpc per stage as R's svydesign; a stratum with a single PSU is handled as "
                'lonely.psu = "adjust". Domain estimates (per group) keep the rows outside the '
                "domain in the design at zero weight, as R does.",
            ),
            _(
                lang,
                "De vrijheidsgraden van het ontwerp zijn het aantal PSU's in de steekproef min "
                "het aantal strata (zie de tabel hierboven). Waar de eerste trap een volledige "
                "telling is (alle eenheden in de steekproef), heeft die trap geen "
                "steekproefvariantie: dan zijn de personen binnen de eenheden de PSU's, de "
                "eenheden de strata, en de vrijheidsgraden het aantal personen min het aantal "
                "eenheden (R: svydesign(id = ~respondent, strata = ~unit, fpc = ~fpc_persons)). "
                "Alle intervallen zijn 95%-intervallen.",
                "The design degrees of freedom are the number of sampled PSUs minus the number "
                "of strata (see the table above). Where the first stage is a census (every unit "
                "sampled) it has no sampling variance: then the persons within the units are the "
                "PSUs, the units the strata, and the degrees of freedom the persons minus the "
                "units (R: svydesign(id = ~respondent, strata = ~unit, fpc = ~fpc_persons)). All "
                "intervals are 95% intervals.",
            ),
            _(
                lang,
                "Verandering sinds de vorige meting: waar eenheden in beide metingen "
                "antwoordden, zijn hun antwoorden samenhangend; de verandering is dan geschat "
                "op beide metingen samen als één ontwerp met de eenheden als PSU's (een "
                "contrast van de twee metingen, zoals R's svycontrast op het gestapelde "
                "ontwerp, zonder eindige-populatiecorrectie en dus aan de voorzichtige kant). "
                "Alleen als geen eenheid in beide metingen voorkomt, zijn het twee "
                "onafhankelijke steekproeven (som van de varianties, Welch\u2013Satterthwaite). "
                "Omdat een rapport veel veranderingen tegelijk toetst, zijn de p-waarden "
                "gecorrigeerd volgens Holm (1979): een verandering heet significant als de "
                "gecorrigeerde p-waarde onder 5% ligt. Zo is de kans dat ook maar één "
                "verandering ten onrechte significant heet, hooguit 5%.",
                "Change since the previous wave: where units answered in both waves, their "
                "answers are related; the change is then estimated on both waves together as "
                "one design with the units as PSUs (a contrast of the two waves, as R's "
                "svycontrast on the stacked design, without the finite population correction "
                "and so on the cautious side). Only when no unit appears in both waves "
                "are they two independent samples (sum of the variances, "
                "Welch\u2013Satterthwaite). Because a report tests many changes at once, the "
                "p-values are adjusted by Holm's method (1979): a change is called significant "
                "when its adjusted p-value is below 5%. So the chance that even one change is "
                "wrongly called significant is at most 5%.",
            ),
            _(
                lang,
                "Status: gehaald als het hele interval aan de goede kant van de streefwaarde "
                "ligt (een grens gelijk aan de streefwaarde telt als gehaald), niet gehaald als "
                "het "
                "hele interval aan de verkeerde kant ligt, anders onzeker. Go/no-go: go als het "
                "hele "
                "interval de go-drempel haalt, no-go als het hele interval voorbij de "
                "no-go-drempel "
                "ligt, anders onbeslist.",
                "Status: met when the whole interval lies on the right side of the target (a bound "
                "equal to the target counts as met), not met when the whole interval lies on the "
                "wrong side, uncertain otherwise. Go/no-go: go when the whole interval clears the "
                "go "
                "threshold, no-go when it lies wholly past the no-go threshold, undecided "
                "otherwise.",
            ),
        ],
        table,
    )


def methodology(
    frames: dict[str, pd.DataFrame],
    results: Sequence[KpiResult],
    *,
    language: str,
    k: int,
    designs: dict[str, Design | None] | None = None,
) -> list[MethodSection]:
    """Return the appendix sections for the instruments' frames and the KPI results.

    Parameters
    ----------
    frames : dict of str to DataFrame
        The analysis frame of each instrument in the reported wave.
    results : sequence of KpiResult
        The evaluated KPIs (for the interval method actually used per estimator).
    language : {"nl", "en"}
    k : int
        The minimum group size for suppression.
    designs : dict of str to Design, optional
        The survey design of each frame (None for a frame without rows).
    """
    lang = language
    disclosure = MethodSection(
        _(lang, "Kleine groepen", "Small groups"),
        [
            t("suppression_note", lang, k=k)
            + " "
            + _(
                lang,
                "Dat gebeurt per tabel van groepen met het totaal als gepubliceerde marge "
                "(primaire en complementaire onderdrukking, Hundepool e.a. 2012). Een KPI met "
                "minder dan {k} respondenten in totaal wordt helemaal niet getoond.",
                "This is done per table of groups with the total as published margin (primary and "
                "complementary suppression, Hundepool et al. 2012). A KPI with fewer than {k} "
                "respondents overall is not shown at all.",
            ).format(k=k)
        ],
    )
    versions = software_versions()
    software = Table(
        "software",
        _(lang, "Software", "Software"),
        [_(lang, "Pakket", "Package"), _(lang, "Versie", "Version")],
        [[name, version] for name, version in versions.items()],
        pd.DataFrame(list(versions.items()), columns=["package", "version"]),
    )
    designs = designs or {}
    calibrated = any(d is not None and d.is_calibrated for d in designs.values())
    return [
        _design_section(frames, designs, lang),
        weighting_section(frames, lang, calibrated),
        _variance_section(results, lang),
        disclosure,
        MethodSection(_(lang, "Software", "Software"), [], software),
    ]
