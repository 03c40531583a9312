"""No table cell of the printed report is wider than its column (nothing cut off)."""

from __future__ import annotations

import pytest

from mel.reports.pdf import Chromium, find_chromium
from mel.reports.render import print_page
from tests.reports.conftest import Built

pytestmark = pytest.mark.skipif(find_chromium() is None, reason="needs Chromium")


def test_no_table_cell_overflows_its_column(built: Built) -> None:
    html = print_page(built.report)
    with Chromium(find_chromium() or "chromium") as browser, browser.new_tab() as tab:
        tab.load(html)
        assert tab.overflowing_cells() == []
        # the check sees a cell that does overflow: a long word in a narrow numeric cell
        wide = html.replace(
            "</tbody>",
            '<tr><th scope="row">x</th><td class="num">+2,5\u00a0procentpuntenverschil'
            "\u00a0tussen\u00a0twee\u00a0metingen\u00a0in\u00a0een\u00a0smalle\u00a0kolom"
            "</td></tr></tbody>",
            1,
        )
        tab.load(wide)
        [found] = tab.overflowing_cells()
        assert "procentpuntenverschil" in found
