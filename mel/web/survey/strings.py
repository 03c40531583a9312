"""Participant-side interface strings (Dutch, English): survey pages and error pages.

`SURVEY_STRINGS` address participants formally in Dutch ("u"); `INFORMAL_NL` holds the
informal ("je") Dutch of every one of them that addresses the reader, for surveys whose file
says `address_form: je` (English has one form for both).
"""

SURVEY_STRINGS: dict[str, tuple[str, str]] = {
    # Page frame
    "skip_to_content": ("Naar de inhoud", "Skip to content"),
    "language": ("Taal", "Language"),
    "language_name": ("Nederlands", "English"),
    "footer": (
        "mel — monitoring, evaluatie en leren. We slaan geen IP-adressen op.",
        "mel — monitoring, evaluation and learning. We do not store IP addresses.",
    ),
    # Consent
    "consent_heading": ("Voordat u begint", "Before you start"),
    "privacy_generic": (
        "Uw antwoorden worden vertrouwelijk verwerkt en alleen gebruikt om de resultaten "
        "van het programma te onderzoeken. We slaan geen IP-adres op. Resultaten tonen we "
        "alleen voor groepen van ten minste tien deelnemers, zodat niemand herkenbaar is. "
        "Meedoen is vrijwillig en u kunt op elk moment stoppen.",
        "Your answers are treated confidentially and used only to study the results of the "
        "programme. We do not store your IP address. Results are only shown for groups of "
        "at least ten participants, so that nobody can be recognised. Taking part is "
        "voluntary and you can stop at any time.",
    ),
    "consent_resume_invitation": (
        "Uw antwoorden worden na elke pagina bewaard. U kunt stoppen en later verdergaan "
        "met de link uit uw uitnodiging.",
        "Your answers are saved after every page. You can stop and continue later with the "
        "link in your invitation.",
    ),
    "consent_resume_open": (
        "Uw antwoorden worden na elke pagina bewaard. Op elke pagina staat een link "
        "waarmee u later verder kunt gaan.",
        "Your answers are saved after every page. Every page shows a link with which you "
        "can continue later.",
    ),
    "consent_agree": ("Ik ga akkoord en begin", "I agree, start"),
    "welcome_back": ("Welkom terug", "Welcome back"),
    # Survey pages
    "progress": ("Pagina {n} van {total}", "Page {n} of {total}"),
    "next": ("Volgende", "Next"),
    "back": ("Vorige", "Previous"),
    "submit": ("Versturen", "Submit"),
    "required": ("(verplicht)", "(required)"),
    "error_summary": ("Er is een probleem", "There is a problem"),
    "error_prefix": ("Fout:", "Error:"),
    "title_error": ("Fout: {title}", "Error: {title}"),
    "resume_heading": ("Later verdergaan?", "Continue later?"),
    "resume_open": (
        "Uw antwoorden tot en met de vorige pagina zijn bewaard. Bewaar deze link om later "
        "verder te gaan (deel hem met niemand):",
        "Your answers up to the previous page are saved. Keep this link to continue later "
        "(share it with nobody):",
    ),
    "resume_invitation": (
        "Uw antwoorden tot en met de vorige pagina zijn bewaard. U kunt later verdergaan "
        "met de link uit uw uitnodiging.",
        "Your answers up to the previous page are saved. You can continue later with the "
        "link in your invitation.",
    ),
    "csrf_expired": (
        "Uw sessie was verlopen, daarom is deze pagina nog niet opgeslagen. Uw antwoorden "
        "op eerdere pagina's zijn bewaard. Controleer de antwoorden hieronder en klik "
        "nogmaals op de knop.",
        "Your session had expired, so this page has not been saved yet. Your answers on "
        "earlier pages are kept. Check the answers below and press the button again.",
    ),
    "tampered": (
        "Het formulier bevatte gegevens die niet bij deze pagina horen. Er is niets "
        "opgeslagen; controleer uw antwoorden en probeer het opnieuw.",
        "The form contained data that does not belong to this page. Nothing was saved; "
        "check your answers and try again.",
    ),
    "stale_form": (
        "Deze pagina was verouderd. Controleer uw antwoorden en verstuur opnieuw.",
        "This page was out of date. Check your answers and submit again.",
    ),
    "incomplete": (
        "Deze pagina is nog niet volledig ingevuld. Vul hem aan en ga dan verder.",
        "This page is not complete yet. Please complete it and continue.",
    ),
    # Hints added by the interface
    "hint_multi": ("Kies alles wat van toepassing is.", "Select all that apply."),
    "hint_nps": (
        "0 = zeer onwaarschijnlijk, 10 = zeer waarschijnlijk.",
        "0 = very unlikely, 10 = very likely.",
    ),
    "hint_rating": (
        "{low} is het laagst, {high} het hoogst.",
        "{low} is the lowest, {high} the highest.",
    ),
    "hint_max_chars": ("Hoogstens {n} tekens.", "At most {n} characters."),
    "hint_max_selected": ("Kies er hoogstens {n}.", "Choose at most {n}."),
    "other_option": ("Anders", "Other"),
    "other_text": ("Anders, namelijk:", "Other, namely:"),
    "yes": ("Ja", "Yes"),
    "no": ("Nee", "No"),
    # Validation messages
    "err_required_choice": ("Kies een antwoord", "Choose an answer"),
    "err_required_text": ("Vul een antwoord in", "Enter an answer"),
    "err_required_multi": ("Kies minstens één antwoord", "Choose at least one answer"),
    "err_row": ("{statement}: {message}", "{statement}: {message}"),
    "err_choice": ("Kies een van de gegeven antwoorden", "Choose one of the given answers"),
    "err_single": ("Kies één antwoord", "Choose one answer"),
    "err_integer": ("Vul een heel getal in, zoals 12", "Enter a whole number, like 12"),
    "err_decimal": ("Vul een getal in, zoals 12 of 3,5", "Enter a number, like 12 or 3.5"),
    "err_min": ("Vul een getal in van {min} of meer", "Enter a number of {min} or more"),
    "err_max": ("Vul een getal in van {max} of minder", "Enter a number of {max} or less"),
    "err_between": (
        "Vul een getal in van {min} tot en met {max}",
        "Enter a number from {min} to {max}",
    ),
    "err_min_length": ("Gebruik minstens {n} tekens", "Use at least {n} characters"),
    "err_max_length": (
        "Gebruik hoogstens {n} tekens (nu {count})",
        "Use at most {n} characters (now {count})",
    ),
    "err_constraint": (
        "Dit antwoord past niet bij de voorwaarden van de vraag",
        "This answer does not meet the question's conditions",
    ),
    "err_regex": (
        "Het antwoord heeft niet de gevraagde vorm",
        "The answer is not in the required format",
    ),
    "err_min_selected": ("Kies er minstens {n}", "Choose at least {n}"),
    "err_max_selected": ("Kies er hoogstens {n}", "Choose at most {n}"),
    "err_other_unchosen": (
        "Kies ook ‘Anders’ als u hier iets invult",
        "Also choose ‘Other’ when you fill this in",
    ),
    "err_date": (
        "Vul een bestaande datum in, zoals 31-12-2025",
        "Enter a real date, like 31-12-2025",
    ),
    # A date in three boxes (day, month, year)
    "hint_date": ("Bijvoorbeeld 27 3 2025", "For example, 27 3 2025"),
    "date_day": ("Dag", "Day"),
    "date_month": ("Maand", "Month"),
    "date_year": ("Jaar", "Year"),
    "date_the_day": ("de dag", "the day"),
    "date_the_month": ("de maand", "the month"),
    "date_the_year": ("het jaar", "the year"),
    "date_and": (" en ", " and "),
    "date_today": ("vandaag", "today"),
    "months": (
        "januari februari maart april mei juni juli augustus september oktober november december",
        "January February March April May June July August September October November December",
    ),
    "err_required_date": ("Vul een datum in", "Enter a date"),
    "date_time": ("Tijd", "Time"),
    "repeat_row": ("Nummer {n}", "Number {n}"),
    "repeat_add": ("Nog een toevoegen", "Add another"),
    "repeat_remove": ("{legend} verwijderen", "Remove {legend}"),
    "hint_time": ("Bijvoorbeeld 14:30", "For example, 14:30"),
    "hint_datetime": ("Bijvoorbeeld 27 3 2025 en 14:30", "For example, 27 3 2025 and 14:30"),
    "err_time": (
        "Vul een tijd in van 00:00 tot en met 23:59, zoals 14:30",
        "Enter a time from 00:00 to 23:59, like 14:30",
    ),
    "err_required_datetime": ("Vul een datum en tijd in", "Enter a date and time"),
    "err_datetime_date": ("Vul ook de datum in", "Also enter the date"),
    "err_datetime_time": ("Vul ook de tijd in", "Also enter the time"),
    "err_step": (
        "Kies een waarde van {min} tot en met {max} in stappen van {step}",
        "Choose a value from {min} to {max} in steps of {step}",
    ),
    "err_date_missing": ("Vul ook {parts} in", "Also enter {parts}"),
    "err_date_day": (
        "De dag moet een getal van 1 tot en met 31 zijn",
        "The day must be a number from 1 to 31",
    ),
    "err_date_month": (
        "De maand moet een getal van 1 tot en met 12 zijn",
        "The month must be a number from 1 to 12",
    ),
    "err_date_year": (
        "Het jaar moet uit vier cijfers bestaan, zoals 2025",
        "The year must have four digits, like 2025",
    ),
    "err_date_exists": (
        "Deze datum bestaat niet: {month} heeft geen {day} dagen",
        "This date does not exist: {month} does not have {day} days",
    ),
    "err_date_between": (
        "Vul een datum in van {min} tot en met {max}",
        "Enter a date from {min} to {max}",
    ),
    # End of the survey
    "confirm_heading": ("Klaar om te versturen", "Ready to submit"),
    "confirm_text": (
        "U heeft alle vragen beantwoord. Na het versturen kunt u uw antwoorden niet meer wijzigen.",
        "You have answered all questions. After submitting you can no longer change your answers.",
    ),
    "done_heading": ("Bedankt!", "Thank you!"),
    "done_text": (
        "Uw antwoorden zijn verstuurd en opgeslagen. U kunt dit venster sluiten.",
        "Your answers have been submitted and saved. You can close this window.",
    ),
    # Error pages
    "err_title_400": ("Er ging iets mis met uw verzoek", "Something was wrong with your request"),
    "err_text_400": ("Ga terug en probeer het opnieuw.", "Go back and try again."),
    "err_title_403": ("Geen toegang", "No access"),
    "err_text_403": ("U heeft geen toegang tot deze pagina.", "You cannot open this page."),
    "err_title_404": ("Pagina niet gevonden", "Page not found"),
    "err_text_404": (
        "Controleer de link. Kreeg u een uitnodiging? Gebruik dan de hele link "
        "uit die uitnodiging.",
        "Check the link. Did you receive an invitation? Then use the whole link "
        "from that invitation.",
    ),
    "err_title_405": ("Dat kan hier niet", "Not possible here"),
    "err_text_405": (
        "Ga terug en gebruik de knoppen op de pagina.",
        "Go back and use the buttons on the page.",
    ),
    "err_title_409": ("Al verstuurd", "Already submitted"),
    "err_text_409": (
        "Deze vragenlijst is al verstuurd met andere antwoorden. De antwoorden "
        "die het eerst zijn verstuurd, zijn bewaard.",
        "This survey was already submitted with other answers. The answers that "
        "were submitted first have been kept.",
    ),
    "err_title_410": ("Deze link is niet meer geldig", "This link is no longer valid"),
    "err_text_410": (
        "Deze vragenlijst kan via deze link niet meer worden ingevuld.",
        "This survey can no longer be filled in through this link.",
    ),
    "err_title_413": ("Uw antwoord is te groot", "Your answer is too large"),
    "err_text_413": (
        "Maak uw antwoord korter en probeer het opnieuw. Uw antwoorden op "
        "eerdere pagina's zijn bewaard.",
        "Make your answer shorter and try again. Your answers on earlier pages are kept.",
    ),
    "err_title_429": ("Te veel verzoeken", "Too many requests"),
    "err_text_429": (
        "Wacht een minuut en probeer het dan opnieuw. Uw antwoorden op eerdere "
        "pagina's zijn bewaard.",
        "Wait a minute and try again. Your answers on earlier pages are kept.",
    ),
    "err_title_500": ("Er ging iets mis aan onze kant", "Something went wrong on our side"),
    "err_text_500": (
        "Uw antwoorden op eerdere pagina's zijn bewaard. Probeer het over een "
        "paar minuten opnieuw.",
        "Your answers on earlier pages are kept. Please try again in a few minutes.",
    ),
    "err_csrf": (
        "Uw sessie was verlopen. Ga terug, laad de pagina opnieuw en probeer het nog eens.",
        "Your session had expired. Go back, reload the page and try again.",
    ),
    "err_token_unknown": (
        "Deze link kennen we niet. Controleer of u de hele link uit de uitnodiging heeft gebruikt.",
        "We do not know this link. Check that you used the whole link from the invitation.",
    ),
    "err_token_expired": (
        "Deze uitnodiging is verlopen. Neem contact op met de afzender als u toch wilt meedoen.",
        "This invitation has expired. Contact the sender if you would still like to take part.",
    ),
    "err_completed": (
        "U heeft deze vragenlijst al ingevuld en verstuurd. Dank u wel!",
        "You have already completed and submitted this survey. Thank you!",
    ),
    "err_closed": ("Deze vragenlijst is gesloten.", "This survey is closed."),
    "err_erased": (
        "Uw antwoorden zijn op uw verzoek verwijderd. Via deze link kunt u niets "
        "meer invullen of inzien.",
        "Your answers were deleted at your request. This link can no longer be "
        "used to answer or to see them.",
    ),
    "err_not_open": (
        "Deze vragenlijst is (nog) niet beschikbaar.",
        "This survey is not available (yet).",
    ),
    "continue_link": ("Verdergaan met de vragenlijst", "Continue with the survey"),
}


