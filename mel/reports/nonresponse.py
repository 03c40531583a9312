"""The methodology's weighting section: the nonresponse model, its groups, the response
rates and the assumption it rests on, in words a programme director can follow."""

from __future__ import annotations

import pandas as pd

from mel.present.numbers import format_number
from mel.reports.model import MethodSection, Table
from mel.reports.text import t


def _(language: str, nl: str, en: str) -> str:
    return en if language == "en" else nl


def response_table(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per instrument and stratum: sampled (eligible) units, responding units, rate."""
    records = []
    for code, data in sorted(frames.items()):
        for stratum, (sampled, responding) in sorted(data.attrs.get("response_rates", {}).items()):
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


def weighting_section(
    frames: dict[str, pd.DataFrame], language: str, calibrated: bool
) -> MethodSection:
    """The weighting and nonresponse section of the methodology appendix."""
    lang = language
    table = response_table(frames)
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
    persons = [c for c, d in frames.items() if d.attrs.get("respondent") == "person"]
    uncalibrated = sorted(
        {f"{c}: {h}" for c, d in frames.items() for h in d.attrs.get("uncalibrated", [])}
    )
    paragraphs = [
        _(
            lang,
            "Niet elke eenheid die in de steekproef zat, heeft geantwoord. Om te voorkomen dat de "
            "cijfers dan alleen gelden voor wie wel antwoordde, telt elke eenheid die antwoordde "
            "ook mee voor de eenheden in hetzelfde stratum die niet antwoordden (weging naar "
            "respons per groep; de groepen zijn de strata van de steekproef). Eerst krijgt elke "
            "eenheid het gewicht N_h / n_h (eenheden in het stratum gedeeld door eenheden in de "
            "steekproef), daarna n_h / r_h (eenheden in de steekproef gedeeld door eenheden die "
            "antwoordden).",
            "Not every unit in the sample answered. So that the figures do not describe only "
            "those who answered, each unit that answered also stands for the units of the same "
            "stratum that did not (weighting for response within groups; the groups are the "
            "strata of the sample). Each unit first gets the weight N_h / n_h (units in the "
            "stratum over units sampled), then n_h / r_h (units sampled over units that "
            "answered).",
        ),
        _(
            lang,
            "De aanname daarachter: binnen een stratum hangt het al dan niet antwoorden niet "
            "samen met de antwoorden zelf. Antwoorden eenheden die het goed doen vaker, dan "
            "zijn de cijfers te gunstig; dat kan de weging niet herstellen. Hoe lager de "
            "respons, hoe zwaarder deze aanname weegt.",
            "The assumption behind it: within a stratum, whether a unit answers has nothing to "
            "do with its answers. If units that do well answer more often, the figures are too "
            "favourable, and no weighting can repair that. The lower the response, the more "
            "this assumption matters.",
        ),
        _(
            lang,
            "De onzekerheid door deze weging zit in de standaardfouten: de eenheden die niet "
            "antwoordden, blijven in het ontwerp (Kim & Kim 2007), en de vrijheidsgraden tellen "
            "alle eenheden in de steekproef. Eenheden die niet in de steekproef zaten of niet "
            "tot de doelgroep bleken te horen, tellen niet mee.",
            "The uncertainty from this weighting is in the standard errors: the units that did "
            "not answer stay in the design (Kim & Kim 2007), and the degrees of freedom count "
            "every sampled unit. Units that were not sampled, or were found not eligible, do "
            "not count.",
        ),
    ]
    if persons:
        paragraphs.append(
            _(
                lang,
                "Bij vragenlijsten voor personen ("
                + ", ".join(sorted(persons))
                + ") staan binnen een eenheid de personen die antwoordden voor alle M_i personen "
                "van die eenheid (M_i / m_i). Daarna zijn de gewichten per stratum gekalibreerd "
                "op het bekende aantal personen in alle eenheden van de steekproef, ook die niet "
                "antwoordden, zodat grote eenheden die niet antwoordden niet uit het totaal "
                "verdwijnen. Een eenheid waarin meer personen antwoordden dan er volgens het "
                "kader zijn, is een fout in het kader en houdt de analyse tegen.",
                "For questionnaires answered by persons ("
                + ", ".join(sorted(persons))
                + ") the persons who answered within a unit stand for all M_i persons of that "
                "unit (M_i / m_i). The weights are then calibrated per stratum to the known "
                "number of persons in all sampled units, including those that did not answer, "
                "so that large units that did not answer do not drop out of the total. A unit "
                "with more persons answering than the frame says it has is an error in the "
                "frame and stops the analysis.",
            )
        )
    if uncalibrated:
        paragraphs.append(
            _(
                lang,
                "Niet gekalibreerd op personen (aantal personen van een eenheid in de "
                "steekproef onbekend): " + ", ".join(uncalibrated) + ".",
                "Not calibrated to persons (the persons of a sampled unit are unknown): "
                + ", ".join(uncalibrated)
                + ".",
            )
        )
    if calibrated:
        paragraphs.append(
            _(
                lang,
                "De standaardfouten houden rekening met deze weging en kalibratie.",
                "The standard errors take this weighting and calibration into account.",
            )
        )
    header = [
        t("instrument", lang),
        _(lang, "In steekproef", "Sampled"),
        _(lang, "Antwoordden", "Answered"),
        _(lang, "Respons", "Response rate"),
        _(lang, "Groepen (strata)", "Groups (strata)"),
    ]
    return MethodSection(
        _(lang, "Weging en non-respons", "Weighting and nonresponse"),
        paragraphs,
        Table(
            "response",
            _(lang, "Respons van eenheden per vragenlijst", "Unit response per questionnaire"),
            header,
            rows,
            table,
            [False, True, True, True, True],
        )
        if rows
        else None,
    )
