"""`mel report`'s CSV and XLSX tables are defused: a KPI label never becomes a formula."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from mel.present.tables import FORMULA_START
from mel.reports.build import build_report
from mel.reports.render import write_report
from mel.surveys.text import LocalText
from tests.reports.conftest import Filled

PAYLOADS = ['=HYPERLINK("x")', "+1", "-1+2", "@SUM(1)"]


def test_report_tables_defuse_labels_and_keep_numbers(two_waves: Filled, tmp_path: Path) -> None:
    programme = two_waves.programme
    kpis = [
        kpi.model_copy(update={"label": LocalText.model_validate({"nl": PAYLOADS[i % 4]})})
        for i, kpi in enumerate(programme.kpis)
    ]
    poisoned = programme.model_copy(update={"kpis": kpis})
    report = build_report(two_waves.engine, poisoned, two_waves.instruments, "meting-2025")
    files = write_report(report, tmp_path, pdf=False)
    stem = report.basename
    csv = (tmp_path / f"{stem}-kpis.csv").read_bytes()
    table = pd.read_csv(io.BytesIO(csv), encoding="utf-8-sig")
    assert table["label"].tolist() == ["'" + PAYLOADS[i % 4] for i in range(len(kpis))]
    assert pd.api.types.is_float_dtype(table["estimate"])  # numbers stay numbers
    book = load_workbook(tmp_path / f"{stem}.xlsx")
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert not any(t.startswith(FORMULA_START) for t in texts)
    sheet = book["kpis"]
    header = [c.value for c in sheet[1]]
    estimates = [row[header.index("estimate")] for row in sheet.iter_rows(min_row=2)]
    assert all(c.data_type == "n" for c in estimates if c.value is not None)
    assert any(isinstance(c.value, float) for c in estimates)
    assert {p.suffix for p in files} == {".html", ".csv", ".xlsx"}
