"""Export to XLSForm and back: every shipped instrument comes back the same."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from mel.cli import main
from mel.surveys.loader import load_instrument
from mel.surveys.xlsform.convert import convert_xlsform
from mel.surveys.xlsform.export import export_xlsform, xpath

SURVEYS = Path(__file__).parents[2] / "surveys"
SHIPPED = sorted(
    p for p in SURVEYS.glob("*/*.yaml") if p.name not in ("programme.yaml", "codebook.yaml")
)


def test_every_programme_ships_instruments() -> None:
    assert len(SHIPPED) >= 5


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_import_export_import_gives_the_same_instrument(tmp_path: Path, path: Path) -> None:
    original = load_instrument(path)
    workbook = tmp_path / "form.xlsx"
    export_xlsform(original, workbook)
    result = convert_xlsform(workbook)
    assert result.valid
    assert result.unconverted == []
    again = tmp_path / "again.yaml"
    again.write_text(result.to_yaml(), encoding="utf-8")
    assert load_instrument(again).model_dump() == original.model_dump()


def test_export_by_instrument_code_on_the_command_line(tmp_path: Path) -> None:
    out = tmp_path / "impactmeting.xlsx"
    run = CliRunner().invoke(
        main, ["surveys", "export-xlsform", "katapult-impactmeting", "--out", str(out)]
    )
    assert run.exit_code == 0, run.output
    sheets = openpyxl.load_workbook(out, read_only=True).sheetnames
    assert sheets == ["survey", "choices", "settings"]
    run = CliRunner().invoke(main, ["surveys", "export-xlsform", "geen-meting", "--out", str(out)])
    assert run.exit_code == 1
    assert "geen-meting: no such file, nor instrument in surveys/" in run.output


def test_conditions_are_written_in_the_xpath_the_importer_reads() -> None:
    survey = load_instrument(SURVEYS / "katapult" / "impactmeting.yaml")
    written = {q.name: xpath(q.relevant) for q in survey.questions() if q.relevant}
    assert written["minoren"] == "selected(' hbo mbo_hbo ', ${onderwijsniveau})"
    assert written["aantal_landen"] == "${internationaal} = '1'"


@pytest.mark.parametrize("path", SHIPPED[:2], ids=lambda p: p.stem)
def test_pyxform_accepts_the_export(tmp_path: Path, path: Path) -> None:
    pyxform = pytest.importorskip("pyxform.xls2xform")
    workbook = tmp_path / "form.xlsx"
    export_xlsform(load_instrument(path), workbook)
    assert "<h:html" in pyxform.convert(xlsform=str(workbook), validate=False).xform


EVERYTHING = """
instrument: alles
programme: katapult
version: 3
title: {nl: Alles, en: Everything}
description: {nl: Elk veld}
respondent: person
address_form: je
consent: {version: "2", text: {nl: "Akkoord?", en: "Agree?"}}
choices:
  schaal: [{value: 1, label: {nl: Een}}, {value: 2, label: {nl: Twee}}]
  kleur: [{value: rood, label: {nl: Rood, en: Red}}, {value: blauw, label: {nl: Blauw}}]
pages:
  - name: een
    questions:
      - {name: jn, type: yes_no, label: {nl: Ja?}, required: true, sensitive: true}
      - {name: kleuren, type: select_multiple, choices: kleur, label: {nl: Kleuren},
         other: true, constraint: {min_selected: 1, max_selected: 2}}
      - {name: cijfer, type: rating, min: 1, max: 5, label: {nl: Cijfer}}
      - {name: nps, type: nps, label: {nl: Aanbevelen}}
      - {name: nps2, type: nps, min: 1, max: 9, label: {nl: Anders}}
      - {name: datum, type: date, min: "2020-01-01", max: today, label: {nl: Datum}}
      - {name: bedrag, type: decimal, min: 0.5, label: {nl: Bedrag},
         constraint: {max: 99.5, message: {nl: Te veel, en: Too much}}}
      - {name: tekst, type: text, multiline: true, hint: {nl: Vrij, en: Free},
         constraint: {min_length: 2, max_length: 9, regex: "^[a-z]+$"}, label: {nl: Tekst}}
      - {name: stel, type: likert, choices: schaal, required: true, sensitive: true,
         label: {nl: Stellingen}, hint: {nl: Kies},
         statements: [{name: a, label: {nl: A}}, {name: b, label: {nl: B}, reverse: true}]}
      - {name: uitleg, type: note, label: {nl: Uitleg}}
  - name: twee
    title: {nl: Twee, en: Two}
    relevant: {all: [{question: jn, equals: true}, {not: {question: kleuren, selected: rood}}]}
    questions:
      - {name: aantal, type: integer, label: {nl: Aantal},
         relevant: {any: [{question: cijfer, gt: 2}, {question: bedrag, le: 3.5},
                          {question: tekst, answered: false}, {question: nps, not_equals: 4}]}}
      - {name: keuze, type: select_one, choices: kleur, label: {nl: Keuze},
         relevant: {question: datum, answered: true}}
"""


def test_every_field_and_condition_comes_back(tmp_path: Path) -> None:
    path = tmp_path / "alles.yaml"
    path.write_text(EVERYTHING, encoding="utf-8")
    original = load_instrument(path)
    export_xlsform(original, tmp_path / "alles.xlsx")
    result = convert_xlsform(tmp_path / "alles.xlsx")
    assert result.unconverted == []
    again = tmp_path / "again.yaml"
    again.write_text(result.to_yaml(), encoding="utf-8")
    assert load_instrument(again).model_dump() == original.model_dump()
