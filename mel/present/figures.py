"""Charts as functions that return a matplotlib Figure (never shown, never global).

The one set of charts of mel, one function per kind: intervals per group (a forest plot),
a trend across waves, and stacked bars (answer shares, or counts per group). Reports draw
them inline; dashboards serve them as SVG/PNG downloads, with a title and the filters
drawn in (``title``/``subtitle``), since a downloaded image travels without its page.
Every chart has its numbers in a table beside it and a text alternative made by the
caller; the charts use shapes and words as well as colour.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from mel.present.chart_style import (
    FONT,
    HATCHES,
    INK,
    MUTED,
    POINT,
    SERIES_COLOURS,
    TARGET,
    draw_heading,
    formatter,
    heading_height,
    heading_lines,
    label_width,
    margins,
    plain,
    style,
)
from mel.present.numbers import format_number


@dataclass(frozen=True)
class Interval:
    """One row of an interval chart: an estimate with its interval, or a reason for none."""

    label: str
    estimate: float | None = None
    low: float | None = None
    high: float | None = None
    note: str = ""
    header: bool = False
    # A figure for the whole population (the national total): the only rows a national
    # target is drawn on (a group's figure is not judged against the national target).
    national: bool = False

    @property
    def shown(self) -> bool:
        """True when there is a point to draw."""
        return self.estimate is not None and not math.isnan(self.estimate)


def interval_figure(
    rows: Sequence[Interval],
    *,
    target: float | None = None,
    target_label: str = "",
    percent: bool = False,
    language: str = "nl",
    xlabel: str = "",
) -> Figure:
    """Points with 95% intervals, one row per group (a forest plot), and the target line.

    Parameters
    ----------
    rows : sequence of Interval
        Top to bottom; header rows are drawn as bold group titles, rows without an
        estimate show their note (e.g. "suppressed") instead of a point.
    target : float, optional
        Drawn as a dashed vertical mark labelled `target_label` on the national rows only
        (`Interval.national`); groups are not judged against the national target.
    percent : bool
        Values are shares, labelled as percentages.
    """
    labels = [textwrap.shorten(plain(r.label), 44, placeholder="…") for r in rows]
    # At most about 9.5 inches, so the chart fits an A4 page however many groups it has.
    height = 0.75 + min(0.22, 8.8 / max(len(rows), 1)) * max(len(rows), 1)
    figure = Figure(figsize=(6.6, height))
    margins(figure, left=label_width(labels) + 0.2, bottom=0.45 if xlabel else 0.35)
    ax = figure.add_subplot()
    y = np.arange(len(rows))[::-1]
    for header in (True, False):  # one artist per kind of row keeps drawing fast
        chosen = [(p, r) for p, r in zip(y, rows, strict=True) if r.shown and r.header == header]
        if not chosen:
            continue
        est = np.array([r.estimate for _, r in chosen], dtype=float)
        low = np.array([r.estimate if r.low is None else r.low for _, r in chosen], dtype=float)
        high = np.array([r.estimate if r.high is None else r.high for _, r in chosen], dtype=float)
        ax.errorbar(
            est,
            [p for p, _ in chosen],
            xerr=[est - low, high - est],
            fmt="o",
            color=POINT,
            ecolor=POINT,
            elinewidth=1.6,
            capsize=3,
            markersize=6 if header else 5,
        )
    for position, row in zip(y, rows, strict=True):
        if not row.shown and row.note:
            ax.text(
                0.01,
                position,
                row.note,
                transform=ax.get_yaxis_transform(),
                va="center",
                fontsize=FONT - 1,
                color=MUTED,
                style="italic",
            )
    # Row labels as plain texts: a tick per row would cost five artists each.
    ax.set_yticks([])
    for position, label, row in zip(y, labels, rows, strict=True):
        ax.text(
            -0.015,
            position,
            label,
            transform=ax.get_yaxis_transform(),
            ha="right",
            va="center",
            fontsize=FONT,
            color=INK,
            fontweight="bold" if row.header else "normal",
        )
    national = [p for p, r in zip(y, rows, strict=True) if r.national]
    if target is not None and national:
        ax.vlines(
            [target] * len(national),
            [p - 0.42 for p in national],
            [p + 0.42 for p in national],
            colors=TARGET,
            linestyles="--",
            linewidth=1.4,
            zorder=3,
        )
        # The label runs away from the nearer edge, so it is never cut off.
        left, right = ax.get_xlim()
        if not left <= target <= right:
            ax.set_xlim(min(left, target), max(right, target))
            left, right = ax.get_xlim()
        to_left = target > (left + right) / 2
        ax.annotate(
            target_label,
            (target, max(national) + 0.42),
            xycoords="data",
            xytext=(-3 if to_left else 3, 0),
            textcoords="offset points",
            fontsize=FONT - 0.5,
            color=TARGET,
            va="top",
            ha="right" if to_left else "left",
        )
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.xaxis.set_major_formatter(formatter(percent, language))
    ax.xaxis.set_major_locator(MaxNLocator(6))
    ax.set_xlabel(xlabel, fontsize=FONT, color=INK)
    ax.grid(axis="x", color="#e4e7eb", linewidth=0.6)
    ax.set_axisbelow(True)
    style(figure)
    return figure


def trend_figure(
    points: Sequence[Interval],
    targets: Sequence[tuple[str, float]] = (),
    *,
    percent: bool = False,
    language: str = "nl",
    ylabel: str = "",
    target_label: str = "",
    title: str = "",
    subtitle: str = "",
) -> Figure:
    """Estimates with 95% intervals across waves, with the targets as open diamonds.

    Parameters
    ----------
    points : sequence of Interval
        One per wave, oldest first; `label` is the wave's name on the x axis, and a point
        without an estimate shows its note (e.g. "hidden").
    targets : sequence of (label, value)
        Targets on the same x labels (labels not among the points are added).
    title, subtitle : str
        Drawn above the chart (for a chart downloaded on its own).
    """
    labels = list(dict.fromkeys([p.label for p in points] + [t[0] for t in targets]))
    heading = heading_lines(title, subtitle, 80)
    top = heading_height(heading)
    figure = Figure(figsize=(5.2, 2.8 + top))
    margins(figure, left=0.75, bottom=0.45, top=0.3 + top)
    draw_heading(figure, heading)
    ax = figure.add_subplot()
    x = {label: i for i, label in enumerate(labels)}
    shown = [p for p in points if p.shown]
    if shown:
        xs = [x[p.label] for p in shown]
        est = np.array([p.estimate for p in shown], dtype=float)
        low = np.array([p.low if p.low is not None else p.estimate for p in shown], dtype=float)
        high = np.array([p.high if p.high is not None else p.estimate for p in shown], dtype=float)
        ax.plot(xs, est, color=POINT, linewidth=1, alpha=0.6)
        ax.errorbar(
            xs,
            est,
            yerr=[est - low, high - est],
            fmt="o",
            color=POINT,
            capsize=4,
            elinewidth=1.6,
            markersize=6,
            label="",
        )
    for point in points:
        if not point.shown and point.note:
            ax.annotate(
                point.note,
                (x[point.label], 0.5),
                xycoords=("data", "axes fraction"),
                ha="center",
                fontsize=FONT - 1,
                color=MUTED,
                style="italic",
            )
    if targets:
        ax.plot(
            [x[t[0]] for t in targets],
            [t[1] for t in targets],
            linestyle="none",
            marker="D",
            markerfacecolor="white",
            markeredgecolor=TARGET,
            markersize=6,
            label=target_label,
        )
        if target_label:
            ax.legend(fontsize=FONT - 0.5, frameon=False, loc="best")
    ax.set_xticks(range(len(labels)), [plain(label) for label in labels])
    ax.set_xlim(-0.5, len(labels) - 0.5)
    ax.yaxis.set_major_formatter(formatter(percent, language))
    ax.yaxis.set_major_locator(MaxNLocator(5))
    ax.set_ylabel(ylabel, fontsize=FONT, color=INK)
    ax.grid(axis="y", color="#e4e7eb", linewidth=0.6)
    ax.set_axisbelow(True)
    style(figure)
    return figure


def bar_figure(
    groups: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    *,
    shares: bool = False,
    scale: bool = False,
    language: str = "nl",
    xlabel: str = "",
    hidden_text: str = "",
    title: str = "",
    subtitle: str = "",
) -> Figure:
    """Horizontal stacked bars, one per group, one segment per series; the legend below.

    Parameters
    ----------
    groups : sequence of str
        The bars, top to bottom (statements or a question; groups of units).
    series : mapping of str to sequence of float or None
        The segments in legend order, each with one value per group. A None value draws
        nothing; the bar gets `hidden_text` beside it instead.
    shares : bool
        The values are shares of each bar (rows sum to 1): an axis from 0 to 100% and the
        percentage written in every segment wide enough for it.
    scale : bool
        The series are an ordered answer scale: a diverging colour ramp. Otherwise the
        series are told apart by hatching as well as colour.
    title, subtitle : str
        Drawn above the chart (for a chart downloaded on its own).
    """
    names = list(series)
    values = (
        np.array(
            [[np.nan if v is None else float(v) for v in series[name]] for name in names],
            dtype=float,
        )
        .reshape(len(names), len(groups))
        .T
    )
    data = np.nan_to_num(values)
    labels = [textwrap.shorten(plain(group), 50, placeholder="…") for group in groups]
    legend_rows = math.ceil(len(names) / 5) if len(names) > 1 or shares else 0
    heading = heading_lines(title, subtitle, 100)
    top = heading_height(heading)
    bottom = (0.45 if xlabel or shares else 0.35) + 0.2 * legend_rows
    height = 0.8 + 0.42 * max(len(groups), 1) + 0.2 * legend_rows + top
    figure = Figure(figsize=(6.6, height))
    margins(figure, left=label_width(labels) + 0.2, bottom=bottom, top=0.15 + top)
    draw_heading(figure, heading)
    ax = figure.add_subplot()
    if scale:
        colours = list(colormaps["RdYlBu"](np.linspace(0.1, 0.9, len(names))))
    else:
        colours = [SERIES_COLOURS[j % len(SERIES_COLOURS)] for j in range(len(names))]
    left = np.zeros(len(groups))
    y = np.arange(len(groups))[::-1]
    for j, name in enumerate(names):
        ax.barh(
            y,
            data[:, j],
            left=left,
            color=colours[j],
            edgecolor="white" if scale else INK,
            linewidth=0.6,
            hatch=None if scale else HATCHES[j % len(HATCHES)] or None,
            label=name,
            height=0.62,
        )
        if shares:
            _segment_labels(ax, y, left, data[:, j], colours[j], language)
        left += data[:, j]
    hidden = np.isnan(values) if hidden_text else np.zeros_like(values, dtype=bool)
    for i in np.flatnonzero(hidden.any(axis=1)):
        note = (
            hidden_text
            if hidden[i].all()
            else ", ".join(f"{names[j].lower()}: {hidden_text}" for j in np.flatnonzero(hidden[i]))
        )
        ax.text(left[i], y[i], f"  {note}", va="center", fontsize=FONT - 1, color=MUTED)
    ax.set_yticks(y, labels)
    if shares:
        ax.set_xlim(0, 1)
    else:  # counts: whole-number ticks, and room for the notes of hidden figures
        ax.set_xlim(0, max(float(left.max(initial=0.0)), 1.0) * (1.25 if hidden.any() else 1.05))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_formatter(formatter(shares, language))
    ax.set_xlabel(xlabel, fontsize=FONT, color=INK)
    if legend_rows:
        figure.legend(
            fontsize=FONT - 1,
            frameon=False,
            loc="lower center",
            ncols=min(len(names), 5),
            bbox_to_anchor=(0.5, 0.0),
        )
    style(figure)
    return figure


def _segment_labels(
    ax: Axes, y: np.ndarray, left: np.ndarray, widths: np.ndarray, colour: object, language: str
) -> None:
    """Write the percentage in each segment of at least 6%, dark or light for contrast."""
    red, green, blue = to_rgb(colour)  # type: ignore[arg-type]
    light = 0.2126 * red + 0.7152 * green + 0.0722 * blue > 0.45
    for i, share in enumerate(widths):
        if share >= 0.06:
            ax.text(
                left[i] + share / 2,
                y[i],
                format_number(share * 100, 0, language),
                ha="center",
                va="center",
                fontsize=FONT - 1.5,
                color=INK if light else "white",
            )
