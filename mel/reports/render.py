"""Write a report: self-contained HTML, a PDF of it, and its tables as CSV and XLSX."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from mel.i18n import translate
from mel.present.svg import svg_data_uri, svg_size
from mel.present.tables import file_name, write_csv, write_xlsx
from mel.reports.model import Report, Table
from mel.reports.pdf import (
    Chromium,
    ChromiumError,
    ReportError,
    Tab,
    find_chromium,
    pdf_engine,
    print_html,
)
from mel.settings import project_path


def _environment() -> Environment:
    folder = project_path("templates") / "report"
    env = Environment(
        loader=FileSystemLoader(folder),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
        keep_trailing_newline=True,
    )
    env.globals["t"] = translate
    env.filters["svg_data_uri"] = svg_data_uri
    env.filters["svg_size"] = svg_size
    return env


def render_html(
    report: Report, *, print_images: bool = False, toc_pages: Mapping[str, str] | None = None
) -> str:
    """Return the report as one HTML document with inline CSS and SVG (no URLs).

    Parameters
    ----------
    report : Report
        The assembled report.
    print_images : bool
        Charts as ``<img>`` with an SVG data URI instead of inline SVG (for WeasyPrint).
    toc_pages : mapping of str to str, optional
        Page number of each section anchor, written into the contents (for Chromium).
    """
    env = _environment()
    css = (project_path("templates") / "report" / "report.css").read_text(encoding="utf-8")
    return env.get_template("report.html").render(
        r=report, css=css, print_images=print_images, toc_pages=toc_pages
    )


def render_document(template: str, *, print_images: bool = False, **context: object) -> str:
    """Render another report template of templates/report (e.g. the progress report) as
    one self-contained HTML document with the report's CSS."""
    css = (project_path("templates") / "report" / "report.css").read_text(encoding="utf-8")
    return (
        _environment().get_template(template).render(css=css, print_images=print_images, **context)
    )


def write_document_pdf(
    render: Callable[[bool], str], path: Path, *, engine: str | None = None
) -> int:
    """Write the PDF of a document rendered by `render(print_images)`; return its pages.

    Chromium prints the inline-SVG page; WeasyPrint the one with SVG images (as
    :func:`write_pdf` does for the impactmeting report).
    """
    if pdf_engine(engine) == "weasyprint":
        return _weasyprint_pdf(render(True), path)
    try:
        with Chromium(find_chromium() or "chromium") as own, own.new_tab() as tab:
            # One print: a document without page numbers in its contents needs no second.
            tab.load(render(False))
            pdf = tab.print_pdf()
    except ChromiumError as exc:
        raise ReportError(f"cannot make a PDF: {exc}") from None
    path.write_bytes(pdf)
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def write_pdf(
    report: Report, path: Path, *, engine: str | None = None, browser: Chromium | Tab | None = None
) -> int:
    """Write `report` as a PDF at `path` and return its number of pages.

    Parameters
    ----------
    report : Report
        The assembled report.
    path : pathlib.Path
        Where to write the PDF.
    engine : {"auto", "chromium", "weasyprint"}, optional
        Default: ``MEL_PDF_ENGINE`` or "auto" (Chromium when installed, else WeasyPrint).
    browser : Chromium or Tab, optional
        A running Chromium, to print in a new tab of it that is closed afterwards (several
        reports in one run), or a tab to print in.

    Raises
    ------
    ReportError
        When the engine is not usable here.
    """
    if pdf_engine(engine) == "weasyprint" and browser is None:
        return _weasyprint_pdf(render_html(report, print_images=True), path)
    try:
        if browser is not None:
            return _chromium_pdf(report, path, browser)
        with Chromium(find_chromium() or "chromium") as own:
            return _chromium_pdf(report, path, own)
    except ChromiumError as exc:
        raise ReportError(f"cannot make a PDF: {exc}") from None


def _chromium_pdf(report: Report, path: Path, browser: Chromium | Tab) -> int:
    """Print with Chromium; the contents get their page numbers from a first print."""
    return print_html(print_page(report), path, browser)


def print_page(report: Report) -> str:
    """The HTML that `mel.reports.pdf.print_html` prints: contents with room for page numbers."""
    return render_html(report, toc_pages=_Reserved())


class _Reserved(dict[str, str]):
    """Contents page numbers of the first pass: the widest number, to keep the layout."""

    def get(self, key: str, default: object = None) -> str:  # type: ignore[override]
        return "000"


def _weasyprint_pdf(html: str, path: Path) -> int:
    """Render `html` with WeasyPrint (imported only here: it needs Pango)."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: Pango missing
        raise ReportError(
            f"cannot make a PDF: WeasyPrint is not usable here ({exc}); "
            f"install it (pip install 'mel[pdf]') and Pango, install Chromium, "
            f"or use --no-pdf"
        ) from None
    # WeasyPrint logs every CSS property it ignores; the report's CSS also serves browsers.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    # The HTML holds no URL but the charts' data URIs, so WeasyPrint never fetches anything.
    document = weasyprint.HTML(string=html, base_url=None).render()
    document.write_pdf(path)
    return len(document.pages)


def write_tables(report: Report, folder: Path) -> list[Path]:
    """Write each exported table as CSV and all of them as sheets of one XLSX workbook.

    Both through `mel.present.tables`: defused against formulas, and the same tables give
    the same bytes.
    """
    tables: list[Table] = [tab for tab in report.tables if not tab.data.empty]
    written = [
        write_csv(folder / file_name(report.basename, table.name, suffix="csv"), table.data)
        for table in tables
    ]
    sheets = {table.name: table.data for table in tables}
    written.append(write_xlsx(folder / file_name(report.basename, suffix="xlsx"), sheets))
    return written


def write_report(
    report: Report,
    folder: Path,
    *,
    pdf: bool = True,
    progress: Callable[[str], None] | None = None,
    engine: str | None = None,
    browser: Chromium | None = None,
) -> list[Path]:
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
    engine : {"auto", "chromium", "weasyprint"}, optional
        The PDF engine (see :func:`write_pdf`).
    browser : Chromium, optional
        A running Chromium to print with.
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
        write_pdf(report, pdf_path, engine=engine, browser=browser)
        written.append(pdf_path)
        step("PDF")
    written += write_tables(report, folder)
    step("CSV/XLSX")
    return written


__all__ = [
    "ReportError",
    "pdf_engine",
    "print_page",
    "render_document",
    "render_html",
    "write_document_pdf",
    "write_pdf",
    "write_report",
    "write_tables",
]
