"""Dashboard outputs: charts as SVG/PNG and tables as CSV/XLSX, each stating its filters."""

from __future__ import annotations

import io
import math
import re
import textwrap
from collections.abc import Sequence

import pandas as pd
from flask import Response, current_app
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from mel.i18n import translate
from mel.services.exports import neutralise, to_xlsx

TABLE_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
CHART_TYPES = {"svg": "image/svg+xml", "png": "image/png"}
FORMATS = (*TABLE_TYPES, *CHART_TYPES)
STYLE_ELEMENT = re.compile(r"<style[^>]*>.*?</style>", re.S)
HATCHES = ("", "//", "..", "xx")
COLOURS = ("#154273", "#8fb1d6", "#5a5a5a", "#c7c7c7")


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
        return to_xlsx(
            {
                translate("staff_sheet_figures", lang): table,
                translate("staff_sheet_about", lang): about,
            }
        )
    heading = "".join(f"# {neutralise(name)}: {neutralise(value)}\n" for name, value in lines)
    body = table.map(neutralise).to_csv(index=False)
    return (heading + body).encode("utf-8-sig")


def download(content: bytes, filename: str, media: str | None = None) -> Response:
    """Return a file response the browser saves as `filename` (media type from its suffix)."""
    media = media or {**TABLE_TYPES, **CHART_TYPES}[filename.rsplit(".", 1)[-1]]
    response = Response(content, content_type=media)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def chart_file(figure: Figure, fmt: str) -> bytes:
    """Render a figure as SVG (no style element, so no inline style at all) or PNG."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt, dpi=120, metadata={"Date": None} if fmt == "svg" else None)
    if fmt == "svg":
        return STYLE_ELEMENT.sub("", buffer.getvalue().decode("utf-8")).encode("utf-8")
    return buffer.getvalue()


def bar_chart(
    groups: Sequence[str],
    series: dict[str, Sequence[float | None]],
    *,
    title: str,
    subtitle: str,
    xlabel: str,
    hidden_text: str,
) -> Figure:
    """Horizontal bars per group, series stacked and hatched (not told apart by colour only).

    Hidden values draw no bar; the group gets the text `hidden_text` instead.
    """
    height = 1.6 + 0.42 * max(len(groups), 1)
    figure = Figure(figsize=(8, height), layout="constrained")
    axes = figure.subplots()
    left = [0.0] * len(groups)
    for number, (name, values) in enumerate(series.items()):
        widths = [0.0 if v is None or _nan(v) else float(v) for v in values]
        axes.barh(
            list(groups),
            widths,
            left=left,
            label=name,
            color=COLOURS[number % len(COLOURS)],
            edgecolor="#1b1b1b",
            hatch=HATCHES[number % len(HATCHES)],
        )
        left = [a + b for a, b in zip(left, widths, strict=True)]
    for row in range(len(groups)):
        hidden = [
            name for name, values in series.items() if values[row] is None or _nan(values[row])
        ]
        if hidden:
            note = (
                hidden_text
                if len(hidden) == len(series)
                else ", ".join(f"{name.lower()}: {hidden_text}" for name in hidden)
            )
            axes.text(left[row], row, f"  {note}", va="center", fontsize=9)
    axes.invert_yaxis()
    axes.set_xlim(0, max(max(left, default=0.0), 1.0) * 1.25)  # room for the notes
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlabel(xlabel)
    axes.set_title(f"{title}\n{textwrap.fill(subtitle, 100)}", fontsize=10, loc="left")
    if len(series) > 1:
        axes.legend(loc="lower right", fontsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    return figure


def trend_chart(
    waves: Sequence[str],
    estimates: Sequence[float | None],
    lows: Sequence[float | None],
    highs: Sequence[float | None],
    *,
    target: float | None,
    title: str,
    subtitle: str,
    target_label: str,
) -> Figure:
    """A small line of estimates across waves with their 95% intervals as error bars."""
    figure = Figure(figsize=(4.2, 2.4), layout="constrained")
    axes = figure.subplots()
    points = [
        (i, e, lo, hi)
        for i, (e, lo, hi) in enumerate(zip(estimates, lows, highs, strict=True))
        if e is not None and not _nan(e)
    ]
    if points:
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        below = [p[1] - p[2] for p in points]
        above = [p[3] - p[1] for p in points]
        axes.errorbar(
            xs, ys, yerr=[below, above], marker="o", color=COLOURS[0], ecolor="#1b1b1b", capsize=3
        )
    if target is not None:
        axes.axhline(target, linestyle="--", color="#5a5a5a", label=target_label)
        axes.legend(loc="best", fontsize=7)
    axes.set_xticks(range(len(waves)), list(waves), fontsize=8)
    axes.set_xlim(-0.5, len(waves) - 0.5)
    axes.set_title(
        f"{textwrap.fill(title, 55)}\n{textwrap.fill(subtitle, 55)}", fontsize=8, loc="left"
    )
    axes.spines[["top", "right"]].set_visible(False)
    return figure


def _nan(value: float) -> bool:
    return isinstance(value, float) and math.isnan(value)
