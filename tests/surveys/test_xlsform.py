"""The XLSForm importer: a realistic form, each expression form, each thing left out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from mel.surveys.loader import load_instrument
from mel.surveys.xlsform.convert import XlsformResult, convert_xlsform
from mel.surveys.yamlfile import FileProblems, Problem

NL, EN = "Nederlands (nl)", "English (en)"
HEAD = [
    "type",
    "name",
    f"label::{NL}",
    f"label::{EN}",
    f"hint::{NL}",
    f"hint::{EN}",
    "required",
    "relevant",
    "constraint",
    f"constraint_message::{NL}",
    f"constraint_message::{EN}",
    "appearance",
    "parameters",
    "calculation",
]
CHOICES = [
    ["list_name", "name", f"label::{NL}", f"label::{EN}"],
    ["ja_nee", "ja", "Ja", "Yes"],
    ["ja_nee", "nee", "Nee", "No"],
    ["onderwerp", "ai", "Kunstmatige intelligentie", "Artificial intelligence"],
    ["onderwerp", "cyber", "Cyberveiligheid", "Cyber security"],
    ["onderwerp", "data", "Data", "Data"],
    ["eens", "1", "Helemaal oneens", "Strongly disagree"],
    ["eens", "2", "Oneens", "Disagree"],
    ["eens", "3", "Neutraal", "Neutral"],
    ["eens", "4", "Eens", "Agree"],
    ["eens", "5", "Helemaal eens", "Strongly agree"],
]
SETTINGS = [
    ["form_title", "form_id", "version", "default_language"],
    ["Impactmonitor digitale werkplaatsen", "DW_Impact_2025", 3, NL],
]


def write_form(
    path: Path,
    survey: list[list[Any]],
    choices: list[list[Any]] | None = None,
    settings: list[list[Any]] | None = None,
) -> Path:
    """Write an XLSForm with the given sheets (first row of each: the headers)."""
    book = openpyxl.Workbook()
    book.active.title = "survey"
    for name, rows in (("survey", survey), ("choices", choices), ("settings", settings)):
        if rows is not None:
            sheet = book["survey"] if name == "survey" else book.create_sheet(name)
            for row in rows:
                sheet.append(row)
    book.save(path)
    return path


def row(kind: str, name: str = "", nl: str = "", en: str = "", **cells: Any) -> list[Any]:
    """Build one survey row in HEAD's column order."""
    values = {
        "type": kind,
        "name": name,
        f"label::{NL}": nl,
        f"label::{EN}": en,
        **{
            {
                "hint_nl": f"hint::{NL}",
                "hint_en": f"hint::{EN}",
                "msg_nl": f"constraint_message::{NL}",
                "msg_en": f"constraint_message::{EN}",
            }.get(k, k): v
            for k, v in cells.items()
        },
    }
    assert set(values) <= set(HEAD), set(values) - set(HEAD)
    return [values.get(column) or None for column in HEAD]


IMPACT = [
    HEAD,
    row("start", "start"),
    row("begin group", "deelname", "Uw deelname", "Your participation", appearance="field-list"),
    row(
        "select_one ja_nee",
        "Bezocht",
        "Heeft u de werkplaats bezocht?",
        "Did you visit the workshop?",
        required="yes",
    ),
    row(
        "integer",
        "aantal_medewerkers",
        "Hoeveel medewerkers namen deel?",
        "How many employees took part?",
        hint_nl="Tel uzelf mee.",
        hint_en="Count yourself.",
        constraint=". >= 1 and . <= 500",
        msg_nl="Tussen 1 en 500.",
        msg_en="Between 1 and 500.",
    ),
    row("end group"),
    row(
        "range",
        "cijfer",
        "Welk cijfer geeft u de werkplaats?",
        "Which mark do you give the workshop?",
        required="TRUE()",
        relevant="${Bezocht} = 'ja'",
        parameters="start=1 end=10 step=1",
    ),
    row(
        "select_multiple onderwerp",
        "onderwerpen",
        "Welke onderwerpen kwamen aan bod?",
        "Which topics were covered?",
        hint_nl="Kies er hoogstens drie.",
        hint_en="Choose at most three.",
        constraint="count-selected(.) <= 3",
        msg_nl="Hoogstens drie.",
        msg_en="At most three.",
    ),
    row(
        "begin group",
        "stellingen",
        "Stellingen",
        "Statements",
        appearance="field-list",
        relevant="selected(${onderwerpen}, 'cyber')",
    ),
    row("select_one eens", "stelling_kop", appearance="label"),
    row(
        "select_one eens",
        "beter_beveiligd",
        "Wij zijn nu beter beveiligd.",
        "We are better protected now.",
        required="yes",
        appearance="list-nolabel",
    ),
    row(
        "select_one eens",
        "weet_wat_te_doen",
        "Wij weten wat te doen bij een incident.",
        "We know what to do in an incident.",
        required="yes",
        appearance="list-nolabel",
    ),
    row("end group"),
    row(
        "text",
        "toelichting",
        "Wat kan beter?",
        "What could be better?",
        appearance="multiline",
        constraint="string-length(.) <= 500",
        msg_nl="Hoogstens 500 tekens.",
        msg_en="At most 500 characters.",
    ),
    row("calculate", "score", calculation="${cijfer} * 10"),
    row("note", "bedankt", "Bedankt voor uw deelname!", "Thank you for taking part!"),
]


