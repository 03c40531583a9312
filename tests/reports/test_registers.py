"""Register KPIs in the report: their own section, labelled, with source and import version."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner
from sqlmodel import Session

from mel.cli import main
from mel.kpi.definitions import load_published
from mel.reports.build import build_report
from tests.factories import REGISTER_CSV, register_kpis, register_source
from tests.reports.conftest import Filled

REPORT = ["report", "--programme", "werk", "--wave", "meting-2025", "--no-pdf"]


def _declare(filled: Filled) -> None:
    path = filled.surveys / "werk" / "programme.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["registers"] = [register_source()]
    data["register_kpis"] = register_kpis("pad.groei")
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_the_report_shows_register_kpis_with_source_and_version(
    two_waves: Filled, db_url: str, tmp_path: Path
) -> None:
    runner = CliRunner(env={"MEL_DATABASE_URL": db_url, "MEL_SURVEYS_DIR": str(two_waves.surveys)})
    _declare(two_waves)
    assert runner.invoke(main, ["surveys", "publish"]).exit_code == 0
    with Session(two_waves.engine) as session:
        published = load_published(session, "werk")
    before = build_report(
        two_waves.engine, published.programme, published.instruments, "meting-2025"
    )
    assert [s.note for s in before.registers] == [
        "Nog geen registerbestand geïmporteerd voor duo_test (mel data import).",
    ] * 2
    csv = tmp_path / "duo.csv"
    csv.write_text(REGISTER_CSV, encoding="utf-8")
    imported = runner.invoke(main, ["data", "import", "--source", "duo_test", str(csv)])
    assert imported.exit_code == 0, imported.output

    report = build_report(
        two_waves.engine, published.programme, published.instruments, "meting-2025"
    )
    count, share = report.registers
    assert count.kind_label == "registerdata, geen steekproefonzekerheid"
    assert count.provenance.startswith("Bron: DUO-testbestand (DUO), importversie 1 van ")
    facts = {f.label: f.value for f in share.facts}
    assert facts["Registerjaar"] == "2025" and facts["Waarde"] == "27,9%"
    assert facts["Teller / noemer"] == "1.240 / 4.450"
    assert facts["Streefwaarde"] == "25,0%" and "gehaald" in facts["Status"]
    assert {f.label: f.value for f in count.facts}["Waarde"] == "1.240"
    assert share.trend is not None and share.trend.rows == [["2024", "26,7%"], ["2025", "27,9%"]]
    assert share.trend.title == "Aandeel techniek per registerjaar"
    assert share.groups[0].rows[0] == ["Gelderland", "31,0%"]
    assert share.status_css == "status-met" and count.status_css == "status-not-met"
    # on its pathway node, with its status, beside the survey KPIs
    steps = report.pathways[0].chart.table
    assert steps is not None
    node = next(row for row in steps.rows if row[1] == "Stap groei")
    assert "gehaald: Aandeel techniek" in node[2] and "niet gehaald: Kiezen techniek" in node[2]
    overview = {row[0]: row for row in report.overview.rows}
    row = overview["Aandeel techniek (registerdata, geen steekproefonzekerheid)"]
    assert row[1:] == ["27,9%", "geen: registerdata", "25,0%", "✔ gehaald", "\u2014"]
    assert report.overview.data.set_index("kpi").loc["reg_aandeel", "kind"] == "register"
    definitions = next(t for t in report.tables if t.name == "definitions")
    row = next(r for r in definitions.rows if r[0] == "Aandeel techniek")
    assert row[2:] == ["registerdata, geen steekproefonzekerheid", "DUO-testbestand", "2025: 25%"]
    exported = next(t for t in report.tables if t.name == "register")
    assert list(exported.data["value"]) == [1240, 1240 / 4450]
    assert set(exported.data["kind"]) == {"register"} and set(exported.data["version"]) == {1}

    written = runner.invoke(main, [*REPORT, "--out", str(tmp_path / "out")])
    assert written.exit_code == 0, written.output
    html = (tmp_path / "out" / "werk-meting-2025-nl.html").read_text(encoding="utf-8")
    section = html[html.index('<section id="registers">') :]
    assert "registerdata, geen steekproefonzekerheid" in section
    assert "importversie 1" in section and "Aandeel techniek" in section
    english = runner.invoke(main, [*REPORT, "--language", "en", "--out", str(tmp_path / "en")])
    assert english.exit_code == 0, english.output
    text = (tmp_path / "en" / "werk-meting-2025-en.html").read_text(encoding="utf-8")
    assert "register data, no sampling error" in text and "import version 1" in text
