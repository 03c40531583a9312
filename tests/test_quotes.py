"""Quotes: names, addresses and phone numbers scrubbed; the sample is seeded and prefers marks."""

from __future__ import annotations

import pytest

from mel.disclosure.quotes import digest, quotes_shown, sample_quotes, scrub, shorten

MARKERS = {"email": "e-mail", "url": "web", "phone": "phone", "name": "name"}


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        ("Mail jan.devries@school.nl voor info.", "Mail [e-mail] voor info."),
        ("Bel ons op 06-12345678 of +31 (0)30 123 45 67.", "Bel ons op [phone] of [phone]."),
        ("Zie www.voorbeeld.nl en https://x.org/a?b=1 hier.", "Zie [web] en [web] hier."),
        ("Samen met Jan de Vries uitgewerkt.", "Samen met [name] uitgewerkt."),
        ("Met Jan de Vries uitgewerkt.", "Met [name] uitgewerkt."),
        ("Jan Jansen hielp ons.", "[name] hielp ons."),
        ("Mijn naam is Anna van der Berg.", "Mijn naam is [name]."),
        ("Dhr. Jansen regelde alles.", "Dhr. [name] regelde alles."),
        ("Veel hulp van Pieter gehad.", "Veel hulp van [name] gehad."),
        ("Fijn dat Katapult dit steunt.", "Fijn dat Katapult dit steunt."),  # kept name
        ("Het MKB deed goed mee.", "Het MKB deed goed mee."),  # acronyms stay
        ("Goede samenwerking met bedrijven.", "Goede samenwerking met bedrijven."),
        ("In 2024 hadden we 120 studenten.", "In 2024 hadden we 120 studenten."),
    ],
)
def test_scrub(text: str, printed: str) -> None:
    assert scrub(text, MARKERS, keep=["Katapult"]) == printed


def test_sample_is_reproducible_distinct_and_prefers_marked_quotes() -> None:
    texts = [f"Antwoord nummer {i} met genoeg woorden" for i in range(20)] * 2 + ["Kort."]
    first = sample_quotes(texts, set(), 5, "katapult/2025/vraag")
    assert first == sample_quotes(list(reversed(texts)), set(), 5, "katapult/2025/vraag")
    assert len(set(first)) == 5 and "Kort." not in first
    assert first != sample_quotes(texts, set(), 5, "katapult/2025/andere-vraag")
    marked = {digest(texts[17]), digest(texts[3])}
    chosen = sample_quotes(texts, marked, 3, "katapult/2025/vraag")
    assert set(chosen[:2]) == {texts[17], texts[3]}
    assert sample_quotes(texts, set(), 0, "s") == []


def test_limits() -> None:
    assert quotes_shown(10, 10) and not quotes_shown(9, 10)
    assert shorten("woord " * 200).endswith("\u2026") and len(shorten("woord " * 200)) <= 401
    assert digest(" Goed  zo ") == digest("Goed zo")