EXPECTED_IMPACT = {
    "instrument": "dw-impact-2025",
    "programme": "digitale-werkplaatsen",
    "version": 3,
    "title": {"nl": "Impactmonitor digitale werkplaatsen"},
    "choices": {
        "ja_nee": [
            {"value": "ja", "label": {"nl": "Ja", "en": "Yes"}},
            {"value": "nee", "label": {"nl": "Nee", "en": "No"}},
        ],
        "onderwerp": [
            {
                "value": "ai",
                "label": {"nl": "Kunstmatige intelligentie", "en": "Artificial intelligence"},
            },
            {"value": "cyber", "label": {"nl": "Cyberveiligheid", "en": "Cyber security"}},
            {"value": "data", "label": {"nl": "Data", "en": "Data"}},
        ],
        "eens": [
            {"value": str(i), "label": {"nl": nl, "en": en}}
            for i, (nl, en) in enumerate(
                [
                    ("Helemaal oneens", "Strongly disagree"),
                    ("Oneens", "Disagree"),
                    ("Neutraal", "Neutral"),
                    ("Eens", "Agree"),
                    ("Helemaal eens", "Strongly agree"),
                ],
                start=1,
            )
        ],
    },
    "pages": [
        {
            "name": "deelname",
            "title": {"nl": "Uw deelname", "en": "Your participation"},
            "questions": [
                {
                    "name": "bezocht",
                    "type": "select_one",
                    "label": {
                        "nl": "Heeft u de werkplaats bezocht?",
                        "en": "Did you visit the workshop?",
                    },
                    "required": True,
                    "choices": "ja_nee",
                },
                {
                    "name": "aantal_medewerkers",
                    "type": "integer",
                    "label": {
                        "nl": "Hoeveel medewerkers namen deel?",
                        "en": "How many employees took part?",
                    },
                    "hint": {"nl": "Tel uzelf mee.", "en": "Count yourself."},
                    "constraint": {
                        "min": 1,
                        "max": 500,
                        "message": {"nl": "Tussen 1 en 500.", "en": "Between 1 and 500."},
                    },
                },
            ],
        },
        {
            "name": "page_2",
            "questions": [
                {
                    "name": "cijfer",
                    "type": "range",
                    "label": {
                        "nl": "Welk cijfer geeft u de werkplaats?",
                        "en": "Which mark do you give the workshop?",
                    },
                    "required": True,
                    "relevant": {"question": "bezocht", "equals": "ja"},
                    "min": 1,
                    "max": 10,
                },
                {
                    "name": "onderwerpen",
                    "type": "select_multiple",
                    "label": {
                        "nl": "Welke onderwerpen kwamen aan bod?",
                        "en": "Which topics were covered?",
                    },
                    "hint": {"nl": "Kies er hoogstens drie.", "en": "Choose at most three."},
                    "constraint": {
                        "max_selected": 3,
                        "message": {"nl": "Hoogstens drie.", "en": "At most three."},
                    },
                    "choices": "onderwerp",
                },
            ],
        },
        {
            "name": "stellingen",
            "title": {"nl": "Stellingen", "en": "Statements"},
            "relevant": {"question": "onderwerpen", "selected": "cyber"},
            "questions": [
                {
                    "name": "stelling_kop",
                    "type": "likert",
                    "label": {"nl": "Stellingen", "en": "Statements"},
                    "required": True,
                    "choices": "eens",
                    "statements": [
                        {
                            "name": "beter_beveiligd",
                            "label": {
                                "nl": "Wij zijn nu beter beveiligd.",
                                "en": "We are better protected now.",
                            },
                        },
                        {
                            "name": "weet_wat_te_doen",
                            "label": {
                                "nl": "Wij weten wat te doen bij een incident.",
                                "en": "We know what to do in an incident.",
                            },
                        },
                    ],
                },
            ],
        },
        {
            "name": "page_4",
            "questions": [
                {
                    "name": "toelichting",
                    "type": "text",
                    "label": {"nl": "Wat kan beter?", "en": "What could be better?"},
                    "constraint": {
                        "max_length": 500,
                        "message": {"nl": "Hoogstens 500 tekens.", "en": "At most 500 characters."},
                    },
                    "multiline": True,
                },
                {
                    "name": "score",
                    "type": "calculate",
                    "label": {"nl": "score"},
                    "calculation": "${cijfer} * 10",
                },
                {
                    "name": "bedankt",
                    "type": "note",
                    "label": {
                        "nl": "Bedankt voor uw deelname!",
                        "en": "Thank you for taking part!",
                    },
                },
            ],
        },
    ],
}


def convert(
    tmp_path: Path,
    survey: list[list[Any]],
    choices: list[list[Any]] | None = CHOICES,
    settings: list[list[Any]] | None = SETTINGS,
    **options: Any,
) -> XlsformResult:
    path = write_form(tmp_path / "form.xlsx", survey, choices, settings)
    defaults = {"programme": "digitale-werkplaatsen", "instrument": "dw-impact-2025"}
    return convert_xlsform(path, **{**defaults, **options})


def loads(tmp_path: Path, result: XlsformResult):
    """Write the result as YAML and load it with mel's own loader."""
    path = tmp_path / "converted.yaml"
    path.write_text(result.to_yaml(), encoding="utf-8")
    return load_instrument(path)


def problems(result: XlsformResult) -> list[tuple[str, str]]:
    return [(p.location, p.message) for p in result.unconverted]


