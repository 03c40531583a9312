"""The trajectory chart: baseline, measured waves with intervals, the path, the targets.

One chart per KPI with a target in a later year: the x axis is the calendar year (waves,
baseline and targets on one time scale), measured waves are points with their 95%
intervals, the baseline an open circle, the straight path from the starting point to the
next target a dashed line, the targets open diamonds, and go/no-go thresholds short
labelled bars at their year. Shapes and line styles carry the meaning as well as colour,
so the chart survives greyscale printing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from mel.present.chart_style import FONT, INK, MUTED, POINT, TARGET, formatter, margins, style


@dataclass(frozen=True)
class Measured:
    """A measured wave on the chart: its year, estimate and interval."""

    year: int
    estimate: float
    low: float
    high: float


@dataclass(frozen=True)
class TrajectoryLabels:
    """The words of the legend, in the reader's language."""

    measured: str
    baseline: str
    path: str
    target: str
    go: str
    no_go: str


def trajectory_figure(
    measured: Sequence[Measured],
    targets: Sequence[tuple[int, float]],
    labels: TrajectoryLabels,
    *,
    baseline: tuple[int, float] | None = None,
    path: tuple[tuple[int, float], tuple[int, float]] | None = None,
    go_no_go: tuple[int, float, float] | None = None,
    percent: bool = False,
    language: str = "nl",
) -> Figure:
    """Draw the way of a KPI from its baseline through the measured waves to its targets.

    Parameters
    ----------
    measured : sequence of Measured
        The measured waves, oldest first.
    targets : sequence of (year, value)
        Every target of the KPI.
    labels : TrajectoryLabels
        Legend words.
    baseline : (year, value), optional
    path : ((year, value), (year, value)), optional
        Start and end of the straight path the current wave is judged against.
    go_no_go : (year, go, no_go), optional
    percent : bool
        Values are shares, shown as percentages.
    """
    figure = Figure(figsize=(5.2, 2.9))
    margins(figure, left=0.75, bottom=0.45, top=0.3)
    ax = figure.add_subplot()
    if path is not None:
        (x0, y0), (x1, y1) = path
        ax.plot([x0, x1], [y0, y1], linestyle="--", color=MUTED, linewidth=1.2, label=labels.path)
    if baseline is not None:
        ax.plot(
            [baseline[0]],
            [baseline[1]],
            linestyle="none",
            marker="o",
            markerfacecolor="white",
            markeredgecolor=INK,
            markersize=6,
            label=labels.baseline,
        )
    if measured:
        xs = [m.year for m in measured]
        est = np.array([m.estimate for m in measured], dtype=float)
        low = np.array([m.low for m in measured], dtype=float)
        high = np.array([m.high for m in measured], dtype=float)
        ax.errorbar(
            xs,
            est,
            yerr=[est - low, high - est],
            fmt="o",
            color=POINT,
            capsize=4,
            elinewidth=1.6,
            markersize=6,
            label=labels.measured,
        )
    if targets:
        ax.plot(
            [t[0] for t in targets],
            [t[1] for t in targets],
            linestyle="none",
            marker="D",
            markerfacecolor="white",
            markeredgecolor=TARGET,
            markersize=6,
            label=labels.target,
        )
    if go_no_go is not None:
        year, go, no_go = go_no_go
        for value, text, style_ in ((go, labels.go, "-"), (no_go, labels.no_go, ":")):
            ax.hlines(value, year - 0.35, year + 0.35, colors=TARGET, linestyles=style_)
            ax.annotate(
                text,
                (year + 0.4, value),
                fontsize=FONT - 1,
                color=INK,
                va="center",
            )
    years = [m.year for m in measured] + [t[0] for t in targets]
    years += [baseline[0]] if baseline is not None else []
    if years:
        ax.set_xlim(min(years) - 0.6, max(years) + 1.2)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_formatter(lambda value, _pos: f"{value:.0f}")
    ax.yaxis.set_major_formatter(formatter(percent, language))
    ax.yaxis.set_major_locator(MaxNLocator(5))
    ax.grid(axis="y", color="#e4e7eb", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.legend(fontsize=FONT - 0.5, frameon=False, loc="best")
    style(figure)
    return figure


__all__ = ["Measured", "TrajectoryLabels", "trajectory_figure"]
