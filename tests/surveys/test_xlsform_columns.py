"""XLSForm import with no silent change: column spellings, duplicates, unknown columns,
reserved names, languages, .xls and LibreOffice workbooks, and what mel lists."""

from __future__ import annotations

import re
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from mel.cli import main
from mel.surveys.checks import RESERVED_NAMES
from mel.surveys.loader import load_instrument
from mel.surveys.xlsform.columns import SURVEY, resolve, status
from mel.surveys.xlsform.convert import XlsformResult, convert_xlsform
from mel.surveys.yamlfile import FileProblems

DATA = Path(__file__).parent / "data" / "xlsform"
CHOICES = [["list_name", "name", "label"], ["jn", "j", "Ja"], ["jn", "n", "Nee"]]


def form(
    path: Path,
    survey: list[list[Any]],
    choices: list[list[Any]] | None = CHOICES,
    settings: list[list[Any]] | None = None,
) -> Path:
    """Write a small XLSForm (first row of each sheet: its headers)."""
    book = openpyxl.Workbook()
    book.active.title = "survey"
    for name, rows in (("survey", survey), ("choices", choices), ("settings", settings)):
        if rows is not None:
            sheet = book["survey"] if name == "survey" else book.create_sheet(name)
            for row in rows:
                sheet.append(row)
    book.save(path)
    return path


def convert(path: Path, **options: Any) -> XlsformResult:
    return convert_xlsform(path, **{"programme": "katapult", "language": "nl", **options})


def notes(result: XlsformResult) -> list[tuple[str, str]]:
    return [(p.location, p.message) for p in result.unconverted]


def questions(result: XlsformResult) -> list[dict]:
    return [q for page in result.definition["pages"] for q in page["questions"]]


# Each spelling pyxform accepts, beside the column it stands for (pyxform.aliases).
ALIASES = [
    ("bind::relevant", "relevant"),
    ("bind:relevant", "relevant"),
    ("relevance", "relevant"),
    ("Relevance", "relevant"),
    ("bind::constraint", "constraint"),
    ("bind:constraint", "constraint"),
    ("bind::required", "required"),
    ("bind:required", "required"),
    ("caption", "label"),
    ("constraint message", "constraint_message"),
    ("constraining_message", "constraint_message"),
    ("bind::jr:constraintMsg", "constraint_message"),
    ("bind:jr:constraintMsg", "constraint_message"),
    ("jr:constraintMsg", "constraint_message"),
    ("required message", "required_message"),
    ("bind::jr:requiredMsg", "required_message"),
    ("requiredMsg", "required_message"),
    ("control::appearance", "appearance"),
    ("body::appearance", "appearance"),
    ("bind::calculate", "calculation"),
    ("calculate", "calculation"),
    ("readonly", "read_only"),
    ("bind::readonly", "read_only"),
    ("count", "repeat_count"),
    ("control::jr:count", "repeat_count"),
    ("media::image", "image"),
    ("noAppErrorString", "no_app_error_string"),
    ("command", "type"),
    ("tag", "name"),
]


@pytest.mark.parametrize(("header", "column"), ALIASES)
def test_every_alias_means_its_column(header: str, column: str) -> None:
    assert resolve("survey", header, "::" in header)[0] == column


VALUES = {
    "relevant": "${klant} = 'j'",
    "constraint": ". >= 1",
    "required": "yes",
    "label": "Hoeveel jaar?",
    "constraint_message": "Minstens 1",
    "appearance": "multiline",
}
CONVERTED = {
    "relevant": {"relevant": {"question": "klant", "equals": "j"}},
    "constraint": {"constraint": {"min": 1}},
    "required": {"required": True},
    "label": {"label": {"nl": "Hoeveel jaar?"}},
    "constraint_message": {"constraint": {"min": 1, "message": {"nl": "Minstens 1"}}},
    "appearance": {"multiline": True},
}


@pytest.mark.parametrize(
    ("header", "column"), [(h, c) for h, c in ALIASES if c in CONVERTED and c != "label"]
)
def test_aliased_columns_convert_like_their_column(
    tmp_path: Path, header: str, column: str
) -> None:
    extra = ["constraint"] if column == "constraint_message" else []
    survey = [
        ["type", "name", "label", *extra, header],
        ["select_one jn", "klant", "Klant?"],
        [
            "text" if column == "appearance" else "integer",
            "jaren",
            "Jaren",
            *[". >= 1"][: len(extra)],
        ]
        + [VALUES[column]],
    ]
    result = convert(form(tmp_path / "f.xlsx", survey))
    assert notes(result) == []
    question = questions(result)[-1]
    for key, value in CONVERTED[column].items():
        assert question[key] == value


