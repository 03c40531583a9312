"""Report charts as functions that return a matplotlib Figure (never shown, never global).

Every chart has its numbers in a table beside it in the report, and a text alternative
made by the caller; the charts use shapes and words as well as colour.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter, MaxNLocator

from mel.present.numbers import format_number

INK = "#1f2933"
POINT = "#0b4f8a"
TARGET = "#b35806"
MUTED = "#7b8794"
FONT = 8.5


@dataclass(frozen=True)
class Interval:
    """One row of an interval chart: an estimate with its interval, or a reason for none."""

    label: str
    estimate: float | None = None
    low: float | None = None
    high: float | None = None
    note: str = ""
    header: bool = False

    @property
    def shown(self) -> bool:
        """True when there is a point to draw."""
        return self.estimate is not None and not math.isnan(self.estimate)


class _Ticks(Formatter):
    """Tick labels with Dutch/English separators and as few decimals as the ticks need."""

    def __init__(self, percent: bool, language: str) -> None:
        self.percent = percent
        self.language = language
        self.decimals = 0

    def set_locs(self, locs: Sequence[float]) -> None:
        """Choose the decimals that show every tick exactly (up to four)."""
        super().set_locs(locs)
        shown = [round(v * 100 if self.percent else v, 9) for v in locs]
        self.decimals = 0
        while self.decimals < 4 and any(abs(round(v, self.decimals) - v) > 1e-9 for v in shown):
            self.decimals += 1

    def __call__(self, value: float, pos: int | None = None) -> str:
        shown = value * 100 if self.percent else value
        text = format_number(shown, self.decimals, self.language)
        return f"{text}%" if self.percent else text


def _formatter(percent: bool, language: str) -> Formatter:
    """Axis tick labels with Dutch/English separators (percentages from shares)."""
    return _Ticks(percent, language)


def _style(figure: Figure) -> None:
    for ax in figure.axes:
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(labelsize=FONT, colors=INK)
        for spine in ax.spines.values():
            spine.set_color(MUTED)


def _margins(
    figure: Figure, *, left: float, bottom: float, top: float = 0.3, right: float = 0.25
) -> None:
    """Fixed margins in inches (faster than a layout engine, and the same every time)."""
    width, height = figure.get_size_inches()
    figure.subplots_adjust(
        left=left / width, right=1 - right / width, bottom=bottom / height, top=1 - top / height
    )


def _label_width(labels: Sequence[str], size: float = FONT) -> float:
    """Approximate width in inches of the longest label (DejaVu Sans averages 0.6 em)."""
    return max((len(label) for label in labels), default=0) * size * 0.6 / 72


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
        Drawn as a dashed vertical line labelled `target_label`.
    percent : bool
        Values are shares, labelled as percentages.
    """
    labels = [textwrap.shorten(r.label, 44, placeholder="…") for r in rows]
    # At most about 9.5 inches, so the chart fits an A4 page however many groups it has.
    height = 0.75 + min(0.22, 8.8 / max(len(rows), 1)) * max(len(rows), 1)
    figure = Figure(figsize=(6.6, height))
    _margins(figure, left=_label_width(labels) + 0.2, bottom=0.45 if xlabel else 0.35)
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
    if target is not None:
        ax.axvline(target, color=TARGET, linestyle="--", linewidth=1.2)
        # The label runs away from the nearer edge, so it is never cut off.
        left, right = ax.get_xlim()
        to_left = target > (left + right) / 2
        ax.annotate(
            target_label,
            (target, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(-3 if to_left else 3, 2),
            textcoords="offset points",
            fontsize=FONT - 0.5,
            color=TARGET,
            va="bottom",
            ha="right" if to_left else "left",
        )
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.xaxis.set_major_formatter(_formatter(percent, language))
    ax.xaxis.set_major_locator(MaxNLocator(6))
    ax.set_xlabel(xlabel, fontsize=FONT, color=INK)
    ax.grid(axis="x", color="#e4e7eb", linewidth=0.6)
    ax.set_axisbelow(True)
    _style(figure)
    return figure


def trend_figure(
    points: Sequence[Interval],
    targets: Sequence[tuple[str, float]] = (),
    *,
    percent: bool = False,
    language: str = "nl",
    ylabel: str = "",
    target_label: str = "",
) -> Figure:
    """Estimates with 95% intervals across waves, with the targets as open diamonds.

    Parameters
    ----------
    points : sequence of Interval
        One per wave, oldest first; `label` is the wave's name on the x axis.
    targets : sequence of (label, value)
        Targets on the same x labels (labels not among the points are added).
    """
    labels = list(dict.fromkeys([p.label for p in points] + [t[0] for t in targets]))
    figure = Figure(figsize=(5.2, 2.8))
    _margins(figure, left=0.75, bottom=0.45)
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
    ax.set_xticks(range(len(labels)), labels)
    ax.set_xlim(-0.5, len(labels) - 0.5)
    ax.yaxis.set_major_formatter(_formatter(percent, language))
    ax.yaxis.set_major_locator(MaxNLocator(5))
    ax.set_ylabel(ylabel, fontsize=FONT, color=INK)
    ax.grid(axis="y", color="#e4e7eb", linewidth=0.6)
    ax.set_axisbelow(True)
    _style(figure)
    return figure


def distribution_figure(
    items: Sequence[str],
    categories: Sequence[str],
    shares: Sequence[Sequence[float]],
    *,
    language: str = "nl",
    xlabel: str = "",
) -> Figure:
    """Answer distribution: stacked bars of the shares per answer, one bar per item.

    Parameters
    ----------
    items : sequence of str
        Statements (one bar each) or a single question.
    categories : sequence of str
        Answer labels in scale order; the legend lists them.
    shares : sequence of sequence of float
        ``shares[i][j]`` is the (weighted) share of answer j to item i; rows sum to 1.
    """
    data = np.nan_to_num(np.asarray(shares, dtype=float).reshape(len(items), len(categories)))
    item_labels = [textwrap.shorten(item, 50, placeholder="…") for item in items]
    legend_rows = math.ceil(len(categories) / 5)
    height = 0.8 + 0.42 * len(items) + 0.2 * legend_rows
    figure = Figure(figsize=(6.6, height))
    _margins(
        figure, left=_label_width(item_labels) + 0.2, bottom=0.45 + 0.2 * legend_rows, top=0.15
    )
    ax = figure.add_subplot()
    colours = colormaps["RdYlBu"](np.linspace(0.1, 0.9, len(categories)))
    left = np.zeros(len(items))
    y = np.arange(len(items))[::-1]
    for j, category in enumerate(categories):
        ax.barh(
            y,
            data[:, j],
            left=left,
            color=colours[j],
            edgecolor="white",
            linewidth=0.6,
            label=category,
            height=0.62,
        )
        for i, share in enumerate(data[:, j]):
            if share >= 0.06:
                red, green, blue = colours[j][:3]
                light = 0.2126 * red + 0.7152 * green + 0.0722 * blue > 0.45
                ax.text(
                    left[i] + share / 2,
                    y[i],
                    format_number(share * 100, 0, language),
                    ha="center",
                    va="center",
                    fontsize=FONT - 1.5,
                    color=INK if light else "white",
                )
        left += data[:, j]
    ax.set_yticks(y, item_labels)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(_formatter(True, language))
    ax.set_xlabel(xlabel, fontsize=FONT, color=INK)
    figure.legend(
        fontsize=FONT - 1,
        frameon=False,
        loc="lower center",
        ncols=min(len(categories), 5),
        bbox_to_anchor=(0.5, 0.0),
    )
    _style(figure)
    return figure
