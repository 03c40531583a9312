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
    # A wave's design and drawn sample (mel.web.staff.sample)
    "sample_waves": ("Steekproeven", "Samples"),
    "sample_wave": ("Meting", "Wave"),
    "sample_state": ("Steekproef", "Sample"),
    "sample_title": ("Ontwerp en steekproef", "Design and sample"),
    "sample_design": ("Steekproefontwerp", "Sampling design"),
    "sample_drawn": ("Getrokken steekproef", "Drawn sample"),
    "sample_strata": ("Strata: populatie en steekproef", "Strata: population and sample"),
    "sample_units": ("Getrokken eenheden", "Units drawn"),
    "sample_download": (
        "Steekproef downloaden (zonder contactgegevens)",
        "Download the sample (without contact details)",
    ),
    "sample_no_file": ("geen golfbestand", "no wave file"),
    "sample_no_file_hint": (
        "Deze meting heeft geen golfbestand. Maak het met `mel waves create BESTAND`.",
        "This wave has no wave file. Create it with `mel waves create FILE`.",
    ),
    "sample_not_drawn": ("Nog niet getrokken.", "Not drawn yet."),
    "sample_drawn_short": ("getrokken", "drawn"),
    "sample_frozen_short": ("vastgelegd", "frozen"),
    "sample_drawn_at": (
        "Getrokken met seed {seed} op {at} UTC. Opnieuw trekken kan tot de uitnodigingen "
        "verstuurd zijn.",
        "Drawn with seed {seed} at {at} UTC. It can be drawn again until the invitations go out.",
    ),
    "sample_frozen": (
        "Getrokken met seed {seed}; vastgelegd op {at} UTC toen de uitnodigingen verstuurd "
        "werden. Opnieuw trekken kan niet meer.",
        "Drawn with seed {seed}; frozen at {at} UTC when the invitations went out. It can "
        "no longer be drawn again.",
    ),
    "sample_seed": ("seed {seed}", "seed {seed}"),
    "sample_seed_label": ("Seed (een geheel getal; noteer het)", "Seed (a whole number; note it)"),
    "sample_draw_button": ("Steekproef trekken", "Draw the sample"),
    "sample_redraw_button": ("Opnieuw trekken", "Draw again"),
    "sample_draw_hint": (
        "Dezelfde seed geeft dezelfde steekproef. De trekking komt in het auditlogboek.",
        "The same seed gives the same sample. The draw is recorded in the audit log.",
    ),
    "sample_bad_seed": (
        "De seed moet een geheel getal van 0 of meer zijn (niet ‘{value}’).",
        "The seed must be a whole number of 0 or more (not ‘{value}’).",
    ),
    "sample_refused": ("Niet getrokken: {reason}", "Not drawn: {reason}"),
    "sample_first_rows": (
        "De eerste {n} staan hierboven; de download bevat alle.",
        "The first {n} are shown; the download holds all.",
    ),
    "sample_col_code": ("Code", "Code"),
    "sample_col_name": ("Naam", "Name"),
    "sample_method_census": ("census (alle eenheden)", "census (every unit)"),
    "sample_method_stratified": (
        "gestratificeerde aselecte steekproef",
        "stratified simple random sample",
    ),
    "sample_method_pps": (
        "kans evenredig aan omvang (PPS)",
        "probability proportional to size (PPS)",
    ),
    "sample_term_method": ("Ontwerp", "Design"),
    "sample_term_unit_kinds": ("Soorten eenheden", "Kinds of units"),
    "sample_term_sample_size": ("Steekproefomvang", "Sample size"),
    "sample_term_allocation": ("Verdeling over strata", "Allocation"),
    "sample_term_neyman": ("Neyman: vorige meting / KPI", "Neyman: previous wave / KPI"),
    "sample_term_sizes": ("Omvang per stratum", "Size per stratum"),
    "sample_term_take_all": ("Strata volledig mee", "Take-all strata"),
    "sample_term_minimum": ("Minimum per stratum", "Minimum per stratum"),
    "sample_term_size": ("Omvangsmaat", "Size measure"),
    "sample_term_selection": ("Trekkingsmethode", "Selection"),
    "sample_term_instrument": ("Vragenlijst", "Instrument"),
    "sample_term_fieldwork": ("Veldwerk", "Fieldwork"),
    "sample_term_response_rate": ("Verwachte respons", "Expected response rate"),
    "sample_term_file": ("Golfbestand", "Wave file"),
}
