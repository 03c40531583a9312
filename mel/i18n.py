"""Interface words in Dutch (default) and English, from one gettext message catalogue.

Question texts come from the survey files; every other word a person reads in mel comes
from `mel/locales/<lang>/LC_MESSAGES/messages.po`, so that nothing on a page stays Dutch when
English was chosen. msgids are stable keys (`"staff_login"`, `"status_met"`), not sentences:
both catalogues carry the text, a translator edits it without touching code, and two
messages with the same English but different Dutch never collide. Templates call
`t("key", n=3)`; Python code calls `translate("key", lang, n=3)`; placeholders are
`str.format` fields. A survey's address form ("je" or "u", see
`InstrumentDefinition.address`) picks the informal Dutch, stored under msgctxt "je".
A survey may carry further languages (tr, ar, …: `mel.surveys.languages`); a page in one
of those shows these interface words in English (`interface_language`).

The `.po` files are read directly (`babel.messages.pofile.read_po`, once per process), so a
fresh clone and a wheel need no compile step. The web layer's request-language lookup is
in `mel.web.language`; this module imports no Flask.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
INFORMAL = "je"  # msgctxt of the informal Dutch variant of a message
LOCALES = Path(__file__).parent / "locales"


def catalogue_path(lang: str) -> Path:
    """The `.po` file of a language."""
    return LOCALES / lang / "LC_MESSAGES" / "messages.po"


@cache
def catalogue(lang: str) -> dict[tuple[str | None, str], str]:
    """A language's messages: (msgctxt, msgid) -> text (fuzzy and empty ones left out)."""
    with catalogue_path(lang).open("rb") as file:
        messages = read_po(file, locale=lang)
    return {
        (message.context, message.id): message.string
        for message in messages
        if message.id and isinstance(message.string, str) and message.string and not message.fuzzy
    }


def known(key: str) -> bool:
    """Whether the catalogue has a message `key`."""
    return (None, key) in catalogue(DEFAULT_LANGUAGE)


def interface_language(lang: str) -> str:
    """Return the catalogue language of a page in `lang`: nl or en, English for any other."""
    return lang if lang in LANGUAGES else "en"


def translate(
    key: str, lang: str = DEFAULT_LANGUAGE, *, address: str | None = None, **values: Any
) -> str:
    """Return the message `key` in `lang` (English for other languages), filled with `values`.

    A page in a survey language besides nl and en (e.g. tr) shows interface words in English.

    `address="je"` gives the informal Dutch where a message addresses the reader. A key
    missing from the catalogue raises KeyError (a typo should fail a test, not show a key).
    """
    lang = interface_language(lang)
    messages = catalogue(lang)
    text = messages.get((INFORMAL, key)) if address == INFORMAL else None
    if text is None:
        text = messages.get((None, key)) or catalogue(DEFAULT_LANGUAGE)[(None, key)]
    return text.format(**values) if values else text
