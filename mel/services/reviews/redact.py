"""Quotes without who said them: e-mail addresses, phone numbers and names taken out.

What is replaced, in this order: e-mail addresses; phone numbers (the rule of
`mel.services.references.looks_like_phone`: Dutch and international numbers, however
written); names of units of the programme (by their pseudonym, so a quote about another
partnership stays readable); known personal names (contacts of the programme's waves and
action owners that look like a name), also the first name and the surname alone; and
personal names after a title or initials (``mevrouw Jansen``, ``dhr. De Vries``,
``J. van der Berg``). Over-redaction is the safe side: a year next to a phone number goes
with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from mel.i18n import translate
from mel.services.references import looks_like_phone

EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+")
# Runs of digits and phone separators long enough to hold a number (checked as a whole).
DIGITS = re.compile(r"(?<![\w+])\+?\d[\d \t().\-/]{6,}\d(?!\w)")
PARTICLE = r"(?:(?:van|von|de|der|den|ter|ten|het|in|op|'t|la|le|du|da|di|el|al|ben|bin)\s+)"
SURNAME = rf"{PARTICLE}*[A-Z][\w'-]+(?:-[A-Z][\w'-]+)?"
TITLED = re.compile(
    r"\b(?:[Dd]e\s+heer|[Mm]evrouw|[Mm]eneer|[Dd]hr\.?|[Mm]evr\.?|[Mm]w\.?|[Hh]r\.?|Mr\.?|"
    r"Mrs\.?|Ms\.?|Dr\.?|Drs\.?|Ir\.?|Ing\.?|Prof\.?)\s+(?:[A-Z]\.\s*)*"
    + r"(?:[A-Z][a-z]+\s+)?"
    + SURNAME
)
INITIALS = re.compile(r"\b(?:[A-Z]\.\s?){1,4}" + SURNAME)
NAME_LIKE = re.compile(rf"^[A-Z][a-z]+(?:\s+{PARTICLE}*[A-Z][\w'-]+)+$")


def looks_like_name(value: str) -> bool:
    """Whether `value` looks like a personal name (first name and surname, capitalised)."""
    return bool(NAME_LIKE.match(value.strip()))


def name_variants(names: Iterable[str]) -> list[str]:
    """Return each name, its first name and its surname (with particles), longest first."""
    found: set[str] = set()
    for name in names:
        name = " ".join(name.split())
        if not name:
            continue
        found.add(name)
        first, _, rest = name.partition(" ")
        if len(first) >= 3:
            found.add(first)
        if rest:
            found.add(rest)
            bare = re.sub(rf"^{PARTICLE}+", "", rest, flags=re.IGNORECASE)
            if len(bare) >= 3:
                found.add(bare)
    return sorted(found, key=lambda n: (-len(n), n))


class Redactor:
    """The redaction of one set of names and units, compiled once for many quotes."""

    def __init__(
        self,
        *,
        names: Iterable[str] = (),
        units: Mapping[str, str] | None = None,
        lang: str = "nl",
    ) -> None:
        self.name_mark = translate("review_redacted_name", lang)
        self.email_mark = translate("review_redacted_email", lang)
        self.phone_mark = translate("review_redacted_phone", lang)
        self.units = {k.lower(): v for k, v in (units or {}).items() if k.strip()}
        self.unit_pattern = self._alternatives(sorted(self.units, key=lambda n: (-len(n), n)))
        self.name_pattern = self._alternatives(name_variants(names))

    @staticmethod
    def _alternatives(texts: list[str]) -> re.Pattern[str] | None:
        if not texts:
            return None
        pattern = "|".join(re.escape(t) for t in texts)
        return re.compile(rf"(?<!\w)(?:{pattern})(?!\w)", re.IGNORECASE)

    def __call__(self, text: str) -> str:
        """Return `text` without e-mail addresses, phone numbers and names."""
        text = EMAIL.sub(self.email_mark, text)
        text = DIGITS.sub(
            lambda m: self.phone_mark if looks_like_phone(m.group()) else m.group(), text
        )
        if self.unit_pattern is not None:
            text = self.unit_pattern.sub(lambda m: self.units[m.group().lower()], text)
        if self.name_pattern is not None:
            text = self.name_pattern.sub(self.name_mark, text)
        text = TITLED.sub(self.name_mark, text)
        return INITIALS.sub(self.name_mark, text)


def redact(
    text: str,
    *,
    names: Iterable[str] = (),
    units: Mapping[str, str] | None = None,
    lang: str = "nl",
) -> str:
    """Return `text` without e-mail addresses, phone numbers and names (see module doc)."""
    return Redactor(names=names, units=units, lang=lang)(text)
