"""Quotes from open answers that may be published: scrubbed, and chosen reproducibly.

Before a quote leaves mel (the report, the staff page's preview, review quotes) a
`Scrubber` replaces what could identify a person, in this order: e-mail addresses, web
addresses, phone numbers (`mel.disclosure.phones`, the rule references are checked by),
names of units (by their pseudonym, so a quote about another partnership stays readable),
known personal names (contacts, action owners; also their first name and surname alone),
then names recognised by rule, erring towards removing too much: a capitalised word after
a form of address ("dhr.", "mevrouw", "Dr."; the title stays), initials and a surname
("J. van der Berg"), and every run of two or more capitalised words inside a sentence,
with the particles of Dutch surnames ("Jan de Vries", "Anna van der Berg"). What is
removed is replaced by a marker in brackets, so that a reader sees that something was
taken out.

`sample_quotes` draws the quotes of one question: the ones staff marked publishable first,
then others, each group in an order fixed by a seed (the same data and marks give the same
quotes in every run and language). Identical answers count once.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Collection, Iterable, Mapping

from mel.disclosure.phones import looks_like_phone

KINDS = ("email", "url", "phone", "name")  # what `scrub` removes
MIN_WORDS = 4  # a shorter answer ("Prima.") says little as a quote
MAX_CHARS = 400  # a longer answer is cut at a word boundary

_EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
# Runs of digits and phone separators long enough to hold a number (checked as a whole).
_DIGITS = re.compile(r"(?<![\w+])\+?\d[\d \t().\-/]{6,}\d(?!\w)")
_PARTICLE_WORDS = "van|von|de|der|den|het|ter|ten|te|la|le|du|da|di|el|al|ben|bin|'t"
_PARTICLES = rf"(?:(?:{_PARTICLE_WORDS})\s+)*"
# A capitalised word: a capital and then a small letter (acronyms such as MKB stay).
_CAPITAL = r"[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ][\w'’-]*"
_RUN = re.compile(rf"\b{_CAPITAL}(?:\s+{_PARTICLES}{_CAPITAL})*", re.UNICODE)
_TITLE = re.compile(
    rf"\b((?i:dhr|mevr|mw|mr|mrs|ms|dr|ir|drs|prof|ing|hr)\.?|(?i:meneer|mevrouw|de heer|juf|"
    rf"meester))\s+(?:[A-Z]\.\s*)*{_PARTICLES}{_CAPITAL}(?:\s+{_PARTICLES}{_CAPITAL})*",
    re.UNICODE,
)
_INITIALS = re.compile(rf"\b(?:[A-Z]\.\s?){{1,4}}{_PARTICLES}{_CAPITAL}", re.UNICODE)
_NAME_LIKE = re.compile(rf"^{_CAPITAL}(?:\s+{_PARTICLES}{_CAPITAL})+$", re.UNICODE)
_TITLES = {"dhr", "mevr", "mw", "mr", "mrs", "ms", "dr", "ir", "drs", "prof", "ing", "hr"}
# Words that often start a sentence before a name ("Met Jan de Vries ..."): kept.
_STARTERS = set(
    "met door bij van voor na samen dankzij via volgens de het een wij we ik onze ons mijn "
    "in op aan uit zonder namens with by from for thanks through after together the a i "
    "our my in on at without".split()
)
_SENTENCE_END = ".!?:;\n\"'‘“(["


def looks_like_name(value: str) -> bool:
    """Whether `value` looks like a personal name (first name and surname, capitalised)."""
    return bool(_NAME_LIKE.match(value.strip()))


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
            bare = re.sub(rf"^{_PARTICLES}", "", rest, flags=re.IGNORECASE)
            if len(bare) >= 3:
                found.add(bare)
    return sorted(found, key=lambda n: (-len(n), n))


def _alternatives(texts: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern matching any of `texts` as whole words, case-insensitively."""
    texts = [t for t in texts if t.strip()]
    if not texts:
        return None
    pattern = "|".join(re.escape(t) for t in sorted(texts, key=lambda n: (-len(n), n)))
    return re.compile(rf"(?<!\w)(?:{pattern})(?!\w)", re.IGNORECASE)