def test_impact_monitor_converts_and_loads(tmp_path: Path) -> None:
    result = convert(tmp_path, IMPACT, instrument=None)
    assert result.definition == EXPECTED_IMPACT
    assert problems(result) == [
        ("survey row 2", "start 'start' not converted: type 'start' has no mel equivalent"),
        ("settings", "instrument code 'DW_Impact_2025' written as 'dw-impact-2025'"),
    ]
    assert all(p.file == str(tmp_path / "form.xlsx") for p in result.unconverted)
    survey = loads(tmp_path, result)
    assert survey.columns() == [
        "bezocht",
        "aantal_medewerkers",
        "cijfer",
        "onderwerpen",
        "stelling_kop__beter_beveiligd",
        "stelling_kop__weet_wat_te_doen",
        "toelichting",
        "score",
    ]


def test_yaml_keeps_key_order_and_unicode(tmp_path: Path) -> None:
    survey = [HEAD, row("text", "Één", "Wat is één plus één?", "What is one plus one?")]
    result = convert(tmp_path, survey)
    text = result.to_yaml()
    assert [line.split(":")[0] for line in text.splitlines() if line[0].isalpha()] == [
        "instrument",
        "programme",
        "version",
        "title",
        "choices",
        "pages",
    ]
    assert "Wat is één plus één?" in text
    assert yaml.safe_load(text) == result.definition
    assert result.definition["pages"][0]["questions"][0]["name"] == "een"
    assert ("survey row 2", "name 'Één' renamed to 'een'") in problems(result)


# A first page of questions to refer to, then a group whose one question carries the rule.
EARLIER = [
    HEAD,
    row("integer", "leeftijd", "Leeftijd", "Age"),
    row("select_one ja_nee", "klant", "Klant?", "Customer?"),
    row("select_multiple onderwerp", "thema", "Thema's", "Themes"),
    row("text", "naam", "Naam", "Name"),
    row("note", "uitleg", "Uitleg", "Explanation"),
    row("calculate", "dubbel", calculation="${leeftijd} * 2"),
]


def with_relevant(tmp_path: Path, expression: str) -> XlsformResult:
    return convert(
        tmp_path,
        [
            *EARLIER,
            row("begin group", "vervolg", "Vervolg"),
            row("text", "vraag", "Vraag", relevant=expression),
            row("end group"),
        ],
    )


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("${klant} = 'ja'", {"question": "klant", "equals": "ja"}),
        ("${klant} != 'ja'", {"question": "klant", "not_equals": "ja"}),
        ('${naam} = "Piet"', {"question": "naam", "equals": "Piet"}),
        ("${leeftijd} > 3", {"question": "leeftijd", "gt": 3}),
        ("${leeftijd} >= 18", {"question": "leeftijd", "ge": 18}),
        ("${leeftijd} < 65.5", {"question": "leeftijd", "lt": 65.5}),
        ("${leeftijd} <= '-1'", {"question": "leeftijd", "le": -1}),
        ("18 <= ${leeftijd}", {"question": "leeftijd", "ge": 18}),
        ("${leeftijd} = 40", {"question": "leeftijd", "equals": 40}),
        ("${leeftijd} > -5", {"question": "leeftijd", "gt": -5}),
        ("-2.5 < ${leeftijd}", {"question": "leeftijd", "gt": -2.5}),
        ("selected(' ja  nee ', ${klant})", {"question": "klant", "in": ["ja", "nee"]}),
        ("selected(${thema}, 'ai')", {"question": "thema", "selected": "ai"}),
        ("selected(${klant}, 'nee')", {"question": "klant", "equals": "nee"}),
        ("not(selected(${thema}, 'ai'))", {"not": {"question": "thema", "selected": "ai"}}),
        ("${naam} != ''", {"question": "naam", "answered": True}),
        ("${leeftijd} = ''", {"question": "leeftijd", "answered": False}),
        (
            "${klant} = 'ja' and ${leeftijd} > 17 and ${naam} != ''",
            {
                "all": [
                    {"question": "klant", "equals": "ja"},
                    {"question": "leeftijd", "gt": 17},
                    {"question": "naam", "answered": True},
                ]
            },
        ),
        (
            "${klant} = 'ja' or (selected(${thema}, 'data') and not(${leeftijd} < 18))",
            {
                "any": [
                    {"question": "klant", "equals": "ja"},
                    {
                        "all": [
                            {"question": "thema", "selected": "data"},
                            {"not": {"question": "leeftijd", "lt": 18}},
                        ]
                    },
                ]
            },
        ),
        (
            "(${klant} = 'ja' or ${klant} = 'nee') or ${naam} = 'x'",
            {
                "any": [
                    {"question": "klant", "equals": "ja"},
                    {"question": "klant", "equals": "nee"},
                    {"question": "naam", "equals": "x"},
                ]
            },
        ),
    ],
)
def test_relevant_expressions(tmp_path: Path, expression: str, expected: dict) -> None:
    result = with_relevant(tmp_path, expression)
    question = result.definition["pages"][-1]["questions"][0]
    assert question["relevant"] == expected
    assert problems(result) == []
    assert loads(tmp_path, result).question("vraag").relevant is not None


