"""What every chart of `mel.present.figures` shares: colours, fonts, margins, headings and
tick labels in the reader's language."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence

from matplotlib.figure import Figure
from matplotlib.ticker import Formatter

from mel.present.numbers import format_number

INK = "#1f2933"
POINT = "#0b4f8a"
TARGET = "#b35806"
MUTED = "#7b8794"
FONT = 8.5
# Bars of series without an order: told apart by hatching as well as colour.
SERIES_COLOURS = ("#154273", "#8fb1d6", "#5a5a5a", "#c7c7c7")
HATCHES = ("", "//", "..", "xx")
TITLE_LINE = 0.19  # inches per line of title or subtitle
CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


class Ticks(Formatter):
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


def formatter(percent: bool, language: str) -> Formatter:
    """Axis tick labels with Dutch/English separators (percentages from shares)."""
    return Ticks(percent, language)


def style(figure: Figure) -> None:
    """The house style: no top or right spine, muted axes, small ink-coloured ticks."""
    for ax in figure.axes:
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(labelsize=FONT, colors=INK)
        for spine in ax.spines.values():
            spine.set_color(MUTED)


def margins(
    figure: Figure, *, left: float, bottom: float, top: float = 0.3, right: float = 0.25
) -> None:
    """Fixed margins in inches (faster than a layout engine, and the same every time)."""
    width, height = figure.get_size_inches()
    figure.subplots_adjust(
        left=left / width, right=1 - right / width, bottom=bottom / height, top=1 - top / height
    )


def plain(text: str) -> str:
    """A label as one line: control characters (a code's line break) become a space."""
    return CONTROL.sub(" ", text)


def heading_lines(title: str, subtitle: str, width: int) -> list[tuple[str, bool]]:
    """The wrapped lines of a chart's title (bold) and subtitle."""
    return [(line, True) for line in textwrap.wrap(title, width)] + [
        (line, False) for line in textwrap.wrap(subtitle, width)
    ]


def heading_height(lines: Sequence[tuple[str, bool]]) -> float:
    """Inches the heading takes above the axes (none without one)."""
    return TITLE_LINE * len(lines) + 0.12 if lines else 0.0


def draw_heading(figure: Figure, lines: Sequence[tuple[str, bool]]) -> None:
    """Draw the heading lines at the top left of the figure."""
    height = figure.get_size_inches()[1]
    for number, (line, bold) in enumerate(lines):
        figure.text(
            0.1 / figure.get_size_inches()[0],
            1 - (0.08 + TITLE_LINE * number) / height,
            line,
            fontsize=FONT + 1 if bold else FONT,
            fontweight="bold" if bold else "normal",
            color=INK,
            va="top",
        )


def label_width(labels: Sequence[str], size: float = FONT) -> float:
    """Approximate width in inches of the longest label (DejaVu Sans averages 0.6 em)."""
    return max((len(label) for label in labels), default=0) * size * 0.6 / 72
