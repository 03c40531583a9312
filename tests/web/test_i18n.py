"""Templates use known message keys; translate fills placeholders, picks the address form."""

from __future__ import annotations

import re

from mel.i18n import INFORMAL, catalogue, known, translate
from mel.settings import project_path


def test_participant_templates_use_known_keys() -> None:
    folder = project_path("templates")
    used: set[str] = set()
    for template in [
        folder / "base.html",
        folder / "error.html",
        *(folder / "survey").glob("*.html"),
    ]:
        used.update(re.findall(r"\bt\('(\w+)'[,)]", template.read_text(encoding="utf-8")))
    assert used and all(known(key) for key in used), {k for k in used if not known(k)}


def test_translate_fills_placeholders_and_falls_back_to_english() -> None:
    assert translate("progress", "en", n=2, total=5) == "Page 2 of 5"
    assert translate("progress", "nl", n=2, total=5) == "Pagina 2 van 5"
    # Survey languages besides nl and en have no interface catalogue: English is shown.
    assert translate("progress", "fr", n=2, total=5) == "Page 2 of 5"


FORMAL = re.compile(r"\b([Uu]w?|heeft u|kunt u)\b")
# Participant messages still written only formally (the unit pages and the 503 page were never
# given informal Dutch); staff messages (staff_*, the wave fieldwork page's fwc_*, the
# report's AAPOR table aapor_*) address staff, who are always "u".
STAFF_PREFIXES = ("staff_", "fwc_", "aapor_")
STAFF_KEYS = {"review_passage_hint"}  # the staff page that codes review findings
NOT_YET_INFORMAL = {
    "err_open_link_needs_unit",
    "err_open_link_off",
    "err_text_503",
    "unit_heading_person",
    "unit_heading_unit",
    "unit_chosen",
    "unit_answered_kept",
    "unit_answered_contact",
    "unit_intro",
}


def test_every_formal_participant_string_has_its_informal_dutch() -> None:
    """A survey with `address_form: je` never shows a 'u' in the interface's Dutch."""
    nl = catalogue("nl")
    formal = {
        key
        for (context, key), text in nl.items()
        if context is None
        and FORMAL.search(text)
        and not key.startswith(STAFF_PREFIXES)
        and key not in STAFF_KEYS
    }
    informal = {key for context, key in nl if context == INFORMAL}
    assert formal and formal - NOT_YET_INFORMAL <= informal, formal - NOT_YET_INFORMAL - informal
    for key in informal:
        text = nl[(INFORMAL, key)]
        assert (None, key) in nl, key
        assert not FORMAL.search(text), (key, text)
        placeholders = set(re.findall(r"{(\w+)}", nl[(None, key)]))
        assert set(re.findall(r"{(\w+)}", text)) == placeholders, key


def test_translate_picks_the_address_form() -> None:
    assert translate("done_text", "nl", address="je").startswith("Je antwoorden")
    assert translate("done_text", "nl", address="u").startswith("Uw antwoorden")
    assert translate("done_text", "nl").startswith("Uw antwoorden")
    assert translate("done_text", "en", address="je") == translate("done_text", "en")
