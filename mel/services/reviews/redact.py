"""Review quotes without who said them: the one scrubber of published quotes
(`mel.disclosure.quotes.Scrubber`) with the programme's known names and its units'
pseudonyms."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from mel.disclosure.quotes import Scrubber, looks_like_name
from mel.present.quotes import quote_markers

__all__ = ["Redactor", "looks_like_name", "redact"]


class Redactor(Scrubber):
    """The scrubber of one set of names and units, compiled once for many quotes."""

    def __init__(
        self,
        *,
        names: Iterable[str] = (),
        units: Mapping[str, str] | None = None,
        lang: str = "nl",
    ) -> None:
        super().__init__(quote_markers(lang), names=names, units=units)


def redact(
    text: str,
    *,
    names: Iterable[str] = (),
    units: Mapping[str, str] | None = None,
    lang: str = "nl",
) -> str:
    """Return `text` without e-mail addresses, phone numbers and names (see the scrubber)."""
    return Redactor(names=names, units=units, lang=lang)(text)
