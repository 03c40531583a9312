"""Interface strings in Dutch (default) and English, and the current page language.

Question texts come from the survey files; every other word a person reads in mel comes
from here, so that nothing on a page stays Dutch when English was chosen. Templates call
`t("key", n=3)`; Python code calls `translate("key", lang, n=3)`. A survey's address form
("je" or "u", see `InstrumentDefinition.address`) picks between the formal and informal
Dutch of the participant strings; survey views keep it in `g.address`, which `t` follows.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Flask, g, request, session

from mel.web.fieldwork_strings import FIELDWORK_STRINGS
from mel.web.staff.strings import STAFF_STRINGS
from mel.web.survey.strings import INFORMAL_NL, SURVEY_STRINGS
from mel.web.survey.unit_strings import UNIT_STRINGS

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"

STRINGS: dict[str, tuple[str, str]] = {
    **SURVEY_STRINGS,
    **UNIT_STRINGS,
    **STAFF_STRINGS,
    **FIELDWORK_STRINGS,
    # The database did not answer in time (mel.web.security.database_unavailable)
    "err_title_503": ("Het lukt even niet", "Not possible right now"),
    "err_text_503": (
        "Er is nu een storing bij ons. Probeer het over een minuut opnieuw. Uw antwoorden "
        "op eerdere pagina's zijn bewaard; ga terug en verstuur deze pagina nog eens.",
        "We have a problem on our side right now. Please try again in a minute. Your "
        "answers on earlier pages are kept; go back and send this page once more.",
    ),
    # Staff side: login, dashboards, downloads, exports, admin (mel.web.staff.auth, dashboard, ...)
    "staff_site": ("medewerkers", "staff"),
    "staff_menu": ("Menu medewerkers", "Staff menu"),
    "staff_login": ("Inloggen voor medewerkers", "Staff login"),
    "staff_login_button": ("Inloggen", "Log in"),
    "staff_logout": ("Uitloggen", "Log out"),
    "staff_email": ("E-mailadres", "E-mail address"),
    "staff_password": ("Wachtwoord", "Password"),
    "staff_login_failed": (
        "Het e-mailadres of wachtwoord klopt niet.",
        "The e-mail address or password is not correct.",
    ),
    "staff_login_throttled": (
        "Te veel mislukte pogingen. Wacht tien minuten en probeer het dan opnieuw.",
        "Too many failed attempts. Wait ten minutes and try again.",
    ),
    "staff_password_change": ("Wachtwoord wijzigen", "Change password"),
    "staff_password_current": ("Huidig wachtwoord", "Current password"),
    "staff_password_new": ("Nieuw wachtwoord", "New password"),
    "staff_password_confirm": ("Herhaal het nieuwe wachtwoord", "Repeat the new password"),
    "staff_password_rules": (
        "Minstens {n} tekens; beide keren hetzelfde.",
        "At least {n} characters; the same both times.",
    ),
    "staff_password_wrong": (
        "Het huidige wachtwoord klopt niet.",
        "The current password is not correct.",
    ),
    "staff_password_changed": (
        "Uw wachtwoord is gewijzigd. Andere sessies zijn beëindigd.",
        "Your password has been changed. Other sessions have ended.",
    ),
    "role_admin": ("beheerder", "administrator"),
    "role_researcher": ("onderzoeker", "researcher"),
    "role_staff": ("programmamedewerker", "programme staff"),
    "staff_programmes": ("Programma's", "Programmes"),
    "staff_no_programmes": (
        "U heeft nog geen toegang tot een programma.",
        "You do not have access to any programme yet.",
    ),
    "staff_dashboards": ("Dashboards", "Dashboards"),
    "staff_fieldwork": ("Veldwerk", "Fieldwork"),
    "staff_kpis": ("KPI's", "KPIs"),
    "staff_texts": ("Open antwoorden", "Open answers"),
    "staff_exports": ("Databestanden", "Data files"),
    "staff_waves_admin": ("Metingen beheren", "Manage waves"),
    "staff_waves": ("Metingen", "Waves"),
    "staff_wave": ("Meting", "Wave"),
    "staff_code": ("Code", "Code"),
    "staff_year": ("Jaar", "Year"),
    "staff_status": ("Status", "Status"),
    "staff_fieldwork_dates": ("Veldwerkperiode", "Fieldwork period"),
    "wave_planned": ("gepland", "planned"),
    "wave_open": ("open", "open"),
    "wave_closed": ("gesloten", "closed"),
    "staff_message_title": ("Geen cijfers", "No figures"),
    "staff_back_programme": ("Terug naar het programma", "Back to the programme"),
    "staff_filters": ("Filters", "Filters"),
    "staff_no_filters": ("geen verdere filters", "no further filters"),
    "staff_all": ("alle", "all"),
    "staff_by": ("Uitsplitsen naar", "Break down by"),
    "staff_apply": ("Toon", "Show"),
    "staff_reset": ("Filters wissen", "Clear filters"),
    "dim_province": ("Provincie", "Province"),
    "dim_region": ("Regio", "Region"),
    "dim_sector": ("Sector", "Sector"),
    "dim_stratum": ("Stratum", "Stratum"),
    "dim_unit_kind": ("Soort eenheid", "Unit type"),
    "dim_unit": ("Eenheid", "Unit"),
    "staff_err_param": (
        "Onbekende parameter {name!r} in het adres.",
        "Unknown parameter {name!r} in the address.",
    ),
    "staff_err_value": (
        "Onbekende waarde {value!r} voor {name}. Kies uit: {choices}.",
        "Unknown value {value!r} for {name}. Choose from: {choices}.",
    ),
    "staff_err_no_waves": (
        "Dit programma heeft nog geen metingen.",
        "This programme has no waves yet.",
    ),
    "staff_too_small": (
        "Deze selectie telt te weinig respondenten (of is af te leiden uit "
        "andere cijfers), dus tonen we geen cijfers. We tonen alleen cijfers "
        "over groepen van ten minste {k} respondenten. Kies een bredere "
        "selectie.",
        "This selection has too few respondents (or could be derived from "
        "other figures), so no figures are shown. We only show figures for "
        "groups of at least {k} respondents. Choose a broader selection.",
    ),
    "staff_not_measured": (
        "Deze KPI is in deze meting niet gemeten.",
        "This KPI was not measured in this wave.",
    ),
    "staff_hidden": ("onderdrukt", "suppressed"),
    "staff_suppression": ("Onderdrukking", "Suppression"),
    "staff_suppression_rule": (
        "'onderdrukt': een groep met minder dan {k} respondenten, of een cijfer waaruit zo'n "
        "groep af te leiden zou zijn.",
        "'suppressed': a group of fewer than {k} respondents, or a figure from which such a "
        "group could be derived.",
    ),
    "staff_title": ("Titel", "Title"),
    "staff_sheet_figures": ("cijfers", "figures"),
    "staff_sheet_about": ("toelichting", "about"),
    "staff_download": ("Downloaden", "Download"),
    "staff_chart_alt_fieldwork": (
        "Staafdiagram van afgeronde en lopende responsen per {by}; "
        "dezelfde cijfers staan in de tabel.",
        "Bar chart of completed and in-progress responses by {by}; the table has the same figures.",
    ),
    "staff_chart_alt_trend": (
        "Verloop van {kpi} over de metingen met 95%-"
        "betrouwbaarheidsintervallen; de tabel heeft dezelfde cijfers.",
        "Trend of {kpi} across waves with 95% confidence intervals; "
        "the table has the same figures.",
    ),
    "staff_chart_table_below": (
        "De cijfers van de grafiek staan in de tabel hieronder.",
        "The table below has the figures of the chart.",
    ),
    "fw_group": ("Groep", "Group"),
    "staff_total": ("Totaal", "Total"),
    "fw_sampled_units": ("Eenheden in steekproef", "Sampled units"),
    "fw_responses": ("Responsen", "Responses"),
    "fw_complete": ("Afgerond", "Completed"),
    "fw_in_progress": ("Bezig", "In progress"),
    "fw_response_rate": ("Respons (% eenheden)", "Response (% of units)"),
    "fw_suppressed": ("Onderdrukt", "Suppressed"),
    "staff_no_kpis": ("Dit programma heeft geen KPI's.", "This programme has no KPIs."),
    "staff_estimate": ("Schatting", "Estimate"),
    "staff_ci": ("95%-betrouwbaarheidsinterval", "95% confidence interval"),
    "staff_ci_short": ("95%-interval", "95% interval"),
    "staff_n": ("Respondenten", "Respondents"),
    "staff_target": ("Streefwaarde", "Target"),
    "staff_target_whole": (
        "geldt voor het hele programma, niet voor deze selectie",
        "applies to the whole programme, not to this selection",
    ),
    "staff_no_target": ("geen streefwaarde voor dit jaar", "no target for this year"),
    "status_mark_gehaald": ("✔", "✔"),
    "status_mark_niet_gehaald": ("✘", "✘"),
    "status_mark_onzeker": ("?", "?"),
    "staff_status_rule": (
        "Status: 'gehaald' als het hele 95%-interval de streefwaarde haalt, 'niet gehaald' "
        "als het hele interval eronder blijft, anders 'onzeker'.",
        "Status: 'met' when the whole 95% interval reaches the target, 'not met' when the "
        "whole interval falls short, otherwise 'uncertain'.",
    ),
    "staff_trend": ("Verloop", "Trend"),
    "staff_groups": ("Groepen", "Groups"),
    "staff_by_group": ("Per {by}", "By {by}"),
    "staff_question": ("Vraag", "Question"),
    "staff_no_texts": ("Deze meting heeft geen open vragen.", "This wave has no open questions."),
    "staff_choose_question": ("Kies een vraag.", "Choose a question."),
    "staff_texts_count": (
        "{n} antwoorden, op alfabetische volgorde.",
        "{n} answers, in alphabetical order.",
    ),
    "staff_texts_first": (
        "Hieronder de eerste {n}; kies een kleinere selectie voor de rest.",
        "The first {n} are shown below; choose a narrower selection for the rest.",
    ),
    "staff_exports_intro": (
        "Gepseudonimiseerde antwoorden per meting en vragenlijst, met de ontwerpvariabelen "
        "(eenheid, stratum, gewicht, fpc) en variabele- en waardelabels. Elke download wordt "
        "vastgelegd.",
        "Pseudonymised answers per wave and questionnaire, with the design variables (unit, "
        "stratum, weight, fpc) and variable and value labels. Every download is logged.",
    ),
    "staff_instrument": ("Vragenlijst", "Questionnaire"),
    "staff_data_files": ("Gegevens", "Data"),
    "staff_codebook": ("Codeboek", "Codebook"),
    "staff_kpis_outside_frame": (
        "{n} afgeronde responsen van eenheden buiten de steekproefopzet van deze meting tellen "
        "niet mee in deze cijfers.",
        "{n} complete responses from units outside this wave's frame are not counted in these "
        "figures.",
    ),
    "staff_export_responses": ("Responsen in de bestanden", "Responses in the files"),
    "staff_export_outside_frame": (
        "{n} andere van eenheden buiten de steekproefopzet van deze meting: niet opgenomen",
        "{n} more from units outside this wave's frame: not included",
    ),
    "staff_users": ("Accounts", "Accounts"),
    "staff_role": ("Rol", "Role"),
    "staff_last_login": ("Laatst ingelogd", "Last login"),
    "staff_actions": ("Acties", "Actions"),
    "staff_active": ("actief", "active"),
    "staff_disabled": ("uitgeschakeld", "disabled"),
    "staff_disable": ("Uitschakelen", "Disable"),
    "staff_enable": ("Inschakelen", "Enable"),
    "staff_new_user": ("Nieuw account", "New account"),
    "staff_new_user_hint": (
        "Het account krijgt een eenmalig wachtwoord dat hierna één keer "
        "wordt getoond; geef het veilig door en laat het meteen wijzigen.",
        "The account gets a one-time password shown once after this; "
        "pass it on safely and have it changed at once.",
    ),
    "staff_user_created": (
        "Account {email} is aangemaakt. Eenmalig wachtwoord:",
        "Account {email} has been created. One-time password:",
    ),
    "staff_create": ("Aanmaken", "Create"),
    "staff_retention": ("Bewaren tot", "Keep until"),
    "staff_save": ("Opslaan", "Save"),
    "staff_invite": ("Uitnodigingen maken", "Create invitations"),
    "staff_invite_hint": (
        "Eén uitnodiging per eenheid in de steekproef (behalve eenheden die een "
        "vragenlijst voor eenheden al hebben ingevuld); de links worden één keer als "
        "CSV-bestand gedownload en niet bewaard.",
        "One invitation per sampled unit (except units that have already completed a "
        "questionnaire answered for units); the links are downloaded once as a CSV file "
        "and not stored.",
    ),
}


def translate(
    key: str, lang: str = DEFAULT_LANGUAGE, *, address: str | None = None, **values: Any
) -> str:
    """Return interface string `key` in `lang` with `{name}` placeholders filled in.

    `address="je"` gives the informal Dutch where a string addresses the reader.
    """
    nl, en = STRINGS[key]
    if lang == "en":
        text = en
    else:
        text = INFORMAL_NL.get(key, nl) if address == "je" else nl
    return text.format(**values) if values else text


def current_language() -> str:
    """Return the language of the page being built (nl outside a request)."""
    return g.get("lang", DEFAULT_LANGUAGE)


def current_address() -> str | None:
    """Return the address form ("je"/"u") of the survey being shown, if any."""
    return g.get("address")


def chosen_language() -> str | None:
    """Return the language the visitor chose (`?lang=` or earlier in the session), if any."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        session["lang"] = asked
        return asked
    remembered = session.get("lang")
    return remembered if remembered in LANGUAGES else None


def language_url(lang: str) -> str:
    """Return the current page's URL with `lang` chosen (other query arguments kept)."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return "?" + urlencode([*args, ("lang", lang)])


def setup_i18n(app: Flask) -> None:
    """Pick each request's language and give templates `t`, `lang` and `other_lang`."""

    @app.before_request
    def pick_language() -> None:
        """Set g.lang from ?lang= or the session (survey views refine it)."""
        g.lang = chosen_language() or DEFAULT_LANGUAGE

    @app.context_processor
    def language_context() -> dict[str, Any]:
        """Give templates the page language and the one to switch to."""
        lang = current_language()
        return {"lang": lang, "other_lang": "en" if lang == "nl" else "nl"}

    app.jinja_env.globals["t"] = lambda key, **values: translate(
        key, current_language(), address=current_address(), **values
    )
    app.jinja_env.globals["translate"] = lambda key, lang, **values: translate(
        key, lang, address=current_address(), **values
    )
    app.jinja_env.globals["language_url"] = language_url