class Scrubber:
    """Takes out of quotes what could identify a person (see the module docstring);
    compiled once for many quotes.

    Parameters
    ----------
    markers : mapping of str to str
        The words put (in brackets) in place of what was removed, by kind (`KINDS`:
        "email", "url", "phone", "name"), in the reader's language.
    keep : collection of str
        Capitalised words that are no names (the programme's own names, e.g. "Katapult").
    names : iterable of str
        Personal names known to mel (contacts, action owners): removed wherever they stand.
    units : mapping of str to str, optional
        Unit names and the pseudonym each is replaced by ("pps 007").
    """

    def __init__(
        self,
        markers: Mapping[str, str],
        keep: Collection[str] = (),
        names: Iterable[str] = (),
        units: Mapping[str, str] | None = None,
    ) -> None:
        self.marker = {key: f"[{markers[key]}]" for key in KINDS}
        self.kept = {word.casefold() for phrase in keep for word in phrase.split()} | _TITLES
        self.units = {k.lower(): v for k, v in (units or {}).items() if k.strip()}
        self.unit_pattern = _alternatives(self.units)
        self.name_pattern = _alternatives(name_variants(names))

    def __call__(self, text: str) -> str:
        """Return `text` without e-mail or web addresses, phone numbers and names."""
        marker = self.marker
        text = _EMAIL.sub(marker["email"], text)
        text = _URL.sub(marker["url"], text)
        text = _DIGITS.sub(
            lambda m: marker["phone"] if looks_like_phone(m.group()) else m.group(), text
        )
        if self.unit_pattern is not None:
            text = self.unit_pattern.sub(lambda m: self.units[m.group().lower()], text)
        if self.name_pattern is not None:
            text = self.name_pattern.sub(marker["name"], text)
        text = _TITLE.sub(lambda m: f"{m.group(1)} {marker['name']}", text)
        text = _INITIALS.sub(marker["name"], text)
        text = _RUN.sub(lambda m: self._name(m, text), text)
        return " ".join(text.split())

    def _name(self, match: re.Match[str], text: str) -> str:
        """A run of capitalised words: a name unless it is kept or a sentence's start."""
        words = [w for w in match.group(0).split() if w[:1].isupper()]
        if all(w.casefold().rstrip(".") in self.kept for w in words):
            return match.group(0)
        before = text[: match.start()].rstrip()
        mark = self.marker["name"]
        first = not before or before[-1] in _SENTENCE_END or before.endswith(mark)
        # A single capitalised word that starts a sentence is just a sentence's start.
        if first and len(words) == 1:
            return match.group(0)
        start = match.group(0).split()[0]
        if first and start.casefold() in _STARTERS:
            return f"{start} {mark}"
        return mark


def scrub(text: str, markers: Mapping[str, str], keep: Collection[str] = ()) -> str:
    """Return `text` without e-mail or web addresses, phone numbers and names.

    Parameters
    ----------
    text : str
        An open answer.
    markers : mapping of str to str
        The words put (in brackets) in place of what was removed, by kind (`KINDS`).
    keep : collection of str
        Capitalised words that are no names (the programme's own names, e.g. "Katapult").
    """
    return Scrubber(markers, keep)(text)


def quotes_shown(answers: int, k: int) -> bool:
    """Whether quotes of a question may be printed: at least `k` people answered it."""
    return answers >= k


def digest(text: str) -> str:
    """The key of an answer's text (SHA-256 of its words), as staff marks refer to it."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def quotable(text: str) -> bool:
    """Whether an answer says enough to quote (at least MIN_WORDS words)."""
    return len(text.split()) >= MIN_WORDS


def shorten(text: str) -> str:
    """`text` cut at a word boundary after at most MAX_CHARS characters, with an ellipsis."""
    if len(text) <= MAX_CHARS:
        return text
    return text[:MAX_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "\u2026"


def sample_quotes(
    texts: Iterable[str], publishable: Collection[str], n: int, seed: str
) -> list[str]:
    """Up to `n` distinct quotable answers: marked ones (by `digest`) first, then others.

    Parameters
    ----------
    texts : iterable of str
        The answers (as given: scrub the chosen ones before printing them).
    publishable : collection of str
        Digests of the answers staff marked publishable.
    n : int
        How many quotes at most.
    seed : str
        Fixes the order within each group, e.g. programme, wave and question.
    """
    distinct = sorted({" ".join(t.split()) for t in texts if t and quotable(t)})
    rng = random.Random(hashlib.sha256(seed.encode("utf-8")).hexdigest())
    rng.shuffle(distinct)
    marked = [t for t in distinct if digest(t) in publishable]
    others = [t for t in distinct if digest(t) not in publishable]
    return (marked + others)[:n]
