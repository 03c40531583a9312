"""An impact pathway as a diagram: levels as columns, links as arrows, KPI status on nodes."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from mel.surveys.programme_schema import LEVELS, Pathway

WIDTH = 10.0  # inches: fits a landscape A4 page
FONT = 7.0
LINE = FONT * 1.3 / 72  # inches per text line
PAD = 0.07
GAP = 0.2
HEADER = 0.4
WRAP = 27  # characters per line of a node label
WRAP_BOLD = 24
LINK_WIDTH = {"low": 0.7, "medium": 1.2, "high": 1.9}
LINK_STYLE = {"increases": "solid", "decreases": "dashed", "part_of": "dotted"}


@dataclass(frozen=True)
class NodeKpi:
    """A KPI shown on a node: its status as a symbol and words, and its name."""

    symbol: str
    status: str
    label: str
    colour: str


@dataclass(frozen=True)
class _Box:
    x: float
    y: float  # top
    width: float
    height: float

    @property
    def middle(self) -> float:
        return self.y - self.height / 2


def _lines(label: str, kpis: Sequence[NodeKpi]) -> tuple[list[str], list[tuple[str, str]]]:
    """Wrapped label lines, and (text, colour) lines for the KPIs."""
    head = textwrap.wrap(label, WRAP) or [""]
    body: list[tuple[str, str]] = []
    for kpi in kpis:
        wrapped = textwrap.wrap(
            f"{kpi.symbol} {kpi.status}: {kpi.label}", WRAP_BOLD, subsequent_indent="   "
        )
        body.extend((line, kpi.colour) for line in wrapped)
    return head, body


def _layout(
    pathway: Pathway, labels: Mapping[str, str], kpis: Mapping[str, Sequence[NodeKpi]]
) -> tuple[dict[str, _Box], float]:
    """Place the nodes: one column per level, columns centred vertically."""
    column_width = WIDTH / len(LEVELS)
    heights: dict[str, float] = {}
    for node in pathway.nodes:
        head, body = _lines(labels[node.code], kpis.get(node.code, ()))
        heights[node.code] = (len(head) + len(body) + (0.4 if body else 0)) * LINE + 2 * PAD
    columns = {level: [n for n in pathway.nodes if n.level == level] for level in LEVELS}
    totals = {
        level: sum(heights[n.code] for n in nodes) + GAP * max(len(nodes) - 1, 0)
        for level, nodes in columns.items()
    }
    body_height = max(totals.values())
    boxes: dict[str, _Box] = {}
    for i, level in enumerate(LEVELS):
        top = body_height - (body_height - totals[level]) / 2
        for node in columns[level]:
            width = column_width * 0.84
            boxes[node.code] = _Box(
                column_width * i + (column_width - width) / 2, top, width, heights[node.code]
            )
            top -= heights[node.code] + GAP
    return boxes, body_height


def pathway_figure(
    pathway: Pathway,
    kpis: Mapping[str, Sequence[NodeKpi]] | None = None,
    *,
    level_labels: Mapping[str, str] | None = None,
    language: str = "nl",
) -> Figure:
    """Draw `pathway` from input (left) to impact (right) with each node's KPI status.

    Parameters
    ----------
    pathway : Pathway
        Nodes (placed in their level's column, in file order) and links (arrows; line
        width shows the confidence, dashed means "decreases", dotted "part of").
    kpis : mapping of node code to sequence of NodeKpi
        KPI lines printed in the node, each with a status symbol and words.
    level_labels : mapping of level to str
        Column titles (default: the level names).
    """
    kpis = kpis or {}
    labels = {n.code: n.label.get(language) for n in pathway.nodes}
    boxes, body_height = _layout(pathway, labels, kpis)
    height = body_height + HEADER + 0.1
    figure = Figure(figsize=(WIDTH, height + 0.1))
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, WIDTH)
    ax.set_ylim(-0.1, height)
    ax.axis("off")
    column_width = WIDTH / len(LEVELS)
    for i, level in enumerate(LEVELS):
        ax.text(
            column_width * (i + 0.5),
            height - 0.08,
            (level_labels or {}).get(level, level),
            ha="center",
            va="top",
            fontsize=FONT + 2,
            fontweight="bold",
            color="#323f4b",
        )
    for link in pathway.links:
        _arrow(ax, boxes[link.source], boxes[link.target], link.relation, link.confidence)
    for node in pathway.nodes:
        _node(ax, boxes[node.code], labels[node.code], kpis.get(node.code, ()))
    return figure


def _node(ax: Axes, box: _Box, label: str, kpis: Sequence[NodeKpi]) -> None:
    """Draw one node: a box, its wrapped label and its KPI lines."""
    ax.add_patch(
        FancyBboxPatch(
            (box.x, box.y - box.height),
            box.width,
            box.height,
            boxstyle="round,pad=0,rounding_size=0.06",
            facecolor="#eef4fb" if kpis else "white",
            edgecolor="#0b4f8a" if kpis else "#9aa5b1",
            linewidth=1.3 if kpis else 0.8,
            zorder=3,
        )
    )
    head, body = _lines(label, kpis)
    y = box.y - PAD
    for line in head:
        ax.text(box.x + PAD, y, line, fontsize=FONT, va="top", color="#1f2933", zorder=4)
        y -= LINE
    y -= 0.4 * LINE if body else 0
    for line, colour in body:
        ax.text(
            box.x + PAD, y, line, fontsize=FONT, va="top", color=colour, fontweight="bold", zorder=4
        )
        y -= LINE


def _arrow(ax: Axes, source: _Box, target: _Box, relation: str, confidence: str) -> None:
    """Draw one link; same-level links curve along the right-hand side."""
    if target.x > source.x + 0.01:
        start, end, rad = (source.x + source.width, source.middle), (target.x, target.middle), 0.0
    elif target.x < source.x - 0.01:
        start, end, rad = (source.x, source.middle), (target.x + target.width, target.middle), 0.35
    else:  # same level: along the right-hand side
        right = source.x + source.width
        start, end, rad = (
            (right, source.middle),
            (right, target.middle),
            (-0.5 if target.middle < source.middle else 0.5),
        )
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle="-|>",
            mutation_scale=9,
            connectionstyle=f"arc3,rad={rad}",
            linewidth=LINK_WIDTH.get(confidence, 1.0),
            linestyle=LINK_STYLE.get(relation, "solid"),
            color="#52606d",
            shrinkA=1,
            shrinkB=1,
            zorder=2,
        )
    )
