"""Quotes from open answers that may be published: scrubbed, and chosen reproducibly.

Before a quote leaves mel (the report, the staff page's preview) `scrub` replaces what
could identify a person: e-mail addresses, web addresses, phone numbers, and names. Names
are recognised by rule, erring towards removing too much: a capitalised word after a form
of address or an introduction ("dhr.", "mevrouw", "mijn naam is", "my name is", "collega",
...) and every run of two or more capitalised words inside a sentence, with the particles
of Dutch surnames ("Jan de Vries", "Anna van der Berg"). What is removed is replaced by a
marker in brackets, so that a reader sees that something was taken out.

`sample_quotes` draws the quotes of one question: the ones staff marked publishable first,
then others, each group in an order fixed by a seed (the same data and marks give the same
quotes in every run and language). Identical answers count once.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Collection, Iterable, Mapping

KINDS = ("email", "url", "phone", "name")  # what `scrub` removes
MIN_WORDS = 4  # a shorter answer ("Prima.") says little as a quote
MAX_CHARS = 400  # a longer answer is cut at a word boundary

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
# Seven or more digits, optionally with a country code and separators: +31 6 1234 5678,
# 020-1234567, (030) 123 45 67, 0612345678.
_PHONE = re.compile(r"(?<![\w])(?:\+|00)?\(?\d[\d\s().-]{5,}\d(?![\w])")
_PARTICLES = r"(?:(?:van|de|der|den|het|ter|ten|te|la|le|du|von|'t)\s+)*"
# A capitalised word: a capital and then a small letter (acronyms such as MKB stay).
_CAPITAL = r"[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ][\w'’-]*"
_RUN = re.compile(rf"\b{_CAPITAL}(?:\s+{_PARTICLES}{_CAPITAL})*", re.UNICODE)
_TITLE = re.compile(
    rf"\b((?i:dhr|mevr|mw|mr|mrs|ms|dr|ir|drs|prof|ing)\.?|(?i:meneer|mevrouw|de heer|juf|"
    rf"meester))\s+{_PARTICLES}{_CAPITAL}(?:\s+{_PARTICLES}{_CAPITAL})*",
    re.UNICODE,
)
_TITLES = {"dhr", "mevr", "mw", "mr", "mrs", "ms", "dr", "ir", "drs", "prof", "ing"}
# Words that often start a sentence before a name ("Met Jan de Vries ..."): kept.
_STARTERS = set(
    "met door bij van voor na samen dankzij via volgens de het een wij we ik onze ons mijn "
    "in op aan uit zonder namens with by from for thanks through after together the a i "
    "our my in on at without".split()
)
_SENTENCE_END = ".!?:;\n\"'‘“(["


def scrub(text: str, markers: Mapping[str, str], keep: Collection[str] = ()) -> str:
    """Return `text` without e-mail or web addresses, phone numbers and names.

    Parameters
    ----------
    text : str
        An open answer.
    markers : mapping of str to str
        The words put (in brackets) in place of what was removed, by kind (`KINDS`:
        "email", "url", "phone", "name"), in the reader's language.
    keep : collection of str
        Capitalised words that are no names (the programme's own names, e.g. "Katapult").
    """
    marker = {key: f"[{markers[key]}]" for key in KINDS}
    text = _EMAIL.sub(marker["email"], text)
    text = _URL.sub(marker["url"], text)
    text = _PHONE.sub(marker["phone"], text)
    text = _TITLE.sub(lambda m: f"{m.group(1)} {marker['name']}", text)
    kept = {word.casefold() for phrase in keep for word in phrase.split()} | _TITLES

    def name(match: re.Match[str]) -> str:
        words = [w for w in match.group(0).split() if w[:1].isupper()]
        if all(w.casefold().rstrip(".") in kept for w in words):
            return match.group(0)
        before = text[: match.start()].rstrip()
        first = not before or before[-1] in _SENTENCE_END or before.endswith(marker["name"])
        # A single capitalised word that starts a sentence is just a sentence's start.
        if first and len(words) == 1:
            return match.group(0)
        start = match.group(0).split()[0]
        if first and start.casefold() in _STARTERS:
            return f"{start} {marker['name']}"
        return marker["name"]

    text = _RUN.sub(name, text)
    return " ".join(text.split())


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
