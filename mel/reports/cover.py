"""The report's cover and conclusions: who publishes it, when, and the programme's own words."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from markdown_it import MarkdownIt
from markupsafe import Markup

from mel.present.numbers import format_date
from mel.surveys.programme_schema import ProgrammeDefinition

LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}


@dataclass(frozen=True)
class Cover:
    """What the cover shows besides the title: organisation, date, version and a logo."""

    organisation: str
    date: str
    version: str
    logo: str  # a data: URI, or "" without a logo


def report_date(value: date, language: str) -> str:
    """A date as people write it: "7 december 2026" / "7 December 2026"."""
    return format_date(value, language, "long")


def logo_uri(folder: Path | None, programme: ProgrammeDefinition) -> str:
    """The programme's logo as a data URI ("" when it has none or the file is missing)."""
    if folder is None or not programme.logo:
        return ""
    path = folder / programme.logo
    if not path.is_file():
        return ""
    kind = LOGO_TYPES[path.suffix.lower()]
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def conclusions_file(folder: Path | None, wave: str, language: str) -> Path | None:
    """The programme's own conclusions for `wave`, if its folder holds them.

    Looked for, most specific first: ``conclusions-<wave>.<lang>.md``,
    ``conclusions-<wave>.md``.
    """
    if folder is None:
        return None
    for name in (f"conclusions-{wave}.{language}.md", f"conclusions-{wave}.md"):
        if (folder / name).is_file():
            return folder / name
    return None


def render_markdown(text: str) -> Markup:
    """Markdown to HTML with raw HTML switched off (the text is shown, never run)."""
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False})
    html = parser.render(text)
    # Headings inside the conclusions sit below the section's own h2.
    for level in (4, 3, 2, 1):
        html = html.replace(f"<h{level}>", f"<h{min(level + 2, 6)}>").replace(
            f"</h{level}>", f"</h{min(level + 2, 6)}>"
        )
    return Markup(html)  # noqa: S704 - markdown-it escapes text and refuses raw HTML


__all__ = ["Cover", "conclusions_file", "logo_uri", "render_markdown", "report_date"]
