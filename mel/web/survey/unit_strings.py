"""Participant strings (Dutch, English) for open links and the unit a response belongs to."""

UNIT_STRINGS: dict[str, tuple[str, str]] = {
    # The open link's unit choice (templates/survey/unit_choice.html)
    "unit_heading_unit": (
        "Voor welke {kind} vult u deze vragenlijst in?",
        "For which {kind} are you filling in this questionnaire?",
    ),
    "unit_heading_person": (
        "Bij welke {kind} hoort uw antwoord?",
        "Which {kind} does your answer belong to?",
    ),
    "unit_intro": (
        "Uw antwoorden worden gekoppeld aan de {kind} die u kiest.",
        "Your answers are linked to the {kind} you choose.",
    ),
    "unit_search": ("Zoek op naam of plaats", "Search by name or place"),
    "unit_search_button": ("Zoeken", "Search"),
    "unit_search_all": ("Toon alle", "Show all"),
    "unit_search_none": (
        "Geen {kind} gevonden met '{q}'. Probeer een ander deel van de naam.",
        "No {kind} found with '{q}'. Try another part of the name.",
    ),
    "unit_search_found": ("{n} gevonden", "{n} found"),
    "unit_continue": ("Verder", "Continue"),
    "unit_required": ("Kies een {kind}", "Choose a {kind}"),
    "unit_chosen": (
        "U vult deze vragenlijst in voor: {unit}.",
        "You are filling in this questionnaire for: {unit}.",
    ),
    "unit_change": ("Een andere kiezen", "Choose another"),
    "kind_unit": ("eenheid", "unit"),
    "kind_pps": ("pps", "partnership"),
    "kind_werkplaats": ("werkplaats", "workshop"),
    "kind_school": ("school", "school"),
    "kind_consortium": ("samenwerkingsverband", "consortium"),
    # A unit that has already answered a unit-level survey (templates/survey/unit_answered.html)
    "unit_answered_title": ("Al ingevuld voor deze {kind}", "Already completed for this {kind}"),
    "unit_answered_text": (
        "Voor {unit} is deze vragenlijst in deze meting al ingevuld en verstuurd. Per {kind} "
        "telt één ingevulde vragenlijst.",
        "This questionnaire has already been completed and submitted for {unit} in this "
        "round. One questionnaire counts per {kind}.",
    ),
    "unit_answered_kept": (
        "Uw eigen antwoorden zijn bewaard, maar tellen niet mee. U kunt dit venster sluiten.",
        "Your own answers have been kept, but are not counted. You can close this window.",
    ),
    "unit_answered_contact": (
        "Klopt dit niet, of wilt u iets aanvullen? Neem dan contact op met {programme} of "
        "met wie u de link stuurde.",
        "Is this not right, or would you like to add something? Then contact {programme} "
        "or whoever sent you the link.",
    ),
    # Open links that cannot be used
    "err_open_link_off": (
        "Deze vragenlijst is alleen in te vullen via een persoonlijke uitnodiging. Gebruik "
        "de link uit uw uitnodiging.",
        "This questionnaire can only be filled in through a personal invitation. Use the "
        "link in your invitation.",
    ),
    "err_open_link_needs_unit": (
        "Antwoorden op deze vragenlijst horen bij een organisatie, en deze link vraagt niet "
        "naar welke. Gebruik de link uit uw uitnodiging, of neem contact op met de afzender.",
        "Answers to this questionnaire belong to an organisation, and this link does not "
        "ask which. Use the link in your invitation, or contact the sender.",
    ),
}
