"""Texts of the demo's peer reviews: per theme, self evaluations and panel findings, each
finding with the passages a researcher would code (an empty passage: the whole answer).

Written after the kinds of findings Katapult's annual reports describe; one finding names a
contact person with an e-mail address and a phone number, as real findings sometimes do,
so the demo shows them scrubbed from quotes.
"""

from __future__ import annotations

Finding = tuple[str, list[tuple[str, list[str]]]]

# Katapult's peer review of a pps.
SELF: dict[str, list[str]] = {
    "visie": [
        "Onze ambitie is dat elke student in de regio met moderne techniek werkt. De partners "
        "hebben die ambitie samen opgeschreven.",
        "De visie is in 2023 bijgesteld; niet alle partners kennen de nieuwe versie al.",
    ],
    "samenwerking": [
        "We werken met een vaste groep bedrijven; nieuwe mkb-bedrijven vinden is lastig.",
        "Gemeente en provincie zitten aan tafel en dragen bij aan de huisvesting.",
    ],
    "onderwijs": [
        "Er zijn twee nieuwe keuzedelen en een minor ontwikkeld met de bedrijven.",
        "Docenten lopen stage bij de partners; het LLO-aanbod staat nog in de kinderschoenen.",
    ],
    "borging": [
        "De financiering na afloop van de subsidie is nog niet rond.",
        "De pps is opgenomen in de meerjarenbegroting van de school.",
    ],
    "leren": [
        "We houden bij hoeveel studenten meedoen, maar weten weinig over wat het hen oplevert.",
        "Elk half jaar bespreken we de cijfers van de impactmeting met de partners.",
    ],
}

FINDINGS: dict[str, list[Finding]] = {
    "visie": [
        (
            "Het panel ziet een heldere, gedeelde ambitie. Partners noemen dezelfde doelen.",
            [("", ["visie_gedeeld"])],
        ),
        (
            "De ambitie is breed en versnipperd over veel projecten. Kies wat de pps wel en "
            "niet doet.",
            [("", ["visie_onduidelijk"])],
        ),
    ],
    "samenwerking": [
        (
            "Het mkb doet actief mee: kleine bedrijven leveren opdrachten en gastdocenten. De pps "
            "hangt wel af van twee trekkers; als zij vertrekken valt veel stil.",
            [
                ("Het mkb doet actief mee", ["mkb_betrokken"]),
                ("De pps hangt wel af van twee trekkers", ["partners_afhankelijk"]),
            ],
        ),
        (
            "De gemeente is een actieve partner. Contactpersoon mevrouw De Graaf "
            "(m.degraaf@voorbeeld.nl, 06-12345678) houdt de lijnen kort met de bedrijven.",
            [("", ["overheid_regio", "partners_afhankelijk"])],
        ),
        (
            "Grote bedrijven zijn goed vertegenwoordigd; het mkb haakt af door gebrek aan tijd.",
            [("het mkb haakt af door gebrek aan tijd", ["mkb_betrokken"])],
        ),
    ],
    "onderwijs": [
        (
            "Het curriculum is vernieuwd met echte opdrachten uit de bedrijven. Docenten "
            "professionaliseren zich via stages bij de partners.",
            [
                ("Het curriculum is vernieuwd", ["curriculum_vernieuwd"]),
                ("Docenten professionaliseren zich", ["docentprofessionalisering"]),
            ],
        ),
        (
            "Het LLO-aanbod groeit: drie korte cursussen voor werkenden in 2025.",
            [("", ["llo_aanbod"])],
        ),
    ],
    "borging": [
        (
            "Na 2027 is de financiering onzeker; de partners hebben nog geen afspraken over hun "
            "bijdrage.",
            [("", ["financiering_onzeker"])],
        ),
        (
            "De pps is structureel ingebed: een vaste coördinator en een plek in de begroting.",
            [("", ["structureel_ingebed"])],
        ),
    ],
    "leren": [
        (
            "De pps gebruikt de cijfers van de impactmeting om het aanbod bij te sturen.",
            [("", ["data_gebruikt"])],
        ),
        (
            "Resultaten voor studenten zijn niet in beeld; tel niet alleen deelnemers.",
            [("", ["resultaten_onbekend"])],
        ),
    ],
}