# The informal Dutch ("je") of every string above that addresses the participant.
INFORMAL_NL: dict[str, str] = {
    "consent_heading": "Voordat je begint",
    "privacy_generic": (
        "Je antwoorden worden vertrouwelijk verwerkt en alleen gebruikt om de resultaten "
        "van het programma te onderzoeken. We slaan geen IP-adres op. Resultaten tonen we "
        "alleen voor groepen van ten minste tien deelnemers, zodat niemand herkenbaar is. "
        "Meedoen is vrijwillig en je kunt op elk moment stoppen."
    ),
    "consent_resume_invitation": (
        "Je antwoorden worden na elke pagina bewaard. Je kunt stoppen en later verdergaan "
        "met de link uit je uitnodiging."
    ),
    "consent_resume_open": (
        "Je antwoorden worden na elke pagina bewaard. Op elke pagina staat een link "
        "waarmee je later verder kunt gaan."
    ),
    "resume_open": (
        "Je antwoorden tot en met de vorige pagina zijn bewaard. Bewaar deze link om later "
        "verder te gaan (deel hem met niemand):"
    ),
    "resume_invitation": (
        "Je antwoorden tot en met de vorige pagina zijn bewaard. Je kunt later verdergaan "
        "met de link uit je uitnodiging."
    ),
    "csrf_expired": (
        "Je sessie was verlopen, daarom is deze pagina nog niet opgeslagen. Je antwoorden "
        "op eerdere pagina's zijn bewaard. Controleer de antwoorden hieronder en klik "
        "nogmaals op de knop."
    ),
    "tampered": (
        "Het formulier bevatte gegevens die niet bij deze pagina horen. Er is niets "
        "opgeslagen; controleer je antwoorden en probeer het opnieuw."
    ),
    "stale_form": "Deze pagina was verouderd. Controleer je antwoorden en verstuur opnieuw.",
    "err_other_unchosen": "Kies ook ‘Anders’ als je hier iets invult",
    "confirm_text": (
        "Je hebt alle vragen beantwoord. Na het versturen kun je je antwoorden niet meer wijzigen."
    ),
    "done_text": "Je antwoorden zijn verstuurd en opgeslagen. Je kunt dit venster sluiten.",
    "err_title_400": "Er ging iets mis met je verzoek",
    "err_text_403": "Je hebt geen toegang tot deze pagina.",
    "err_text_404": (
        "Controleer de link. Kreeg je een uitnodiging? Gebruik dan de hele link "
        "uit die uitnodiging."
    ),
    "err_title_413": "Je antwoord is te groot",
    "err_text_413": (
        "Maak je antwoord korter en probeer het opnieuw. Je antwoorden op "
        "eerdere pagina's zijn bewaard."
    ),
    "err_text_429": (
        "Wacht een minuut en probeer het dan opnieuw. Je antwoorden op eerdere "
        "pagina's zijn bewaard."
    ),
    "err_text_500": (
        "Je antwoorden op eerdere pagina's zijn bewaard. Probeer het over een paar minuten opnieuw."
    ),
    "err_csrf": "Je sessie was verlopen. Ga terug, laad de pagina opnieuw en probeer het nog eens.",
    "err_token_unknown": (
        "Deze link kennen we niet. Controleer of je de hele link uit de uitnodiging hebt gebruikt."
    ),
    "err_token_expired": (
        "Deze uitnodiging is verlopen. Neem contact op met de afzender als je toch wilt meedoen."
    ),
    "err_completed": "Je hebt deze vragenlijst al ingevuld en verstuurd. Dank je wel!",
    "err_erased": (
        "Je antwoorden zijn op jouw verzoek verwijderd. Via deze link kun je niets "
        "meer invullen of inzien."
    ),
}
