"""Write the progress report: HTML, PDF, and its tables as CSV and XLSX."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from mel.present.tables import file_name, write_csv, write_xlsx
from mel.reports.census_report import ProgressReport
from mel.reports.render import render_document, write_document_pdf

TEMPLATE = "progress.html"


def progress_html(report: ProgressReport, *, print_images: bool = False) -> str:
    """Return the progress report as one HTML document (inline CSS and SVG, no URLs)."""
    return render_document(TEMPLATE, r=report, print_images=print_images)


def write_progress_report(
    report: ProgressReport,
    folder: Path,
    *,
    pdf: bool = True,
    engine: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """Write the HTML, PDF, CSV and XLSX files of `report` into `folder`; return them."""
    step = progress or (lambda _label: None)
    folder.mkdir(parents=True, exist_ok=True)
    html_path = folder / f"{report.basename}.html"
    html_path.write_text(progress_html(report), encoding="utf-8")
    written = [html_path]
    step("HTML")
    if pdf:
        pdf_path = folder / f"{report.basename}.pdf"
        write_document_pdf(
            lambda images: progress_html(report, print_images=images), pdf_path, engine=engine
        )
        written.append(pdf_path)
        step("PDF")
    tables = [t for t in report.tables if not t.data.empty]
    for table in tables:
        written.append(
            write_csv(folder / file_name(report.basename, table.name, suffix="csv"), table.data)
        )
    sheets = {t.name: t.data for t in tables}
    written.append(write_xlsx(folder / file_name(report.basename, suffix="xlsx"), sheets))
    step("CSV/XLSX")
    return written