@pytest.mark.parametrize(
    "expression",
    [
        "${leeftijd} + 1 > 3",
        "today() > ${leeftijd}",
        "string-length(${naam}) > 3",
        "${klant} = 'misschien'",
        "${thema} = 'ai'",
        "${naam} > 3",
        "${leeftijd} = 'oud'",
        "${dubbel} > 10",
        "${klant}",
        "count-selected(${thema}) > 1",
    ],
)
def test_relevant_outside_mels_conditions_is_kept_as_an_expression(
    tmp_path: Path, expression: str
) -> None:
    result = with_relevant(tmp_path, expression)
    assert result.definition["pages"][-1]["questions"][0]["relevant"] == expression
    assert problems(result) == []
    assert str(loads(tmp_path, result).question("vraag").relevant) == expression


OUTSIDE = "outside mel's expressions: "


def test_an_error_names_the_column_of_the_cell_before_renaming(tmp_path: Path) -> None:
    result = convert(
        tmp_path,
        [
            HEAD,
            row("integer", "Region", "Regio"),
            row("begin group", "vervolg", "Vervolg"),
            row("text", "vraag", "Vraag", relevant="${Region} > 1 and (${Region} <"),
            row("end group"),
        ],
    )
    reason = OUTSIDE + "expected a value, found the end (column 31)"
    relevant = "${Region} > 1 and (${Region} <"
    assert (
        "survey row 4",
        f"relevant {relevant!r} not converted ({reason}); always shown",
    ) in problems(result)


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("${onbekend} = 'x'", "${onbekend} is no earlier question"),
        ("${vraag} = 'x'", "${vraag} is no earlier question"),
        ("${uitleg} = 'x'", "${uitleg} is a note"),
        ("${klant} =", OUTSIDE + "expected a value, found the end (column 11)"),
        ("(${klant} = 'ja'", OUTSIDE + "expected a closing ), found the end (column 17)"),
        (
            "/data/klant = 'ja'",
            OUTSIDE + "paths are not supported: write a question as ${name} (column 1)",
        ),
        (
            "jr:choice-name(${klant}, '${klant}') = 'Ja'",
            OUTSIDE + "unknown function jr:choice-name() (column 1)",
        ),
        (
            "format-date(${leeftijd}, '%Y') = '2020'",
            OUTSIDE + "unknown function format-date() (column 1)",
        ),
        ("once(${leeftijd}) > 1", OUTSIDE + "unknown function once() (column 1)"),
    ],
)
def test_relevant_that_cannot_be_converted_is_listed(
    tmp_path: Path, expression: str, reason: str
) -> None:
    result = with_relevant(tmp_path, expression)
    assert "relevant" not in result.definition["pages"][-1]["questions"][0]
    assert problems(result) == [
        ("survey row 9", f"relevant {expression!r} not converted ({reason}); always shown")
    ]
    loads(tmp_path, result)


def with_constraint(tmp_path: Path, kind: str, expression: str) -> XlsformResult:
    return convert(
        tmp_path,
        [
            HEAD,
            row(
                kind,
                "antwoord",
                "Antwoord",
                constraint=expression,
                msg_nl="Ongeldig",
                msg_en="Invalid",
            ),
        ],
    )


@pytest.mark.parametrize(
    ("kind", "expression", "expected"),
    [
        ("integer", ". >= 0 and . <= 10", {"min": 0, "max": 10}),
        ("integer", ". > 0 and . < 11", {"min": 1, "max": 10}),
        ("integer", "0 <= . and 10 >= .", {"min": 0, "max": 10}),
        ("decimal", ". >= 0.5 and (. <= 99.5)", {"min": 0.5, "max": 99.5}),
        ("decimal", ". >= -10", {"min": -10}),
        ("text", "string-length(.) <= 200", {"max_length": 200}),
        (
            "text",
            "string-length(.) > 1 and string-length(.) < 10",
            {"min_length": 2, "max_length": 9},
        ),
        ("text", "regex(., '^[0-9]{4}$')", {"regex": "^[0-9]{4}$"}),
        ("text", "regex(., '[0-9]')", {"regex": "(?s:.*)(?:[0-9])(?s:.*)"}),
        (
            "select_multiple thema",
            "count-selected(.) >= 1 and count-selected(.) <= 3",
            {"min_selected": 1, "max_selected": 3},
        ),
    ],
)
def test_constraint_expressions(tmp_path: Path, kind: str, expression: str, expected: dict) -> None:
    choices = [CHOICES[0], ["thema", "a", "A"], ["thema", "b", "B"]]
    result = convert(
        tmp_path,
        [
            HEAD,
            row(
                kind,
                "antwoord",
                "Antwoord",
                constraint=expression,
                msg_nl="Ongeldig",
                msg_en="Invalid",
            ),
        ],
        choices,
    )
    assert problems(result) == []
    question = result.definition["pages"][0]["questions"][0]
    assert question["constraint"] == {**expected, "message": {"nl": "Ongeldig", "en": "Invalid"}}
    loads(tmp_path, result)


@pytest.mark.parametrize(
    ("kind", "expression"),
    [
        ("integer", ". >= 0 or . = 99"),
        ("integer", ". * 2 < 10"),
        ("date", ". <= today()"),
        ("decimal", ". > 0"),
        ("text", ". >= 5"),
        ("integer", ". >= 1 and . >= 2"),
        ("integer", ". != 5"),
    ],
)
def test_constraint_outside_mels_limits_is_kept_as_an_expression(
    tmp_path: Path, kind: str, expression: str
) -> None:
    result = with_constraint(tmp_path, kind, expression)
    question = result.definition["pages"][0]["questions"][0]
    message = {"nl": "Ongeldig", "en": "Invalid"}
    assert question["constraint"] == {"expression": expression, "message": message}
    assert problems(result) == []
    assert str(loads(tmp_path, result).question("antwoord").constraint.expression) == expression


