"""The report's own words in Dutch and English (programme texts come from the YAML)."""

from __future__ import annotations

from typing import Any

from mel.kpi.status import Decision, Status

TEXT: dict[str, tuple[str, str]] = {
    # key: (nl, en)
    "report_title": ("Impactmeting {programme}", "Impact measurement {programme}"),
    "subtitle": ("{wave}, veldwerk {start} tot en met {end}", "{wave}, fieldwork {start} to {end}"),
    "subtitle_no_dates": ("{wave}", "{wave}"),
    "contents": ("Inhoud", "Contents"),
    "summary": ("Samenvatting", "Summary"),
    "summary_intro": (
        "Alle cijfers zijn schattingen voor de hele populatie uit de steekproef, met een "
        "95%-betrouwbaarheidsinterval (BI). Een streefwaarde is gehaald als het hele interval "
        "aan de goede kant van de streefwaarde ligt, niet gehaald als het hele interval aan de "
        "verkeerde kant ligt, en anders onzeker.",
        "All figures are estimates for the whole population from the sample, with a 95% "
        "confidence interval (CI). A target is met when the whole interval lies on the right "
        "side of it, not met when the whole interval lies on the wrong side, and uncertain "
        "otherwise.",
    ),
    "estimated": (
        "naar schatting {value}{unit} ({ci} {interval})",
        "estimated at {value}{unit} ({ci} {interval})",
    ),
    "ci": ("95%-BI", "95% CI"),
    "target_sentence": (
        "Streefwaarde {year}: {target} \u2014 {status}.",
        "Target {year}: {target} \u2014 {status}.",
    ),
    "no_target": ("Geen streefwaarde voor {year}.", "No target for {year}."),
    "change_sentence": (
        "Sinds {wave}: {diff} ({ci} {interval}), {significance}.",
        "Since {wave}: {diff} ({ci} {interval}), {significance}.",
    ),
    "significant": ("een significante verandering", "a significant change"),
    "not_significant": ("geen significante verandering", "not a significant change"),
    "first_wave": (
        "Dit is de eerste meting; er is geen vorige meting om mee te vergelijken.",
        "This is the first measurement; there is no earlier one to compare with.",
    ),
    "no_previous": ("Geen schatting in de vorige meting.", "No estimate in the previous wave."),
    "go_no_go_sentence": (
        "Go/no-go {year} (go bij {go}, no-go bij {no_go}): {decision}.",
        "Go/no-go {year} (go at {go}, no-go at {no_go}): {decision}.",
    ),
    "no_answers": (
        "Geen antwoorden op deze vraag in deze meting; er is geen schatting.",
        "No answers to this question in this wave; there is no estimate.",
    ),
    "too_few": (
        "Minder dan {k} respondenten ({n}); de schatting wordt niet getoond.",
        "Fewer than {k} respondents ({n}); the estimate is not shown.",
    ),
    "kpi_error": (
        "Deze KPI kon niet worden berekend: {error}",
        "This KPI could not be computed: {error}",
    ),
    "empty_wave": (
        "Deze meting heeft (nog) geen afgeronde responsen. Het rapport toont het "
        "veldwerk en de opzet, maar geen schattingen.",
        "This wave has no completed responses (yet). The report shows the "
        "fieldwork and the design, but no estimates.",
    ),
    "fieldwork": ("Veldwerk", "Fieldwork"),
    "fieldwork_intro": (
        "Per vragenlijst en stratum: het aantal eenheden in de populatie, in de steekproef, "
        "het aantal uitnodigingen, de afgeronde responsen, de eenheden met ten minste één "
        "respons en het responspercentage (eenheden met respons gedeeld door eenheden in de "
        "steekproef). Dit zijn tellingen van het veldwerk, geen antwoorden; ze worden niet "
        "onderdrukt.",
        "Per questionnaire and stratum: the units in the population and in the sample, the "
        "invitations, the completed responses, the units with at least one response and the "
        "response rate (responding units divided by sampled units). These are fieldwork "
        "counts, not answers; they are not suppressed.",
    ),
    "pathways": ("Impactpaden", "Impact pathways"),
    "pathways_intro": (
        "Elk impactpad loopt van input via activiteiten en output naar outcome en impact. "
        "Pijlen zijn veronderstelde verbanden (dikte: vertrouwen laag, midden, hoog; "
        "gestreept: vermindert; gestippeld: onderdeel van). Bij elke stap staat de status "
        "van de KPI's: \u2714 gehaald, \u2718 niet gehaald, ? onzeker, \u2013 geen oordeel.",
        "Each impact pathway runs from input via activities and output to outcome and impact. "
        "Arrows are assumed links (thickness: confidence low, medium, high; dashed: "
        "decreases; dotted: part of). Each step shows the status of its KPIs: \u2714 met, "
        "\u2718 not met, ? uncertain, \u2013 no judgement.",
    ),
    "kpis": ("KPI's", "KPIs"),
    "kpi_overview": ("Overzicht", "Overview"),
    "methodology": ("Bijlage: methode", "Appendix: methodology"),
    "tables_note": (
        "De tabellen staan ook als CSV en Excel naast dit rapport.",
        "The tables are also available as CSV and Excel next to this report.",
    ),
    "suppressed": ("onderdrukt", "suppressed"),
    "suppression_note": (
        "Groepen met minder dan {k} respondenten worden niet getoond (\u2018onderdrukt\u2019), "
        "en zo nodig nog een groep, zodat geen verborgen cijfer uit het totaal en de andere "
        "groepen kan worden afgeleid.",
        "Groups of fewer than {k} respondents are not shown (\u2018suppressed\u2019), and if "
        "needed one more group, so that no hidden figure can be derived from the total and "
        "the other groups.",
    ),
    "total": ("Totaal", "Total"),
    "definition": ("Definitie", "Definition"),
    "node": ("Stap in impactpad", "Pathway step"),
    "level": ("Niveau", "Level"),
    "step": ("Stap", "Step"),
    "status": ("Status", "Status"),
    "estimate": ("Schatting", "Estimate"),
    "interval": ("95%-BI", "95% CI"),
    "target": ("Streefwaarde", "Target"),
    "change": ("Verandering", "Change"),
    "baseline": ("Nulmeting", "Baseline"),
    "not_comparable": ("niet vergelijkbaar", "not comparable"),
    "item_response": ("Beantwoord door", "Answered by"),
    "respondents": ("Respondenten", "Respondents"),
    "group": ("Groep", "Group"),
    "wave": ("Meting", "Wave"),
    "answer": ("Antwoord", "Answer"),
    "item": ("Uitspraak of vraag", "Statement or question"),
    "share": ("Aandeel", "Share"),
    "kpi": ("KPI", "KPI"),
    "by_group": ("{kpi} naar groep", "{kpi} by group"),
    "trend": ("{kpi} per meting", "{kpi} by wave"),
    "distribution": ("Verdeling van de antwoorden", "Distribution of the answers"),
    "distribution_note": (
        "Gewogen aandelen per antwoord; {n} respondenten.",
        "Weighted shares per answer; {n} respondents.",
    ),
    "alt_interval": (
        "Puntschattingen met 95%-intervallen voor {kpi}: {items}.",
        "Point estimates with 95% intervals for {kpi}: {items}.",
    ),
    "alt_trend": (
        "{kpi} per meting met 95%-intervallen: {items}.",
        "{kpi} by wave with 95% intervals: {items}.",
    ),
    "alt_distribution": (
        "Verdeling van de antwoorden ({kpi}): {items}.",
        "Distribution of the answers ({kpi}): {items}.",
    ),
    "alt_pathway": ("Diagram van {pathway}: {items}.", "Diagram of {pathway}: {items}."),
    "no_judgement": ("geen oordeel", "no judgement"),
    "no_data": ("geen gegevens", "no data"),
    "disaggregation_stratum": ("Stratum", "Stratum"),
    "disaggregation_province": ("Provincie", "Province"),
    "disaggregation_region": ("Regio", "Region"),
    "disaggregation_sector": ("Sector", "Sector"),
    "disaggregation_unit_kind": ("Soort eenheid", "Kind of unit"),
    "level_input": ("Input", "Input"),
    "level_activity": ("Activiteiten", "Activities"),
    "level_output": ("Output", "Output"),
    "level_outcome": ("Outcome", "Outcome"),
    "level_impact": ("Impact", "Impact"),
    "instrument": ("Vragenlijst", "Questionnaire"),
    "population_units": ("Populatie (eenheden)", "Population (units)"),
    "sampled_units": ("Steekproef (eenheden)", "Sample (units)"),
    "invitations": ("Uitnodigingen", "Invitations"),
    "responses": ("Responsen", "Responses"),
    "responding_units": ("Eenheden met respons", "Responding units"),
    "response_rate": ("Respons (eenheden)", "Response rate (units)"),
    "caption_interval": (
        "Punt: schatting; lijn: 95%-betrouwbaarheidsinterval; gestreepte lijn: streefwaarde. "
        "Dezelfde cijfers staan in de tabel.",
        "Point: estimate; line: 95% confidence interval; dashed line: target. The same "
        "figures are in the table.",
    ),
    "caption_trend": (
        "Schatting per meting met 95%-betrouwbaarheidsinterval; open ruit: streefwaarde.",
        "Estimate per wave with its 95% confidence interval; open diamond: target.",
    ),
    "caption_pathway": (
        "Kolommen: niveaus van het impactpad; pijlen: veronderstelde verbanden. De tabel "
        "hieronder geeft dezelfde informatie in tekst.",
        "Columns: levels of the impact pathway; arrows: assumed links. The table below gives "
        "the same information as text.",
    ),
    "leads_to": ("Leidt tot", "Leads to"),
    "relation_increases": ("versterkt", "increases"),
    "relation_decreases": ("vermindert", "decreases"),
    "relation_part_of": ("onderdeel van", "part of"),
    "confidence_low": ("vertrouwen laag", "confidence low"),
    "confidence_medium": ("vertrouwen midden", "confidence medium"),
    "confidence_high": ("vertrouwen hoog", "confidence high"),
    "footer": ("Gemaakt met mel {version}", "Made with mel {version}"),
}

STATUS_SYMBOL = {Status.MET: "\u2714", Status.NOT_MET: "\u2718", Status.UNCERTAIN: "?"}
STATUS_COLOUR = {Status.MET: "#1a7f37", Status.NOT_MET: "#b42318", Status.UNCERTAIN: "#8a5300"}
NO_STATUS_SYMBOL = "\u2013"
NO_STATUS_COLOUR = "#52606d"


def t(key: str, language: str = "nl", **values: Any) -> str:
    """Return the report text `key` in `language`, filled in with `values`."""
    nl, en = TEXT[key]
    return (en if language == "en" else nl).format(**values)


def status_words(status: Status | None, language: str) -> str:
    """Return the status as symbol and words, e.g. "✔ gehaald"."""
    if status is None:
        return f"{NO_STATUS_SYMBOL} {t('no_judgement', language)}"
    return f"{STATUS_SYMBOL[status]} {status.label(language)}"


def decision_words(decision: Decision, language: str) -> str:
    """Return a go/no-go decision in words."""
    if language == "en" and decision is Decision.UNDECIDED:
        return "undecided"
    return decision.value
