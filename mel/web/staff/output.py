"""Dashboard outputs: charts as SVG/PNG and tables as CSV/XLSX, each stating its filters.

Tables are written by `mel.present.tables` (defused, byte-stable) and charts drawn by
`mel.present.figures`, the same as the report's; every file is sent by `download`, which
builds its ``Content-Disposition`` from a name no code can break out of.
"""

from __future__ import annotations

import io
import re

import pandas as pd
from flask import Response, current_app
from matplotlib.figure import Figure

from mel.i18n import translate
from mel.present.tables import csv_bytes, file_name, xlsx_bytes

TABLE_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
CHART_TYPES = {"svg": "image/svg+xml", "png": "image/png"}
FORMATS = (*TABLE_TYPES, *CHART_TYPES)
STYLE_ELEMENT = re.compile(r"<style[^>]*>.*?</style>", re.S)


def headline(title: str, filters: str, lang: str) -> list[tuple[str, str]]:
    """The lines that head every download: what it is, the filters, the suppression rule."""
    k = current_app.config["MIN_GROUP_SIZE"]
    return [
        (translate("staff_title", lang), title),
        (translate("staff_filters", lang), filters),
        (translate("staff_suppression", lang), translate("staff_suppression_rule", lang, k=k)),
    ]


def table_file(table: pd.DataFrame, fmt: str, *, title: str, filters: str, lang: str) -> bytes:
    """Return a table as CSV (headed by `#` lines) or XLSX (with a filters sheet)."""
    lines = headline(title, filters, lang)
    if fmt == "xlsx":
        about = pd.DataFrame(lines, columns=["", " "])
        return xlsx_bytes(
            {
                translate("staff_sheet_figures", lang): table,
                translate("staff_sheet_about", lang): about,
            }
        )
    return csv_bytes(table, heading=lines)


def download(content: bytes, filename: str, media: str | None = None) -> Response:
    """Return a file response the browser saves as `filename` (media type from its suffix).

    The name is reduced to ``A-Z a-z 0-9 . _ -`` first (RFC 6266 ``filename="…"``), so a
    code with a quote, a semicolon or a line break cannot change the header.
    """
    stem, _, suffix = filename.rpartition(".")
    safe = file_name(stem, suffix=suffix) if stem else file_name(filename)
    media = media or {**TABLE_TYPES, **CHART_TYPES}.get(suffix, "application/octet-stream")
    response = Response(content, content_type=media)
    response.headers["Content-Disposition"] = f'attachment; filename="{safe}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def chart_file(figure: Figure, fmt: str) -> bytes:
    """Render a figure as SVG (no style element, so no inline style at all) or PNG."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt, dpi=120, metadata={"Date": None} if fmt == "svg" else None)
    if fmt == "svg":
        return STYLE_ELEMENT.sub("", buffer.getvalue().decode("utf-8")).encode("utf-8")
    return buffer.getvalue()