@pytest.mark.parametrize(
    ("kind", "expression", "reason"),
    [
        ("integer", ". <= ${leeftijd}", "${leeftijd} is no earlier question"),
        ("integer", ". >= 0 and . <= ${max}", "${max} is no earlier question"),
        (
            "text",
            "regex(., '[0-9')",
            "the regex does not compile (unterminated character set at position 0)",
        ),
        (
            "integer",
            ". >= pulldata('a', 'b', 'c', 1)",
            OUTSIDE + "unknown function pulldata() (column 6)",
        ),
    ],
)
def test_constraint_that_cannot_be_converted_is_listed(
    tmp_path: Path, kind: str, expression: str, reason: str
) -> None:
    result = with_constraint(tmp_path, kind, expression)
    assert "constraint" not in result.definition["pages"][0]["questions"][0]
    assert problems(result) == [
        ("survey row 2", f"constraint {expression!r} not converted ({reason})")
    ]
    loads(tmp_path, result)


def test_everything_mel_cannot_hold_is_listed_by_sheet_and_row(tmp_path: Path) -> None:
    head = [*HEAD, "required_message", "default", "label::Klingon (tlh)"]
    survey = [
        head,
        row("geopoint", "locatie", "Locatie"),  # 2
        row("image", "foto", "Foto"),
        row("select_one_from_file scholen.csv", "school", "School"),
        row("acknowledge", "akkoord", "Akkoord"),  # 5
        row("rank onderwerp", "volgorde", "Volgorde"),
        row("begin repeat", "kinderen", "Kinderen"),
        row("text", "kind_naam", "Naam kind"),
        row("begin group", "kind_extra", "Extra"),
        row("integer", "kind_leeftijd", "Leeftijd kind"),  # 10
        row("end group"),
        row("end repeat"),
        [*row("integer", "jaren", "Jaren", required="${foto} != ''"), "Verplicht!", "3", "Qaq"],
        row("select_one kleuren", "kleur", "Kleur"),
        row("range", "stappen", "Stappen", parameters="start=10 end=0 step=2"),  # 15
        row("text", "vrij", "Vrij", parameters="rows=3"),
        ["", "geen_type"],
        row("end group"),
        row("begin group", "open", "Open"),
        row("text", "laatste", "Laatste"),  # 20
    ]
    choices = [*CHOICES, ["onderwerp", "ai", "Nog eens AI"], ["onderwerp", "web"]]
    result = convert(tmp_path, survey, choices)
    assert problems(result) == [
        (
            "survey sheet row 1 column Q",
            "column 'label::Klingon (tlh)': language 'tlh' is not a two-letter ISO 639-1 code "
            "(write e.g. 'label::Türkçe (tr)'); not converted",
        ),
        ("choices row 12", "duplicate value 'ai' in list 'onderwerp'; skipped"),
        ("choices row 13", "no label; 'web' is used as label"),
        ("survey row 18", "'end group' without a matching begin; ignored"),
        ("survey row 19", "group 'open' has no end; closed at the end"),
        ("survey row 2", "geopoint 'locatie' not converted: type 'geopoint' has no mel equivalent"),
        ("survey row 3", "image 'foto' not converted: type 'image' has no mel equivalent"),
        (
            "survey row 4",
            "select_one_from_file scholen.csv 'school' not converted: type "
            "'select_one_from_file scholen.csv' has no mel equivalent",
        ),
        (
            "survey row 5",
            "acknowledge 'akkoord' not converted: type 'acknowledge' has no mel equivalent",
        ),
        (
            "survey row 6",
            "rank onderwerp 'volgorde' not converted: type 'rank onderwerp' has no mel equivalent",
        ),
        ("survey row 9", "group 'kind_extra' is flattened into repeat 'kinderen'"),
        (
            "survey row 13",
            "required \"${foto} != ''\" not converted (${foto} was not converted); "
            "the question is optional",
        ),
        ("survey row 13", "column 'default' ('3') not converted: mel has no default answers"),
        (
            "survey row 13",
            "column 'required_message' ('Verplicht!') not converted: "
            "mel has no messages for required questions",
        ),
        (
            "survey row 14",
            "select_one kleuren 'kleur' not converted: choice list 'kleuren' is "
            "not on the choices sheet",
        ),
        ("survey row 15", "range runs from 10 down to 0; written as 0–10"),
        ("survey row 16", "column 'parameters' ('rows=3') not converted"),
        ("survey row 17", "row 'geen_type' not converted: it has no type"),
    ]
    survey = loads(tmp_path, result)
    assert [q.name for q in survey.questions()] == [
        "kinderen",
        "jaren",
        "stappen",
        "vrij",
        "laatste",
    ]
    assert [q.name for q in survey.question("kinderen").questions] == ["kind_naam", "kind_leeftijd"]
    assert survey.question("stappen").steps() == [0, 2, 4, 6, 8, 10]
    assert survey.choices["onderwerp"][-1].label.nl == "web"


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (["label"], {"nl": "Naam"}),
        (["label::nl", "label::en"], {"nl": "Naam", "en": "Name"}),
        (["label::Dutch (nl)", "label::English (en)"], {"nl": "Naam", "en": "Name"}),
        (["label::Nederlands", "label::English"], {"nl": "Naam", "en": "Name"}),
        (["Label::NL", "LABEL::EN"], {"nl": "Naam", "en": "Name"}),
        (["label", "label::English (en)"], {"nl": "Naam", "en": "Name"}),
        (["label:Nederlands", "label:English"], {"nl": "Naam", "en": "Name"}),
    ],
)
def test_label_columns_in_every_spelling(
    tmp_path: Path, headers: list[str], expected: dict
) -> None:
    survey = [
        ["type", "name", *headers, "hint"],
        ["select_one jn", "naam", *["Naam", "Name"][: len(headers)], "Vul in"],
    ]
    choices = [["list_name", "name", *headers], ["jn", "j", *["Ja", "Yes"][: len(headers)]]]
    result = convert(tmp_path, survey, choices, None, language="nl")
    question = result.definition["pages"][0]["questions"][0]
    assert question["label"] == expected
    assert question["hint"] == {"nl": "Vul in"}
    assert result.definition["choices"]["jn"][0]["label"] == {
        "nl": "Ja",
        **({"en": "Yes"} if len(headers) == 2 else {}),
    }
    assert problems(result) == []
    loads(tmp_path, result)


