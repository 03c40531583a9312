"""Languages of an imported form: texts lacking a language the form carries get a stand-in.

pyxform accepts a form whose `label::Türkçe (tr)` column is empty on some rows (ODK then
shows the default language there); mel asks every text for each further language a survey
carries (`mel.surveys.language_checks`). The importer fills such a gap with the English
text (else the Dutch one) and lists each one, so the survey validates and nothing changes
silently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from mel.surveys.languages import is_language, language_name
from mel.surveys.yamlfile import Location, format_location


def _is_text(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("nl"), str)
        and all(isinstance(k, str) and is_language(k) for k in value)
    )


def _texts(value: Any, where: Location, name: str) -> Iterator[tuple[Location, str, dict]]:
    """Yield (location, owning question/page name, text dict) in a survey definition dict."""
    if _is_text(value):
        yield where, name, value
    elif isinstance(value, dict):
        own = value.get("name", value.get("value", name))
        own = str(own) if isinstance(own, str | int) else name
        for key, item in value.items():
            yield from _texts(item, (*where, key), own)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, (*where, index), name)


def fill_missing_languages(definition: dict, note: Callable[[str, str], None]) -> list[str]:
    """Give every text each further language some text has; list each stand-in.

    Returns the further languages (besides nl and en) the form carries.
    """
    found = list(_texts(definition, (), ""))
    carried = sorted({code for _, _, text in found for code in text} - {"nl", "en"})
    for where, name, text in found:
        # XLSForm's form_title is one text for every language: no change to list.
        quiet = where == ("title",) and set(text) == {"nl"}
        for code in carried:
            if code in text:
                continue
            stand_in = "English" if text.get("en") else "Dutch"
            text[code] = text.get("en") or text["nl"]
            if quiet:
                continue
            owner = f" of {name!r}" if name else ""
            note(
                format_location(where),
                f"no {language_name(code)} ({code}) text{owner}; the {stand_in} text is used",
            )
    return carried
