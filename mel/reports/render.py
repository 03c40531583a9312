"""Write a report: self-contained HTML, a PDF of it, and its tables as CSV and XLSX."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ..config import project_path
from .model import Report, Table
from .text import t


class ReportError(RuntimeError):
    """A report could not be written; the message says why."""


def _environment() -> Environment:
    folder = project_path("templates") / "report"
    env = Environment(loader=FileSystemLoader(folder), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=False, lstrip_blocks=False,
                      keep_trailing_newline=True)
    env.globals["t"] = t
    return env


def render_html(report: Report) -> str:
    """Return the report as one HTML document with inline CSS and SVG (no URLs)."""
    env = _environment()
    css = (project_path("templates") / "report" / "report.css").read_text(encoding="utf-8")
    return env.get_template("report.html").render(r=report, css=css)


def write_pdf(html: str, path: Path) -> int:
    """Render `html` to a PDF at `path` with WeasyPrint and return its number of pages.

    Raises
    ------
    ReportError
        When WeasyPrint or its system libraries (Pango) are not installed.
    """
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: Pango missing
        raise ReportError(f"cannot make a PDF: WeasyPrint is not usable here ({exc}); "
                          f"install it (pip install weasyprint) and Pango, or use --no-pdf"
                          ) from None
    # WeasyPrint logs every CSS property it ignores; the report's CSS also serves browsers.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    # The HTML holds no URL (tests check it), so WeasyPrint never fetches anything.
    document = weasyprint.HTML(string=html, base_url=None).render()
    document.write_pdf(path)
    return len(document.pages)


def _sheet(name: str, used: set[str]) -> str:
    base = name[:31]
    candidate, i = base, 2
    while candidate in used:
        candidate = f"{base[:28]}~{i}"
        i += 1
    used.add(candidate)
    return candidate


def write_tables(report: Report, folder: Path) -> list[Path]:
    """Write each exported table as CSV and all of them as sheets of one XLSX workbook."""
    written = []
    tables: list[Table] = [tab for tab in report.tables if not tab.data.empty]
    for table in tables:
        path = folder / f"{report.basename}-{table.name}.csv"
        table.data.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        written.append(path)
    path = folder / f"{report.basename}.xlsx"
    used: set[str] = set()
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for table in tables:
            table.data.to_excel(writer, sheet_name=_sheet(table.name, used), index=False)
        if not tables:
            pd.DataFrame().to_excel(writer, sheet_name="empty", index=False)
    written.append(path)
    return written


def write_report(report: Report, folder: Path, *, pdf: bool = True,
                 progress: Callable[[str], None] | None = None) -> list[Path]:
    """Write the HTML, PDF, CSV and XLSX files of `report` into `folder`; return them.

    Parameters
    ----------
    report : Report
        The assembled report (see :func:`mel.reports.build_report`).
    folder : pathlib.Path
        Output folder; created if missing.
    pdf : bool
        Also render the PDF (needs WeasyPrint).
    progress : callable, optional
        Called with a label after each file kind.
    """
    step = progress or (lambda _label: None)
    folder.mkdir(parents=True, exist_ok=True)
    html = render_html(report)
    html_path = folder / f"{report.basename}.html"
    html_path.write_text(html, encoding="utf-8")
    step("HTML")
    written = [html_path]
    if pdf:
        pdf_path = folder / f"{report.basename}.pdf"
        write_pdf(html, pdf_path)
        written.append(pdf_path)
        step("PDF")
    written += write_tables(report, folder)
    step("CSV/XLSX")
    return written