def test_english_only_form_uses_english_as_dutch(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label::English (en)"],
        ["text", "naam", "Name"],
        ["text", "plaats", ""],
    ]
    result = convert(tmp_path, survey, None, None)
    questions = result.definition["pages"][0]["questions"]
    assert [q["label"] for q in questions] == [{"nl": "Name", "en": "Name"}, {"nl": "plaats"}]
    assert problems(result) == [
        ("survey sheet", "no Dutch (nl) label column; the English texts are used as nl"),
        ("survey row 3", "no label; 'plaats' is used as label"),
    ]


def test_missing_dutch_translation_is_listed(tmp_path: Path) -> None:
    result = convert(tmp_path, [HEAD, row("text", "a", "A", "A"), row("text", "b", "", "B")])
    assert result.definition["pages"][0]["questions"][1]["label"] == {"nl": "B", "en": "B"}
    assert problems(result) == [
        ("survey row 3", "label: no Dutch (nl) text; the English text is used")
    ]


def test_settings_and_defaults(tmp_path: Path) -> None:
    survey = [["type", "name", "label"], ["text", "naam", "Naam"]]
    settings = [["form_title", "version", "default_language"], ["Monitor", "1.2", "English"]]
    result = convert(tmp_path, survey, None, settings, instrument=None, programme=None)
    assert {k: v for k, v in result.definition.items() if k != "pages"} == {
        "instrument": "form",
        "programme": "unassigned",
        "version": 1,
        "title": {"nl": "Monitor"},
    }
    assert result.definition["pages"][0]["questions"][0]["label"] == {"nl": "Naam", "en": "Naam"}
    assert problems(result) == [
        ("survey sheet", "no Dutch (nl) label column; the English texts are used as nl"),
        ("settings", "no programme given; wrote 'unassigned' (use --programme)"),
        ("settings row 2", "version '1.2' is not a whole number ≥ 1; wrote 1"),
    ]
    loads(tmp_path, result)


def test_instrument_and_programme_options_win(tmp_path: Path) -> None:
    result = convert(
        tmp_path,
        [HEAD, row("text", "naam", "Naam")],
        instrument="Mijn Monitor",
        programme="katapult",
    )
    assert (result.definition["instrument"], result.definition["programme"]) == (
        "mijn-monitor",
        "katapult",
    )
    assert problems(result) == [
        ("settings", "instrument code 'Mijn Monitor' written as 'mijn-monitor'")
    ]


