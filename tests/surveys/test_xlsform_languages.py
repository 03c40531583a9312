"""XLSForm languages: `label::Türkçe (tr)` columns import, export and come back."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from click.testing import CliRunner

from mel.cli import main
from mel.surveys.loader import load_instrument
from mel.surveys.xlsform.convert import convert_xlsform
from mel.surveys.xlsform.export import export_xlsform
from tests.surveys.test_xlsform_columns import form, notes, questions

HEAD = [
    "type",
    "name",
    "label::Nederlands (nl)",
    "label::English (en)",
    "label::Türkçe (tr)",
    "hint::Nederlands (nl)",
    "hint::Türkçe (tr)",
    "constraint",
    "constraint_message::Nederlands (nl)",
    "constraint_message::Türkçe (tr)",
]
CHOICES = [
    ["list_name", "name", "label::Nederlands (nl)", "label::English (en)", "label::Türkçe (tr)"],
    ["jn", "ja", "Ja", "Yes", "Evet"],
    ["jn", "nee", "Nee", "No", "Hayır"],
]
SURVEY = [
    HEAD,
    [
        "select_one jn",
        "export",
        "Exporteert u?",
        "Do you export?",
        "İhracat?",
        "Buitenland",
        "Yurt dışı",
    ],
    [
        "integer",
        "aantal",
        "Hoeveel?",
        "How many?",
        "Kaç?",
        "",
        "",
        ". >= 0",
        "Niet negatief",
        "Negatif olamaz",
    ],
]


def test_a_third_language_is_converted(tmp_path: Path) -> None:
    result = convert_xlsform(form(tmp_path / "f.xlsx", SURVEY, CHOICES), programme="katapult")
    assert notes(result) == [] and result.valid
    export, aantal = questions(result)
    assert export["label"] == {"nl": "Exporteert u?", "en": "Do you export?", "tr": "İhracat?"}
    assert export["hint"] == {"nl": "Buitenland", "tr": "Yurt dışı"}
    assert aantal["constraint"]["message"] == {"nl": "Niet negatief", "tr": "Negatif olamaz"}
    assert result.definition["choices"]["jn"][1]["label"] == {
        "nl": "Nee",
        "en": "No",
        "tr": "Hayır",
    }
    path = tmp_path / "out.yaml"
    path.write_text(result.to_yaml(), encoding="utf-8")
    survey = load_instrument(path)
    assert survey.languages == ("nl", "en", "tr")
    assert survey.question("aantal").label.get("tr") == "Kaç?"


def test_a_gap_in_a_language_column_is_filled_and_listed(tmp_path: Path) -> None:
    survey = [row[:] for row in SURVEY]
    survey[2][4] = ""  # no Turkish label for 'aantal'
    choices = [*CHOICES, ["jn", "weet_niet", "Weet niet", "Don't know", ""]]
    result = convert_xlsform(form(tmp_path / "f.xlsx", survey, choices), programme="katapult")
    assert result.valid
    assert questions(result)[1]["label"]["tr"] == "How many?"
    assert result.definition["choices"]["jn"][2]["label"]["tr"] == "Don't know"
    assert notes(result) == [
        ("choices.jn[2].label", "no Türkçe (tr) text of 'weet_niet'; the English text is used"),
        (
            "pages[0].questions[1].label",
            "no Türkçe (tr) text of 'aantal'; the English text is used",
        ),
    ]


def test_a_form_in_turkish_only(tmp_path: Path) -> None:
    survey = [["type", "name", "label"], ["text", "ad", "Adınız?"]]
    path = form(tmp_path / "f.xlsx", survey, None)
    result = convert_xlsform(path, programme="katapult", language="tr")
    assert questions(result)[0]["label"] == {"nl": "Adınız?", "tr": "Adınız?"}
    assert notes(result) == [
        ("survey sheet", "no Dutch (nl) label column; the Türkçe texts are used as nl")
    ]
    run = CliRunner().invoke(
        main, ["surveys", "import-xlsform", str(path), "--language", "tr", "--programme", "k"]
    )
    assert run.exit_code == 0, run.output
    run = CliRunner().invoke(main, ["surveys", "import-xlsform", str(path), "--language", "xx"])
    assert run.exit_code == 2 and "Traceback" not in run.output


def test_export_writes_every_language_and_the_round_trip_keeps_them(tmp_path: Path) -> None:
    first = convert_xlsform(form(tmp_path / "f.xlsx", SURVEY, CHOICES), programme="katapult")
    path = tmp_path / "talen.yaml"
    path.write_text(first.to_yaml(), encoding="utf-8")
    original = load_instrument(path)
    workbook = tmp_path / "export.xlsx"
    export_xlsform(original, workbook)
    book = openpyxl.load_workbook(workbook, read_only=True)
    header = next(book["survey"].iter_rows(values_only=True))
    assert "label::Türkçe (tr)" in header and "hint::Türkçe (tr)" in header
    assert "constraint_message::Türkçe (tr)" in header
    assert "label::Türkçe (tr)" in next(book["choices"].iter_rows(values_only=True))
    again = convert_xlsform(workbook)
    assert again.unconverted == [] and again.valid
    back = tmp_path / "again.yaml"
    back.write_text(again.to_yaml(), encoding="utf-8")
    assert load_instrument(back).model_dump() == original.model_dump()


def test_round_trip_with_arabic_and_yes_no(tmp_path: Path) -> None:
    path = tmp_path / "ar.yaml"
    path.write_text(
        """
instrument: talen
programme: katapult
version: 1
title: {nl: Talen, ar: اللغات}
consent: {version: "1", text: {nl: "Akkoord?", ar: "موافق؟"}}
pages:
  - name: een
    title: {nl: Een, ar: واحد}
    questions:
      - {name: jn, type: yes_no, label: {nl: Ja?, ar: نعم؟}}
      - {name: lijst, type: repeat, max_rows: 3, row_label: {nl: Rij, ar: صف},
         label: {nl: Partners, ar: شركاء},
         questions: [{name: naam, type: text, label: {nl: Naam, ar: اسم}}]}
""",
        encoding="utf-8",
    )
    original = load_instrument(path)
    assert original.languages == ("nl", "ar")
    export_xlsform(original, tmp_path / "ar.xlsx")
    again = convert_xlsform(tmp_path / "ar.xlsx")
    assert again.unconverted == [] and again.valid
    back = tmp_path / "again.yaml"
    back.write_text(again.to_yaml(), encoding="utf-8")
    assert load_instrument(back).model_dump() == original.model_dump()
