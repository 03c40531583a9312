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
    # progress toward a later target (mel.kpi.trajectory)
    "pace_on_track": ("op koers", "on track"),
    "pace_behind": ("achter op koers", "behind"),
    "pace_undecided": ("nog niet te zeggen", "cannot tell yet"),
    "pace_fact": ("Op weg naar streefwaarde {year}", "Toward target {year}"),
    "pace_sentence": (
        "Op weg naar de streefwaarde van {target} in {year}: het pad vanaf {start_words} "
        "verwacht nu {expected}; {pace}.",
        "Toward the target of {target} in {year}: the path from {start_words} expects "
        "{expected} now; {pace}.",
    ),
    "pace_start_baseline": ("de nulmeting {year} ({value})", "the {year} baseline ({value})"),
    "pace_start_wave": ("{wave} ({value})", "{wave} ({value})"),
    "go_no_go_fact": ("Go/no-go {year}", "Go/no-go {year}"),
    "go_no_go_thresholds": ("go bij {go}, no-go bij {no_go}", "go at {go}, no-go at {no_go}"),
    "legend_measured": ("Meting (95%-BI)", "Measured (95% CI)"),
    "legend_baseline": ("Nulmeting", "Baseline"),
    "legend_path": ("Pad naar streefwaarde", "Path to target"),
    "legend_target": ("Streefwaarde", "Target"),
    "legend_go": ("go", "go"),
    "legend_no_go": ("no-go", "no-go"),
    "caption_trajectory": (
        "Van nulmeting via de metingen naar de streefwaarden. Punt met lijn: schatting met "
        "95%-betrouwbaarheidsinterval; open rondje: nulmeting; open ruit: streefwaarde; "
        "gestreepte lijn: het rechte pad naar de volgende streefwaarde; korte balken: go/no-go-"
        "drempels. Op koers betekent dat het hele interval aan de goede kant van het pad ligt.",
        "From the baseline through the waves to the targets. Point with line: estimate with "
        "its 95% confidence interval; open circle: baseline; open diamond: target; dashed "
        "line: the straight path to the next target; short bars: go/no-go thresholds. On "
        "track means the whole interval lies on the good side of the path.",
    ),
    "alt_trajectory": (
        "Traject van {kpi}: {items}.",
        "Trajectory of {kpi}: {items}.",
    ),
    "suppression_short": (
        "Onderdrukt: een groep van minder dan {k} respondenten, of een groep waaruit een "
        "verborgen cijfer zou zijn af te leiden (zie de methode).",
        "Suppressed: a group of fewer than {k} respondents, or one from which a hidden figure "
        "could be derived (see the methodology).",
    ),
    # the questionnaire as fielded (appendix)
    "questionnaire": ("De vragenlijst", "The questionnaire"),
    "questionnaire_of": ("{title}, versie {version}", "{title}, version {version}"),
    "questionnaire_intro": (
        "De {count} vragen zoals ze in deze meting werden gesteld (versie {version}), met de "
        "antwoordmogelijkheden en wanneer een vraag werd gesteld.",
        "The {count} questions as asked in this wave (version {version}), with their answer "
        "options and when each question was asked.",
    ),
    "number": ("Nr.", "No."),
    "question": ("Vraag", "Question"),
    "answers": ("Antwoorden", "Answers"),
    "skip_logic": ("Gesteld als", "Asked if"),
    "asked_if": ("{rule}", "{rule}"),
    "and": ("en", "and"),
    "or": ("of", "or"),
    "not": ("niet", "not"),
    "answered": ("is beantwoord", "is answered"),
    "not_answered": ("is niet beantwoord", "is not answered"),
    "one_of": ("is een van", "is one of"),
    "includes": ("omvat", "includes"),
    "other_text": ("anders, namelijk …", "other, namely …"),
    "several_possible": ("meer antwoorden mogelijk", "several answers possible"),
    "required": ("verplicht", "required"),
    "type_select_one": ("een keuze", "one choice"),
    "type_select_multiple": ("meer keuzes", "several choices"),
    "type_likert": ("stellingen op een schaal", "statements on a scale"),
    "type_integer": ("geheel getal", "whole number"),
    "type_decimal": ("getal", "number"),
    "type_rating": ("cijfer", "mark"),
    "type_nps": ("aanbevelingsscore", "recommendation score"),
    "type_yes_no": ("ja of nee", "yes or no"),
    "type_text": ("open antwoord", "open answer"),
    "type_date": ("datum", "date"),
    "type_note": ("toelichting", "note"),
    # KPI definitions (appendix)
    "kpi_definitions": ("Definities van de KPI's", "KPI definitions"),
    "kpi_definitions_intro": (
        "Wat elke KPI telt, uit welke vragenlijst, met welke schatter en welke streefwaarden.",
        "What each KPI counts, from which questionnaire, with which estimator and which targets.",
    ),
    "estimator": ("Schatter", "Estimator"),
    "targets": ("Streefwaarden", "Targets"),
    "estimator_mean": ("gemiddelde", "mean"),
    "estimator_total": ("totaal", "total"),
    "estimator_proportion": ("aandeel", "proportion"),
    "estimator_ratio": ("verhouding", "ratio"),
    "estimator_quantile": ("kwantiel", "quantile"),
    "direction_higher": ("hoger is beter", "higher is better"),
    "direction_lower": ("lager is beter", "lower is better"),
    "appendices": ("Bijlagen", "Appendices"),
    "headline_count": (
        "Dit rapport volgt {n} KPI's; voor {shown} daarvan is er een schatting.",
        "This report follows {n} KPIs; {shown} of them have an estimate.",
    ),
    "headline_status": (
        "Van de {n} KPI's met een streefwaarde voor {year} is het doel bij {met} gehaald, bij "
        "{not_met} niet gehaald en bij {uncertain} onzeker (het interval omvat de "
        "streefwaarde).",
        "Of the {n} KPIs with a target for {year}, {met} met it, {not_met} did not and "
        "{uncertain} are uncertain (the interval contains the target).",
    ),
    "headline_pace": (
        "Van de {n} KPI's met een latere streefwaarde zijn er {on} op koers, {behind} achter "
        "op koers en is het bij {undecided} nog niet te zeggen.",
        "Of the {n} KPIs with a later target, {on} are on track, {behind} are behind and "
        "for {undecided} it cannot be told yet.",
    ),
    "headline_failed": (
        "{n} KPI('s) konden niet worden berekend: {kpis}.",
        "{n} KPI(s) could not be computed: {kpis}.",
    ),
    "headline_not_shown": (
        "{n} KPI('s) hebben te weinig antwoorden (minder dan {k}) om te tonen: {kpis}.",
        "{n} KPI(s) have too few answers (fewer than {k}) to show: {kpis}.",
    ),
    "published_by": ("Uitgegeven door", "Published by"),
    "date": ("Datum", "Date"),
    "version": ("Versie", "Version"),
    "conclusions": ("Conclusies", "Conclusions"),
    "pathway_as_text": ("Het impactpad in tekst", "The impact pathway as text"),
    "chart_numbers": ("Cijfers bij de figuur", "Figures behind the chart"),
    "trajectory_title": ("Traject naar de streefwaarden", "Trajectory toward the targets"),
    "trajectory_year": ("Jaar", "Year"),
    "trajectory_kind": ("Soort", "Kind"),
    "trajectory_kind_baseline": ("nulmeting", "baseline"),
    "trajectory_kind_measured": ("meting", "measured"),
    "trajectory_kind_target": ("streefwaarde", "target"),
    "trajectory_kind_expected": ("verwacht op het pad", "expected on the path"),
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
