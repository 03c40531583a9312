"""A forest plot draws the national target on the national rows only, never on groups."""

from __future__ import annotations

from matplotlib.collections import LineCollection
from matplotlib.colors import to_hex

from mel.present.figures import TARGET, Interval, interval_figure


def _target_segments(figure) -> list[tuple[float, float, float]]:  # type: ignore[no-untyped-def]
    """(x, y from, y to) of every dashed target mark in the figure."""
    found = []
    for collection in figure.axes[0].collections:
        if isinstance(collection, LineCollection) and _colour(collection) == TARGET.lower():
            for segment in collection.get_segments():
                (x0, y0), (x1, y1) = segment
                assert x0 == x1
                found.append((x0, min(y0, y1), max(y0, y1)))
    return found


def _colour(collection: LineCollection) -> str:
    return to_hex(collection.get_colors()[0])


def test_target_only_on_national_rows() -> None:
    rows = [
        Interval("Nederland", 7.2, 6.9, 7.5, header=True, national=True),
        Interval("Regio", header=True),
        Interval("Noord", 6.5, 6.0, 7.0),
        Interval("Zuid", 7.8, 7.3, 8.3),
    ]
    figure = interval_figure(rows, target=7.0, target_label="Streefwaarde 2025: 7,0")
    segments = _target_segments(figure)
    # rows are drawn top to bottom: the national row sits at y = 3
    assert segments == [(7.0, 3 - 0.42, 3 + 0.42)]
    # no line across the whole plot (axvline) either
    assert not [line for line in figure.axes[0].lines if to_hex(line.get_color()) == TARGET.lower()]
    label = [t for t in figure.axes[0].texts if t.get_text().startswith("Streefwaarde")]
    assert len(label) == 1


def test_no_national_row_no_target() -> None:
    rows = [Interval("Noord", 6.5, 6.0, 7.0), Interval("Zuid", 7.8, 7.3, 8.3)]
    figure = interval_figure(rows, target=7.0, target_label="Streefwaarde")
    assert _target_segments(figure) == []
    assert not [t for t in figure.axes[0].texts if t.get_text() == "Streefwaarde"]


def test_target_outside_the_intervals_is_in_view() -> None:
    rows = [Interval("Nederland", 0.4, 0.35, 0.45, national=True)]
    figure = interval_figure(rows, target=0.8, target_label="Doel", percent=True)
    left, right = figure.axes[0].get_xlim()
    assert left <= 0.8 <= right
