"""The census chart: a bar per year, the imputed part stacked on the reported total."""

from __future__ import annotations

import pytest

from mel.present.census_figure import census_figure


def test_imputed_part_sits_on_the_reported_total() -> None:
    figure = census_figure([2025, 2026], [100.0, 83.0], [0.0, 33.4], reported_label="r",
                           imputed_label="i")  # fmt: skip
    ax = figure.axes[0]
    reported, imputed = ax.containers
    assert [bar.get_height() for bar in reported] == [100.0, 83.0]
    assert [bar.get_y() for bar in imputed] == [100.0, 83.0]
    assert [bar.get_height() for bar in imputed] == pytest.approx([0.0, 33.4])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["r", "i"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2025", "2026"]