ACTIONS: list[tuple[str, str, str]] = [
    ("Afspraken over financiering na 2027 vastleggen", "borging", "bestuurder"),
    ("Drie nieuwe mkb-partners werven", "samenwerking", "projectleider"),
    ("Een tweede trekker inwerken", "samenwerking", "coördinator"),
    ("Resultaten voor studenten jaarlijks meten", "leren", "onderzoeker"),
    ("De visie met alle partners herijken", "visie", "stuurgroep"),
    ("Een LLO-cursus met de partners ontwikkelen", "onderwijs", "opleidingsmanager"),
]

# Techkwadraat's regional reflection meeting.
TK_SELF: dict[str, list[str]] = {
    "doelen": [
        "Het aantal leerlingen dat techniek kiest stijgt licht; het doel voor 2027 is nog ver.",
        "We liggen op koers bij de basisscholen, minder in het voortgezet onderwijs.",
    ],
    "netwerk": [
        "Het regionale netwerk draait op een kleine groep enthousiaste scholen en bedrijven.",
        "Gemeenten en bedrijven hebben een convenant getekend met de scholen.",
    ],
    "onderwijs": [
        "Techniek staat op het rooster van de meeste scholen, maar vaak als los project.",
        "Leraren willen meer techniek geven, maar missen tijd en materiaal.",
    ],
    "gegevens": [
        "We kijken jaarlijks naar de DUO-cijfers over profielkeuze in de regio.",
        "We hebben weinig zicht op wat leerlingen na de basisschool kiezen.",
    ],
}

TK_FINDINGS: dict[str, list[Finding]] = {
    "doelen": [
        ("De regio ligt op koers: de instroom in techniekprofielen groeit.", [("", ["op_koers"])]),
        (
            "De regio loopt achter op de doelen; de groei blijft beperkt tot twee scholen.",
            [("De regio loopt achter op de doelen", ["achterstand"])],
        ),
    ],
    "netwerk": [
        (
            "Bedrijven zijn zichtbaar op de scholen: gastlessen en bedrijfsbezoeken zijn vast. "
            "Het netwerk hangt wel af van de regiocoördinator.",
            [
                ("Bedrijven zijn zichtbaar op de scholen", ["bedrijven_betrokken"]),
                ("Het netwerk hangt wel af van de regiocoördinator", ["netwerk_kwetsbaar"]),
            ],
        ),
        (
            "Het netwerk is kwetsbaar: na het vertrek van dhr. Jansen is de trekker weg.",
            [("", ["netwerk_kwetsbaar"])],
        ),
    ],
    "onderwijs": [
        (
            "Techniek is structureel in de lessen opgenomen, met een doorlopende leerlijn.",
            [("", ["lessen_structureel"])],
        ),
        (
            "Leraren hebben te weinig tijd om techniek voor te bereiden.",
            [("", ["leraren_tijd"])],
        ),
    ],
    "gegevens": [
        (
            "De regio gebruikt DUO- en CBS-cijfers om de scholen te kiezen waar het meeste te "
            "winnen is.",
            [("", ["duo_cbs_gebruikt"])],
        ),
        (
            "Gegevens over de keuzes van leerlingen ontbreken; vraag ze bij DUO op.",
            [("", ["gegevens_ontbreken"])],
        ),
    ],
}

TK_ACTIONS: list[tuple[str, str, str]] = [
    ("Een tweede regiocoördinator aanstellen", "netwerk", "regiobestuur"),
    ("DUO-cijfers over profielkeuze per school opvragen", "gegevens", "onderzoeker"),
    ("Lesmateriaal techniek delen tussen scholen", "onderwijs", "coördinator"),
    ("Streefcijfers per school afspreken", "doelen", "regiobestuur"),
]
