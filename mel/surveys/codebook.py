"""A programme's code book: themes with codes (nl/en), for coding review findings.

Written as ``surveys/<programme>/codebook.yaml`` beside the programme's other files::

    programme: katapult
    themes:
      - theme: samenwerking
        label: {nl: Samenwerking, en: Collaboration}
        codes:
          - {code: samenwerking_bedrijfsleven, label: {nl: …, en: …}}

A code is unique in the whole book; a passage coded with it counts for its theme.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field, field_validator

from mel.surveys.parts import check_name
from mel.surveys.schema import check_programme_code
from mel.surveys.text import LocalText, StrictModel
from mel.surveys.yamlfile import Location

CODEBOOK_FILE = "codebook.yaml"


class Code(StrictModel):
    """One code of a theme."""

    code: str
    label: LocalText

    _code = field_validator("code")(classmethod(lambda cls, v: check_name(v)))


class Theme(StrictModel):
    """A theme and its codes."""

    theme: str
    label: LocalText
    codes: list[Code] = Field(min_length=1)

    _theme = field_validator("theme")(classmethod(lambda cls, v: check_name(v)))


class CodeBook(StrictModel):
    """A programme's code book."""

    programme: str
    themes: list[Theme] = Field(min_length=1)

    _programme = field_validator("programme")(classmethod(lambda cls, v: check_programme_code(v)))

    def codes(self) -> dict[str, tuple[Theme, Code]]:
        """Return every code with its theme, in book order."""
        return {code.code: (theme, code) for theme in self.themes for code in theme.codes}

    def theme_of(self, code: str) -> str | None:
        """Return the theme of `code`, None for a code the book does not have."""
        found = self.codes().get(code)
        return found[0].theme if found else None


def check_codebook(book: CodeBook) -> Iterator[tuple[Location, str]]:
    """Yield (location, message) for duplicate themes and codes."""
    themes: set[str] = set()
    codes: set[str] = set()
    for t, theme in enumerate(book.themes):
        if theme.theme in themes:
            yield ("themes", t, "theme"), f"duplicate theme {theme.theme!r}"
        themes.add(theme.theme)
        for c, code in enumerate(theme.codes):
            if code.code in codes:
                yield ("themes", t, "codes", c, "code"), f"duplicate code {code.code!r}"
            codes.add(code.code)
