"""The PDF opens, has the expected pages, and the pathway page is landscape."""

from __future__ import annotations

from pypdf import PdfReader

from tests.reports.conftest import Built

# Cover, summary, fieldwork, one pathway (landscape), five KPIs (two need a second page:
# cijfer with its groups, deelnemers with its trend; tevreden with its answers), appendix.
EXPECTED_PAGES = 13


def test_pdf_opens_with_the_expected_pages(built: Built) -> None:
    pdf = next(p for p in built.files if p.suffix == ".pdf")
    reader = PdfReader(pdf)
    assert len(reader.pages) == EXPECTED_PAGES
    texts = [page.extract_text() for page in reader.pages]
    assert "Impactmeting Werkprogramma" in texts[0]
    landscape = [
        i for i, page in enumerate(reader.pages) if page.mediabox.width > page.mediabox.height
    ]
    assert len(landscape) == 1 and "Impactpaden" in texts[landscape[0]]
    assert any("Bijlage: methode" in text for text in texts[-5:])
    assert f"{EXPECTED_PAGES} / {EXPECTED_PAGES}" in texts[-1]
