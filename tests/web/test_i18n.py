"""Every interface string exists in Dutch and English, and templates only use known keys."""

from __future__ import annotations

import re

from mel.i18n import STRINGS, translate
from mel.settings import project_path
from mel.web.survey.strings import INFORMAL_NL, SURVEY_STRINGS


def test_every_string_has_both_languages() -> None:
    for key, (nl, en) in STRINGS.items():
        assert nl.strip() and en.strip(), key
        assert set(re.findall(r"{(\w+)}", nl)) == set(re.findall(r"{(\w+)}", en)), key


def test_participant_templates_use_known_keys() -> None:
    folder = project_path("templates")
    used: set[str] = set()
    for template in [
        folder / "base.html",
        folder / "error.html",
        *(folder / "survey").glob("*.html"),
    ]:
        used.update(re.findall(r"\bt\('(\w+)'[,)]", template.read_text(encoding="utf-8")))
    assert used and used <= set(STRINGS), used - set(STRINGS)


def test_translate_fills_placeholders_and_falls_back_to_dutch() -> None:
    assert translate("progress", "en", n=2, total=5) == "Page 2 of 5"
    assert translate("progress", "fr", n=2, total=5) == "Pagina 2 van 5"


FORMAL = re.compile(r"\b([Uu]w?|heeft u|kunt u)\b")


def test_every_formal_participant_string_has_its_informal_dutch() -> None:
    """A survey with `address_form: je` never shows a 'u' in the interface's Dutch."""
    formal = {key for key, (nl, _) in SURVEY_STRINGS.items() if FORMAL.search(nl)}
    assert formal and formal <= set(INFORMAL_NL), formal - set(INFORMAL_NL)
    for key, text in INFORMAL_NL.items():
        assert key in SURVEY_STRINGS, key
        assert not FORMAL.search(text), (key, text)
        placeholders = set(re.findall(r"{(\w+)}", SURVEY_STRINGS[key][0]))
        assert set(re.findall(r"{(\w+)}", text)) == placeholders, key


def test_translate_picks_the_address_form() -> None:
    assert translate("done_text", "nl", address="je").startswith("Je antwoorden")
    assert translate("done_text", "nl", address="u").startswith("Uw antwoorden")
    assert translate("done_text", "nl").startswith("Uw antwoorden")
    assert translate("done_text", "en", address="je") == translate("done_text", "en")