def test_caption_is_the_label(tmp_path: Path) -> None:
    result = convert(form(tmp_path / "f.xlsx", [["type", "name", "caption"], ["text", "a", "A?"]]))
    assert questions(result)[0]["label"] == {"nl": "A?"}
    assert notes(result) == []


@pytest.mark.parametrize(
    ("header", "column", "feature"),
    [
        ("required message", "required_message", "messages for required questions"),
        ("readonly", "read_only", "read-only questions"),
        ("default", "default", "default answers"),
        ("media::image", "image", "media (images, audio, video)"),
        ("guidance_hint", "guidance_hint", "guidance hints"),
    ],
)
def test_columns_mel_lacks_are_listed_by_row(
    tmp_path: Path, header: str, column: str, feature: str
) -> None:
    survey = [["type", "name", "label", header], ["text", "a", "A"], ["text", "b", "B", "x"]]
    result = convert(form(tmp_path / "f.xlsx", survey))
    assert notes(result) == [
        ("survey row 3", f"column {column!r} ('x') not converted: mel has no {feature}")
    ]


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("bind::calculate", "calculation"),
        ("choice_filter", "choice_filter"),
        ("repeat_count", "repeat_count"),
    ],
)
def test_columns_for_other_types_are_listed_on_a_text_question(
    tmp_path: Path, header: str, column: str
) -> None:
    survey = [["type", "name", "label", header], ["text", "a", "A"], ["text", "b", "B", "x"]]
    result = convert(form(tmp_path / "f.xlsx", survey))
    assert notes(result) == [("survey row 3", f"column {column!r} ('x') not converted")]


def test_every_survey_column_is_converted_or_names_its_feature() -> None:
    for column in SURVEY:
        assert status("survey", column) == SURVEY[column]
    assert status("survey", "sms_field") == "SMS forms"


@pytest.mark.parametrize(
    ("headers", "where", "message"),
    [
        (["type", "name", "label", "label"], "column D", "duplicate column 'label': column C"),
        (
            ["type", "name", "label", "relevant", "relevance"],
            "column E",
            "duplicate column 'relevance': column D ('relevant')",
        ),
    ],
)
def test_duplicate_headers_are_refused_with_their_place(
    tmp_path: Path, headers: list[str], where: str, message: str
) -> None:
    path = form(tmp_path / "f.xlsx", [headers, ["text", "a", "A", "B", "C"][: len(headers)]])
    with pytest.raises(FileProblems) as info:
        convert(path)
    [problem] = info.value.problems
    assert problem.location == f"survey sheet row 1 {where}"
    assert problem.message.startswith(message)


def test_unknown_columns_are_listed(tmp_path: Path) -> None:
    survey = [["type", "name", "label", "opmerking", "$kuid"], ["text", "a", "A", "x", "k1"]]
    result = convert(form(tmp_path / "f.xlsx", survey))
    assert notes(result) == [
        (
            "survey sheet row 1 column D",
            "column 'opmerking' is not an XLSForm column mel knows; not converted",
        ),
        (
            "survey sheet row 1 column E",
            "column '$kuid' is not an XLSForm column mel knows; not converted",
        ),
    ]


@pytest.mark.parametrize("name", sorted(RESERVED_NAMES))
def test_reserved_names_are_renamed_and_the_output_validates(tmp_path: Path, name: str) -> None:
    survey = [["type", "name", "label"], ["text", name, "Uw antwoord"], ["text", "Sector", ""]]
    path = form(tmp_path / "f.xlsx", survey)
    out = tmp_path / "f.yaml"
    run = CliRunner().invoke(
        main, ["surveys", "import-xlsform", str(path), "--out", str(out), "--language", "nl"]
    )
    assert run.exit_code == 0, run.output
    survey_def = load_instrument(out)
    first, second = survey_def.questions()
    assert (first.name, first.label.nl) == (f"q_{name}", "Uw antwoord")
    assert (second.name, second.label.nl) == ("q_sector" + "_2" * (name == "sector"), "Sector")
    assert f"name {name!r} renamed to 'q_{name}' ({name!r} is reserved" in run.output


