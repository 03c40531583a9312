"""Free-text answers: short phrases per language, fitted to length and regex constraints."""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from mel.surveys.schema import Question

PHRASES = {
    "nl": (
        "Goede samenwerking met bedrijven uit de regio.",
        "Meer tijd om dit goed op te pakken zou helpen.",
        "De studenten waren enthousiast en dachten goed mee.",
        "Duidelijke afspraken vooraf maakten het verschil.",
        "Het kostte veel tijd om de juiste mensen te vinden.",
        "Fijn dat we praktijkopdrachten samen konden uitwerken.",
        "Graag meer voorbeelden van wat elders werkt.",
        "Het budget is een knelpunt voor de komende jaren.",
        "Prima, geen verdere opmerkingen.",
        "We willen dit graag structureel voortzetten.",
    ),
    "en": (
        "Good cooperation with companies in the region.",
        "More time to work on this properly would help.",
        "The students were enthusiastic and thought along well.",
        "Clear agreements beforehand made the difference.",
        "It took a lot of time to find the right people.",
        "Glad we could work out practical assignments together.",
        "More examples of what works elsewhere, please.",
        "Funding is a bottleneck for the coming years.",
        "Fine, no further comments.",
        "We would like to continue this structurally.",
    ),
}
_SAMPLE_LETTERS = "ABCDEFGHJKLMNPRSTVWXZ"


def phrase(rng: np.random.Generator, language: str) -> str:
    """Pick a phrase in `language` (Dutch when the language is unknown)."""
    bank = PHRASES.get(language, PHRASES["nl"])
    return bank[int(rng.integers(len(bank)))]


def texts(rng: np.random.Generator, question: Question, languages: list[str]) -> list[Any]:
    """Return one text answer per respondent in their language (None where none fits)."""
    constraint = question.constraint
    if constraint is not None and constraint.regex is not None:
        return [fit_text(rng, question, language) for language in languages]
    fitted = {lang: [_fit(rng, question, lang, p) for p in bank] for lang, bank in PHRASES.items()}
    picks = rng.integers(len(PHRASES["nl"]), size=len(languages)).tolist()
    return [fitted.get(lang, fitted["nl"])[k] for lang, k in zip(languages, picks, strict=True)]


def fit_text(rng: np.random.Generator, question: Question, language: str) -> str | None:
    """Return a text answer that meets the question's constraints, or None if none is found."""
    constraint = question.constraint
    if constraint is not None and constraint.regex is not None:
        return from_regex(rng, constraint.regex, constraint.min_length, constraint.max_length)
    return _fit(rng, question, language, phrase(rng, language))


def _fit(rng: np.random.Generator, question: Question, language: str, text: str) -> str | None:
    """Lengthen or cut a phrase to the question's length limits."""
    constraint = question.constraint
    low = constraint.min_length if constraint and constraint.min_length else 0
    high = constraint.max_length if constraint and constraint.max_length else 2000
    while len(text) < low:
        text = f"{text} {phrase(rng, language)}"
    text = text[:high].strip()
    return text if low <= len(text) <= high and text else None


def from_regex(
    rng: np.random.Generator,
    pattern: str,
    min_length: int | None = None,
    max_length: int | None = None,
) -> str | None:
    """Build a string that fully matches `pattern`, or None if that did not work out."""
    try:
        from re import _parser  # type: ignore[attr-defined]

        parsed = _parser.parse(pattern)
    except Exception:  # an exotic pattern just gets no generated answer
        return None
    for _ in range(20):
        try:
            text = _emit(rng, list(parsed), _parser)
        except (ValueError, IndexError, TypeError):
            return None
        fits = (min_length is None or len(text) >= min_length) and (
            max_length is None or len(text) <= max_length
        )
        if fits and re.fullmatch(pattern, text):
            return text
    return None


def _emit(rng: np.random.Generator, items: list[tuple[Any, Any]], p: Any) -> str:
    """Generate text for a parsed regex (literals, classes, repeats, groups, branches)."""
    out: list[str] = []
    for op, arg in items:
        if op is p.LITERAL:
            out.append(chr(arg))
        elif op is p.ANY:
            out.append(_SAMPLE_LETTERS[int(rng.integers(len(_SAMPLE_LETTERS)))].lower())
        elif op is p.IN:
            out.append(_from_class(rng, arg, p))
        elif op in (p.MAX_REPEAT, p.MIN_REPEAT, getattr(p, "POSSESSIVE_REPEAT", None)):
            low, high, sub = arg
            high = low + 3 if high is p.MAXREPEAT else high
            times = int(rng.integers(low, max(low, min(high, low + 3)) + 1))
            out.extend(_emit(rng, list(sub), p) for _ in range(times))
        elif op is p.SUBPATTERN:
            out.append(_emit(rng, list(arg[-1]), p))
        elif op is p.BRANCH:
            branches = arg[1]
            out.append(_emit(rng, list(branches[int(rng.integers(len(branches)))]), p))
        elif op is p.AT:
            continue
        else:
            raise ValueError(f"unsupported regex element {op}")
    return "".join(out)


def _from_class(rng: np.random.Generator, members: list[tuple[Any, Any]], p: Any) -> str:
    """Pick one character a character class accepts."""
    if members and members[0][0] is p.NEGATE:
        raise ValueError("negated classes are not generated")
    options: list[str] = []
    for op, arg in members:
        if op is p.LITERAL:
            options.append(chr(arg))
        elif op is p.RANGE:
            options.extend(chr(c) for c in range(arg[0], min(arg[1], arg[0] + 25) + 1))
        elif op is p.CATEGORY:
            options.extend(
                {
                    p.CATEGORY_DIGIT: "0123456789",
                    p.CATEGORY_SPACE: " ",
                    p.CATEGORY_WORD: "abcdefghijkmnpqrstuvwxyz",
                }.get(arg, "")
            )
    if not options:
        raise ValueError("empty character class")
    return options[int(rng.integers(len(options)))]
