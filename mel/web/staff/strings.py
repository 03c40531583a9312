"""Staff-side strings (Dutch, English): error pages, open links, responses left out.

The participant's error texts speak to someone answering a survey ("your answers are
kept"); staff pages and the API have their own here, so one never explains the other.
"""

STAFF_STRINGS: dict[str, tuple[str, str]] = {
    # Error pages of /staff/ and /api/ (mel.web.security.error_page)
    "staff_err_title_400": ("Verzoek niet begrepen", "Request not understood"),
    "staff_err_text_400": (
        "Het verzoek klopte niet. Ga terug, laad de pagina opnieuw en probeer het nog eens.",
        "The request was not right. Go back, reload the page and try again.",
    ),
    "staff_err_title_403": ("Geen toegang", "No access"),
    "staff_err_text_403": (
        "Uw account heeft geen toegang tot deze pagina.",
        "Your account cannot open this page.",
    ),
    "staff_err_title_404": ("Pagina niet gevonden", "Page not found"),
    "staff_err_text_404": (
        "Deze pagina bestaat niet, of uw account heeft er geen toegang toe.",
        "This page does not exist, or your account cannot open it.",
    ),
    "staff_err_title_405": ("Dat kan hier niet", "Not possible here"),
    "staff_err_text_405": (
        "Ga terug en gebruik de knoppen op de pagina.",
        "Go back and use the buttons on the page.",
    ),
    "staff_err_title_409": ("Kan nu niet", "Not possible now"),
    "staff_err_text_409": (
        "Dit kan met de gegevens zoals ze nu zijn niet worden uitgevoerd.",
        "This cannot be done with the data as they are now.",
    ),
    "staff_err_title_410": ("Niet meer beschikbaar", "No longer available"),
    "staff_err_text_410": (
        "Deze pagina is niet meer beschikbaar.",
        "This page is no longer available.",
    ),
    "staff_err_title_413": ("Verzoek te groot", "Request too large"),
    "staff_err_text_413": (
        "Het verstuurde formulier is te groot.",
        "The form sent was too large.",
    ),
    "staff_err_title_429": ("Te veel verzoeken", "Too many requests"),
    "staff_err_text_429": (
        "Wacht een minuut en probeer het dan opnieuw.",
        "Wait a minute and try again.",
    ),
    "staff_err_title_500": ("Er ging iets mis aan onze kant", "Something went wrong on our side"),
    "staff_err_text_500": (
        "De fout is vastgelegd. Probeer het over een paar minuten opnieuw; gaat het dan nog "
        "mis, meld het aan de beheerder.",
        "The error has been logged. Try again in a few minutes; if it still fails, tell "
        "the administrator.",
    ),
    "staff_err_title_503": ("De database antwoordt even niet", "The database is not answering"),
    "staff_err_text_503": (
        "De database gaf niet op tijd antwoord. Probeer het over een minuut opnieuw; gaat het "
        "dan nog mis, meld het aan de beheerder.",
        "The database did not answer in time. Try again in a minute; if it still fails, tell "
        "the administrator.",
    ),
    "staff_export_failed": (
        "Dit bestand kan niet worden gemaakt: {reason}",
        "This file cannot be made: {reason}",
    ),
    "staff_kpi_failed": (
        "Deze KPI kon niet worden berekend: {reason}",
        "This KPI could not be computed: {reason}",
    ),
    # Complete responses an analysis leaves out (mel.data.coverage.LEFT_OUT)
    "staff_kpis_without_unit": (
        "{n} afgeronde responsen zonder eenheid (bijvoorbeeld via een open link die niet "
        "naar de eenheid vroeg) tellen niet mee in deze cijfers.",
        "{n} complete responses without a unit (for instance through an open link that did "
        "not ask for it) are not counted in these figures.",
    ),
    "staff_kpis_duplicate_unit": (
        "{n} afgeronde responsen van eenheden die deze vragenlijst in deze meting al eerder "
        "invulden, tellen niet mee: per eenheid telt één respons.",
        "{n} complete responses from units that had already completed this questionnaire "
        "in this wave are not counted: one response counts per unit.",
    ),
    "staff_kpis_not_sampled": (
        "{n} afgeronde responsen van eenheden die niet in de steekproef zaten, tellen niet "
        "mee in deze cijfers (ze hebben geen steekproefgewicht).",
        "{n} complete responses from units that were not sampled are not counted in these "
        "figures (they have no sampling weight).",
    ),
    "staff_kpis_not_eligible": (
        "{n} afgeronde responsen van eenheden die niet tot de doelgroep bleken te horen, "
        "tellen niet mee in deze cijfers.",
        "{n} complete responses from units found not eligible are not counted in these figures.",
    ),
    "staff_export_not_sampled": (
        "{n} andere van eenheden buiten de steekproef: niet opgenomen",
        "{n} more from units that were not sampled: not included",
    ),
    "staff_export_not_eligible": (
        "{n} andere van eenheden die niet tot de doelgroep horen: niet opgenomen",
        "{n} more from units found not eligible: not included",
    ),
    "staff_export_without_unit": (
        "{n} andere zonder eenheid: niet opgenomen",
        "{n} more without a unit: not included",
    ),
    "staff_export_duplicate_unit": (
        "{n} andere van eenheden die al eerder antwoordden: niet opgenomen",
        "{n} more from units that had already answered: not included",
    ),
    "staff_unit_answered_waiting": (
        "{n} lopende responsen horen bij een eenheid die deze vragenlijst al heeft ingevuld "
        "en kunnen niet meer worden verstuurd; ze tellen bij 'bezig', met hun antwoorden "
        "bewaard.",
        "{n} responses in progress belong to a unit that has already completed this "
        "questionnaire and can no longer be submitted; they count as 'in progress', with "
        "their answers kept.",
    ),
    # Open links per wave and instrument (mel.web.staff.open_links)
    "staff_open_links": ("Open links", "Open links"),
    "staff_open_links_intro": (
        "Een open link kan iedereen gebruiken. In een meting met een steekproefkader vraagt "
        "hij naar de eenheid (uit de steekproef); zonder die vraag wordt hij geweigerd.",
        "Anyone can use an open link. In a wave with a sampling frame it asks for the unit "
        "(from the sample); without that question it is refused.",
    ),
    "staff_open_link_state": ("Open link", "Open link"),
    "open_link_off": ("uit", "off"),
    "open_link_ask_unit": ("aan, vraagt naar de eenheid", "on, asks for the unit"),
    "open_link_no_unit": ("aan, zonder eenheid", "on, without a unit"),
    "staff_open_link_needs_unit": (
        "Meting {wave} heeft een steekproefkader: elke respons op {instrument} hoort bij een "
        "eenheid. Kies 'aan, vraagt naar de eenheid'.",
        "Wave {wave} has a sampling frame: every response to {instrument} belongs to a "
        "unit. Choose 'on, asks for the unit'.",
    ),
}