def test_import_exits_non_zero_when_the_yaml_does_not_validate(tmp_path: Path) -> None:
    survey = [["type", "name", "label", "mel_min", "mel_max"], ["integer", "a", "A", "10", "1"]]
    path = form(tmp_path / "f.xlsx", survey)
    out = tmp_path / "f.yaml"
    run = CliRunner().invoke(
        main, ["surveys", "import-xlsform", str(path), "--out", str(out), "--language", "nl"]
    )
    assert run.exit_code == 1
    assert "still invalid: min (10) is greater than max (1)" in run.output
    assert "does not validate" in run.output
    assert out.exists()


def test_a_label_without_language_needs_one(tmp_path: Path) -> None:
    path = form(tmp_path / "f.xlsx", [["type", "name", "hint", "label"], ["text", "a", "h", "A"]])
    with pytest.raises(FileProblems) as info:
        convert_xlsform(path)
    [problem] = info.value.problems
    assert problem.location == "survey sheet row 1 column C"
    assert "column 'hint' has no language: give it with --language" in problem.message
    english = convert(path, language="en")
    assert questions(english)[0]["label"] == {"nl": "A", "en": "A"}
    run = CliRunner().invoke(main, ["surveys", "import-xlsform", str(path)])
    assert run.exit_code == 1
    assert "--language" in run.output and "Traceback" not in run.output


def test_language_columns_map_by_their_code(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label::Español (es)", "label::Engels (en)", "label::Vlaams (nl)"],
        ["text", "a", "¿Nombre?", "Name?", "Naam?"],
    ]
    result = convert(form(tmp_path / "f.xlsx", survey, None), language=None)
    assert questions(result)[0]["label"] == {"nl": "Naam?", "en": "Name?", "es": "¿Nombre?"}
    assert notes(result) == []
    assert result.valid


def test_a_language_named_without_code_and_one_mel_cannot_read(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label::Nederlands", "label::French", "label::Ελληνικά", "label::Elvish"],
        ["text", "a", "Naam?", "Nom ?", "Όνομα;", "Eneth?"],
    ]
    result = convert(form(tmp_path / "f.xlsx", survey, None), language=None)
    assert questions(result)[0]["label"] == {"nl": "Naam?", "el": "Όνομα;", "fr": "Nom ?"}
    assert notes(result) == [
        (
            "survey sheet row 1 column F",
            "column 'label::Elvish': language 'elvish' is not a two-letter ISO 639-1 code "
            "(write e.g. 'label::Türkçe (tr)'); not converted",
        )
    ]


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (
            {"hint": "Sinds ${ start }?"},
            "hint: ${start} not piped (${start} is no earlier question); shown as 'start'",
        ),
        (
            {"type": "date", "appearance": "month-year"},
            "appearance 'month-year' not converted: mel asks a full date (day, month, year)",
        ),
        (
            {"type": "date", "appearance": "year"},
            "appearance 'year' not converted: mel asks a full date (day, month, year)",
        ),
        (
            {"type": "select_one jn", "appearance": "search('scholen')"},
            "appearance \"search('scholen')\": choices from search() are not converted "
            "(mel offers the choice list on the choices sheet)",
        ),
        ({"appearance": "minimal"}, "appearance 'minimal' not converted (mel has its own layout)"),
    ],
)
def test_what_changes_the_survey_is_listed(tmp_path: Path, cells: dict, expected: str) -> None:
    row = {"type": "text", "name": "b", "label": "B", "hint": "", "appearance": "", **cells}
    survey = [list(row), ["text", "naam", "Naam", "", ""], list(row.values())]
    result = convert(form(tmp_path / "f.xlsx", survey))
    assert notes(result) == [("survey row 3", expected)]


def test_public_key_and_other_settings_are_listed(tmp_path: Path) -> None:
    settings = [["form_id", "public_key", "submission_url", "style"], ["f", "MIIB", "", "pages"]]
    result = convert(
        form(tmp_path / "f.xlsx", [["type", "name", "label"], ["text", "a", "A"]], None, settings)
    )
    assert notes(result) == [
        (
            "settings row 2 column B",
            "public_key 'MIIB' not converted: mel has no encrypted submissions (public_key)",
        ),
        (
            "settings row 2 column D",
            "style 'pages' not converted: mel has no form styles (pages/theme-grid)",
        ),
    ]


