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
SHIPPED = sorted(p for p in SURVEYS.glob("*/*.yaml") if p.name != "programme.yaml")


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
