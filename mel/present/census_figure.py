"""The chart of a census indicator across years: reported and imputed parts of each total."""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from mel.present.chart_style import (
    FONT,
    HATCHES,
    INK,
    SERIES_COLOURS,
    formatter,
    margins,
    style,
)


def census_figure(
    years: Sequence[int],
    reported: Sequence[float],
    imputed: Sequence[float],
    *,
    language: str = "nl",
    reported_label: str = "",
    imputed_label: str = "",
    ylabel: str = "",
) -> Figure:
    """Stacked bars per year: the total over reporting units, and on top the imputed part
    (hatched, so it reads without colour).

    Parameters
    ----------
    years : sequence of int
        The census years, oldest first.
    reported, imputed : sequence of float
        Per year, the reported total and the imputed addition.
    reported_label, imputed_label : str
        Legend texts; ylabel : str the axis label.
    """
    figure = Figure(figsize=(5.2, 2.9))
    margins(figure, left=0.95, bottom=0.75, top=0.2)
    ax = figure.add_subplot()
    x = list(range(len(years)))
    ax.bar(x, reported, width=0.55, color=SERIES_COLOURS[0], label=reported_label)
    ax.bar(
        x,
        imputed,
        width=0.55,
        bottom=reported,
        color="white",
        edgecolor=SERIES_COLOURS[0],
        hatch=HATCHES[1],
        linewidth=0.8,
        label=imputed_label,
    )
    ax.set_xticks(x, [str(y) for y in years])
    ax.set_xlim(-0.6, len(years) - 0.4)
    ax.yaxis.set_major_formatter(formatter(False, language))
    ax.yaxis.set_major_locator(MaxNLocator(5))
    ax.set_ylabel(ylabel, fontsize=FONT, color=INK)
    ax.grid(axis="y", color="#e4e7eb", linewidth=0.6)
    ax.set_axisbelow(True)
    if reported_label or imputed_label:
        # Below the axes, so that it never covers a bar.
        ax.legend(
            fontsize=FONT - 0.5,
            frameon=False,
            loc="upper center",
            ncol=2,
            bbox_to_anchor=(0.5, -0.14),
        )
    style(figure)
    return figure