def test_legacy_xls_workbook_is_read() -> None:
    result = convert_xlsform(DATA / "legacy.xls", programme="katapult")
    assert result.definition["instrument"] == "oud-formaat"
    assert result.definition["version"] == 2
    assert [(q["name"], q["type"]) for q in questions(result)] == [
        ("klant", "select_one"),
        ("jaren", "integer"),
        ("start", "date"),
    ]
    assert questions(result)[1]["relevant"] == {"question": "klant", "equals": "j"}
    assert result.valid


@pytest.mark.parametrize("suffix", [".xls", ".xlsx", ".ods"])
def test_a_file_that_is_no_workbook_is_refused_clearly(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"form{suffix}"
    path.write_bytes(b"\xd0\xcf\x11\xe0 not really a workbook")
    with pytest.raises(FileProblems) as info:
        convert_xlsform(path)
    [problem] = info.value.problems
    assert (problem.file, problem.location) == (str(path), "")
    assert problem.message.startswith("cannot read as a workbook (.xlsx or .xls)")


def libreoffice_like(plain: Path, path: Path) -> Path:
    """Declare the whole grid as used range, with an empty cell in its last corner."""
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                text = re.sub(
                    r'<dimension ref="[^"]*"/>', '<dimension ref="A1:AMJ1048576"/>', data.decode()
                )
                corner = (
                    '<row r="1048576"><c r="AMJ1048576" t="inlineStr"><is><t></t></is></c></row>'
                )
                data = text.replace("</sheetData>", f"{corner}</sheetData>").encode()
            out.writestr(item, data)
    return path


def test_a_workbook_declaring_the_whole_grid_is_read_in_little_memory(tmp_path: Path) -> None:
    plain = form(tmp_path / "plain.xlsx", [["type", "name", "label"], ["text", "a", "A"]])
    path = libreoffice_like(plain, tmp_path / "lo.xlsx")
    tracemalloc.start()
    try:
        result = convert(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [q["name"] for q in questions(result)] == ["a"]
    assert peak < 50 * 2**20  # trusting the declaration builds ~10^9 cells


def test_two_spellings_of_one_language_keep_the_first(tmp_path: Path) -> None:
    survey = [["type", "name", "label::nl", "label::Dutch (nl)"], ["text", "a", "A", "B"]]
    result = convert(form(tmp_path / "f.xlsx", survey, None))
    assert questions(result)[0]["label"] == {"nl": "A"}
    assert notes(result) == [
        (
            "survey sheet row 1 column D",
            "column 'label::Dutch (nl)' is the same column and language as column C "
            "('label::nl'); not converted",
        )
    ]


def test_typographic_quotes_in_expressions_are_read_as_quotes(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label", "relevant"],
        ["select_one jn", "klant", "Klant?"],
        ["text", "waarom", "Waarom?", "${klant} = \u2018j\u2019"],
    ]
    result = convert(form(tmp_path / "f.xlsx", survey))
    assert questions(result)[1]["relevant"] == {"question": "klant", "equals": "j"}
    assert notes(result) == []


def test_unknown_settings_are_listed(tmp_path: Path) -> None:
    settings = [["form_id", "xml_root"], ["f", "data"]]
    survey = [["type", "name", "label"], ["text", "a", "A"]]
    result = convert(form(tmp_path / "f.xlsx", survey, None, settings))
    assert notes(result) == [
        ("settings row 2 column B", "xml_root 'data' not converted: not a setting mel knows")
    ]


def test_other_sheets_are_listed(tmp_path: Path) -> None:
    path = form(tmp_path / "f.xlsx", [["type", "name", "label"], ["text", "a", "A"]])
    book = openpyxl.load_workbook(path)
    book.create_sheet("entities").append(["list_name", "label"])
    book.create_sheet("Notities").append(["Nog doen"])
    book.create_sheet("leeg")
    book.save(path)
    assert notes(convert(path)) == [
        ("entities sheet", "not converted: mel has no entities"),
        ("notities sheet", "not an XLSForm sheet; not converted"),
    ]


def test_a_page_split_again_and_again_numbers_its_parts(tmp_path: Path) -> None:
    survey = [["type", "name", "label", "relevant"], ["begin group", "deel", "Deel"]]
    survey += [["integer", f"q{i}", f"Q{i}", f"${{q{i - 1}}} > 1" if i else ""] for i in range(4)]
    result = convert(form(tmp_path / "f.xlsx", [*survey, ["end group"]]))
    assert [p["name"] for p in result.definition["pages"]] == ["deel", "deel_2", "deel_3", "deel_4"]