def test_names_are_made_to_fit(tmp_path: Path) -> None:
    survey = [
        HEAD,
        row("text", "Q1_Age", "Leeftijd"),
        row("text", "Q-2.Naam", "Naam"),
        row("text", "1e_keer", "Eerste keer"),
        row("text", "q1_age", "Nog eens"),
        row("text", "_intern", "Intern"),
        row("text", "vervolg", "Vervolg", relevant="${Q-2.Naam} != ''"),
    ]
    result = convert(tmp_path, survey)
    pages = result.definition["pages"]
    assert [q["name"] for page in pages for q in page["questions"]] == [
        "q1_age",
        "q_2_naam",
        "q_1e_keer",
        "q1_age_2",
        "intern",
        "vervolg",
    ]
    assert pages[1]["questions"][0]["relevant"] == {"question": "q_2_naam", "answered": True}
    assert problems(result) == [
        ("survey row 3", "name 'Q-2.Naam' renamed to 'q_2_naam'"),
        ("survey row 4", "name '1e_keer' renamed to 'q_1e_keer'"),
        ("survey row 5", "name 'q1_age' renamed to 'q1_age_2'"),
        ("survey row 6", "name '_intern' renamed to 'intern'"),
    ]
    loads(tmp_path, result)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"type,name\ntext,naam\n", "cannot read as a workbook"),
        (None, "cannot read as a workbook"),
    ],
)
def test_unreadable_file(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "form.xlsx"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(FileProblems) as info:
        convert_xlsform(path)
    [problem] = info.value.problems
    assert (problem.file, problem.location) == (str(path), "")
    assert problem.message.startswith(message)


@pytest.mark.parametrize(
    ("sheets", "expected"),
    [
        ({"Vragen": [["type", "name"]]}, Problem("F", "", "no 'survey' sheet (found: vragen)")),
        ({"survey": []}, Problem("F", "survey sheet", "no 'type' column in row 1")),
        (
            {"survey": [["name", "label"], ["naam", "Naam"]]},
            Problem("F", "survey sheet", "no 'type' column in row 1"),
        ),
        (
            {"survey": [["type", "label"], ["text", "Naam"]]},
            Problem("F", "survey sheet", "no 'name' column in row 1"),
        ),
        (
            {
                "survey": [["type", "name", "label::nl"], ["text", "a", "A"]],
                "choices": [["name", "label"]],
            },
            Problem("F", "choices sheet", "no 'list_name' column in row 1"),
        ),
        (
            {"survey": [["type", "name"], ["calculate", "a"]]},
            Problem("F", "survey sheet", "no question could be converted"),
        ),
    ],
)
def test_workbook_without_what_a_form_needs(
    tmp_path: Path, sheets: dict, expected: Problem
) -> None:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for values in rows:
            sheet.append(values)
    path = tmp_path / "F.xlsx"
    book.save(path)
    with pytest.raises(FileProblems) as info:
        convert_xlsform(path)
    assert info.value.problems[-1] == Problem(str(path), expected.location, expected.message)
    assert str(path) in str(info.value)


def matrix_group(appearance: str, *rows: list[Any]) -> list[list[Any]]:
    return [
        row("begin group", "tevreden", "Tevredenheid", "Satisfaction", appearance=appearance),
        *rows,
        row("end group"),
    ]


def test_matrix_without_header_row_is_named_after_its_group(tmp_path: Path) -> None:
    survey = [
        HEAD,
        *matrix_group(
            "field-list",
            row(
                "select_one eens",
                "Tev_1",
                "Goede uitleg",
                "Good explanation",
                appearance="list-nolabel",
                required="yes",
                relevant="${x} = 1",
                hint_nl="Let op",
            ),
            row("select_one eens", "tev_2", "Bruikbaar", "Useful", appearance="list-nolabel"),
            row("select_one ja_nee", "nog_eens", "Nog eens?", "Again?"),
        ),
        row("text", "waarom", "Waarom?", relevant="${tev_2} = '5'"),
    ]
    result = convert(tmp_path, survey)
    assert result.definition["pages"][0]["questions"] == [
        {
            "name": "tevreden",
            "type": "likert",
            "label": {"nl": "Tevredenheid", "en": "Satisfaction"},
            "choices": "eens",
            "statements": [
                {"name": "tev_1", "label": {"nl": "Goede uitleg", "en": "Good explanation"}},
                {"name": "tev_2", "label": {"nl": "Bruikbaar", "en": "Useful"}},
            ],
        },
        {
            "name": "nog_eens",
            "type": "select_one",
            "label": {"nl": "Nog eens?", "en": "Again?"},
            "choices": "ja_nee",
        },
    ]
    assert problems(result) == [
        (
            "survey row 3",
            "only some statements of 'tevreden' are required; the likert question is optional",
        ),
        ("survey row 3", "column 'relevant' ('${x} = 1') not converted"),
        ("survey row 3", "column 'hint' ('Let op') not converted"),
        (
            "survey row 7",
            "relevant \"${tev_2} = '5'\" not converted (${tev_2} is a statement "
            "of likert question 'tevreden'); always shown",
        ),
    ]
    assert loads(tmp_path, result).columns() == [
        "tevreden__tev_1",
        "tevreden__tev_2",
        "nog_eens",
        "waarom",
    ]


@pytest.mark.parametrize("appearance", ["", "minimal"])
def test_select_ones_outside_the_matrix_pattern_stay_select_one(
    tmp_path: Path, appearance: str
) -> None:
    survey = [
        HEAD,
        *matrix_group(
            appearance,
            row("select_one eens", "kop", appearance="label"),
            row("select_one eens", "a", "A", appearance="list-nolabel"),
            row("select_one eens", "b", "B"),
        ),
    ]
    result = convert(tmp_path, survey)
    questions = result.definition["pages"][0]["questions"]
    assert [(q["name"], q["type"]) for q in questions] == [
        ("kop", "select_one"),
        ("a", "select_one"),
        ("b", "select_one"),
    ]
    group = ("survey row 2", f"appearance {appearance!r} not converted (mel has its own layout)")
    assert problems(result) == [
        *([group] if appearance else []),
        ("survey row 3", "no label; 'kop' is used as label"),
        ("survey row 3", "appearance 'label' not converted (mel has its own layout)"),
        ("survey row 4", "appearance 'list-nolabel' not converted (mel has its own layout)"),
    ]


def test_matrix_header_with_a_different_list_ends_the_run(tmp_path: Path) -> None:
    survey = [
        HEAD,
        *matrix_group(
            "field-list",
            row("select_one eens", "kop", "Stellingen", appearance="label"),
            row("select_one eens", "a", "A", appearance="list-nolabel"),
            row("select_one ja_nee", "b", "B", appearance="list-nolabel"),
        ),
    ]
    questions = convert(tmp_path, survey).definition["pages"][0]["questions"]
    assert [(q["name"], q["type"], q.get("statements")) for q in questions] == [
        ("kop", "likert", [{"name": "a", "label": {"nl": "A"}}]),
        ("b", "select_one", None),
    ]


def test_same_page_relevant_splits_the_page(tmp_path: Path) -> None:
    survey = [
        HEAD,
        row("select_one ja_nee", "klant", "Klant?"),
        row("text", "sinds", "Sinds?", relevant="${klant} = 'ja'"),
        row("begin group", "werk", "Werk", appearance="field-list", relevant="${klant} = 'ja'"),
        row("integer", "uren", "Uren"),
        row("text", "taken", "Taken", relevant="${uren} > 0"),
        row("text", "meer", "Meer"),
        row("end group"),
    ]
    result = convert(tmp_path, survey)
    assert [
        (p["name"], p.get("title"), p.get("relevant"), [q["name"] for q in p["questions"]])
        for p in result.definition["pages"]
    ] == [
        ("page_1", None, None, ["klant"]),
        ("page_2", None, None, ["sinds"]),
        ("werk", {"nl": "Werk"}, {"question": "klant", "equals": "ja"}, ["uren"]),
        ("werk_2", {"nl": "Werk"}, {"question": "klant", "equals": "ja"}, ["taken", "meer"]),
    ]
    assert problems(result) == [
        (
            "survey row 6",
            "page 'werk' split before 'taken': its relevant refers to uren on the "
            "same page (mel conditions refer to earlier pages)",
        )
    ]
    loads(tmp_path, result)


def test_nested_groups_are_flattened_with_their_relevant(tmp_path: Path) -> None:
    survey = [
        HEAD,
        row("select_one ja_nee", "klant", "Klant?"),
        row("begin group", "buiten", "Buiten", relevant="${klant} = 'ja'"),
        row("text", "a", "A"),
        row("begin group", "binnen", "Binnen", relevant="${klant} != 'nee'"),
        row("text", "b", "B", relevant="${klant} != ''"),
        row("begin group", "diep"),
        row("text", "c", "C"),
        row("end group"),
        row("end group"),
        row("end group"),
    ]
    result = convert(tmp_path, survey)
    page = result.definition["pages"][1]
    assert page["relevant"] == {"question": "klant", "equals": "ja"}
    assert [(q["name"], q.get("relevant")) for q in page["questions"]] == [
        ("a", None),
        (
            "b",
            {
                "all": [
                    {"question": "klant", "not_equals": "nee"},
                    {"question": "klant", "answered": True},
                ]
            },
        ),
        ("c", {"question": "klant", "not_equals": "nee"}),
    ]
    assert problems(result) == [
        (
            "survey row 5",
            "group 'binnen' is flattened into page 'buiten'; its label 'Binnen' is not shown",
        )
    ]
    loads(tmp_path, result)


def test_group_with_nothing_to_show_makes_no_page(tmp_path: Path) -> None:
    survey = [
        HEAD,
        row("begin group", "meta"),
        row("start", "begin"),
        row("end group"),
        row("select_one ja_nee or_other", "klant", "Klant?"),
    ]
    result = convert(tmp_path, survey)
    assert result.definition["pages"] == [
        {
            "name": "page_1",
            "questions": [
                {
                    "name": "klant",
                    "type": "select_one",
                    "label": {"nl": "Klant?"},
                    "choices": "ja_nee",
                    "other": True,
                }
            ],
        }
    ]
    assert problems(result) == [
        ("survey row 3", "start 'begin' not converted: type 'start' has no mel equivalent"),
        ("survey row 2", "group 'meta' has no question mel can show; no page made"),
    ]


def test_sheet_and_column_names_in_any_case(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Survey"
    book.active.append(["Type", " Name ", "Label", "Relevant"])
    book.active.append(["Select One JN", "Klant", "Klant?"])
    book.active.append(["Begin_Group", "Meer", "Meer"])
    book.active.append(["TEXT", "Waarom", "Waarom?", "${Klant}='j'"])
    book.active.append(["End_Group"])
    book.create_sheet("Choices").append(["List Name", "Name", "Label"])
    book["Choices"].append(["JN", "j", "Ja"])
    book.save(tmp_path / "Form.xlsx")
    result = convert_xlsform(tmp_path / "Form.xlsx", programme="katapult", language="nl")
    assert result.definition["instrument"] == "form"
    assert [
        [q["name"], q.get("relevant")] for p in result.definition["pages"] for q in p["questions"]
    ] == [["klant", None], ["waarom", {"question": "klant", "equals": "j"}]]
    assert result.unconverted == []


def test_cli_writes_yaml_that_validates(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from mel.cli import main

    form = write_form(tmp_path / "form.xlsx", IMPACT, CHOICES, SETTINGS)
    out = tmp_path / "dw.yaml"
    result = CliRunner().invoke(
        main,
        [
            "surveys",
            "import-xlsform",
            str(form),
            "--out",
            str(out),
            "--programme",
            "digitale-werkplaatsen",
        ],
    )
    assert result.exit_code == 0, result.output
    assert load_instrument(out).instrument == "dw-impact-2025"
    assert "survey row 2" in result.output


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("select one from jn", {"type": "select_one"}),
        ("select 1 jn", {"type": "select_one"}),
        ("Select_One jn or_other", {"type": "select_one", "other": True}),
        (
            "select all that apply from jn or specify other",
            {"type": "select_multiple", "other": True},
        ),
        ("select multiple jn", {"type": "select_multiple"}),
    ],
)
def test_older_type_spellings(tmp_path: Path, kind: str, expected: dict) -> None:
    result = convert(
        tmp_path,
        [["type", "name", "label"], [kind, "keuze", "Keuze"]],
        [["list name", "name", "label"], ["jn", "j", "Ja"]],
        None,
        language="nl",
    )
    assert result.definition["pages"][0]["questions"] == [
        {"name": "keuze", **expected, "label": {"nl": "Keuze"}, "choices": "jn"}
    ]
    assert problems(result) == []
