"""Review quotes through the one scrubber: e-mail addresses, phone numbers, names (the
title stays, as in the report's quotes); unit pseudonyms."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from mel.services.reviews.pseudonyms import pseudonyms
from mel.services.reviews.redact import looks_like_name, redact
from tests.review_factories import make_pps


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mail j.jansen@roc-utrecht.nl of bel 06-12345678.",
            "Mail [e-mailadres] of bel [telefoonnummer].",
        ),
        ("Bel +31 6 1234 5678 of 020 - 123 45 67.", "Bel [telefoonnummer] of [telefoonnummer]."),
        (
            "In 2024 en 2025 waren er 12.500 deelnemers.",
            "In 2024 en 2025 waren er 12.500 deelnemers.",
        ),
        ("Mevrouw De Graaf en dhr. Ahmed el Amrani", "Mevrouw [naam] en dhr. [naam]"),
        (
            "volgens de heer Van der Berg, J. Smit en Dr. Yilmaz",
            "volgens de heer [naam], [naam] en Dr. [naam]",
        ),
        ("Jan de Vries trekt het; De Vries en jan zijn", "[naam] trekt het; [naam] en [naam] zijn"),
        ("Samen met Pps Zorg Utrecht en pps zorg utrecht.", "Samen met pps 007 en pps 007."),
        ("De projectleider regelt het.", "De projectleider regelt het."),
    ],
)
def test_redact(text: str, expected: str) -> None:
    units = {"Pps Zorg Utrecht": "pps 007"}
    assert redact(text, names=["Jan de Vries"], units=units) == expected


def test_redact_in_english() -> None:
    assert redact("Call 0612345678, Mrs Smith", lang="en") == "Call [phone number], Mrs [name]"


def test_owner_names_and_roles() -> None:
    assert looks_like_name("Jan de Vries") and looks_like_name("Fatima El Idrissi")
    assert not looks_like_name("projectleider") and not looks_like_name("Stuurgroep")


def test_pseudonyms_are_stable_keyed_and_numbered_per_kind(engine: Engine) -> None:
    with Session(engine) as session:
        units = make_pps(session, 12)
        programme_id = units[0].programme_id
        first = pseudonyms(session, programme_id, "secret")
        assert first == pseudonyms(session, programme_id, "secret")
        assert sorted(first[u.id] for u in units) == [f"pps {i:03d}" for i in range(1, 13)]
        other = pseudonyms(session, programme_id, "another secret")
        assert other != first  # the order comes from the key, not from codes or ids
        assert [first[u.id] for u in units] != [f"pps {i:03d}" for i in range(1, 13)]
