"""Matplotlib figures as deterministic inline SVG with a title for screen readers."""

from __future__ import annotations

import io
import re
from html import escape

import matplotlib as mpl
from matplotlib.figure import Figure

# The salt makes matplotlib's generated ids the same on every run (no random ids). Text stays
# text (fonttype "none", with matplotlib's sans-serif fallback stack): it can be searched and
# read aloud, and WeasyPrint draws it several times faster than glyph outlines.
SVG_SETTINGS = {"svg.hashsalt": "mel-report", "svg.fonttype": "none", "svg.image_inline": True}
NO_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}


def inline_svg(figure: Figure, alt: str, ident: str) -> str:
    """Return `figure` as an inline ``<svg>`` element with `alt` as its accessible name.

    The XML prologue, DOCTYPE and namespace declarations are dropped: the HTML parser
    puts inline ``<svg>`` in the SVG namespace by itself, and without them the document
    holds no URL at all. ``xlink:href`` becomes the SVG 2 ``href``.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        The chart; it is not changed.
    alt : str
        Text alternative (what the chart shows, with its numbers).
    ident : str
        A document-unique id prefix (for the title element and matplotlib's ids).
    """
    buffer = io.StringIO()
    with mpl.rc_context(SVG_SETTINGS):
        figure.savefig(buffer, format="svg", metadata=NO_METADATA)
    text = buffer.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r'\s+xmlns(:xlink)?="[^"]*"', "", text)
    text = text.replace("xlink:href", "href")
    # matplotlib's ids are unique within one figure only; prefix them per figure.
    text = re.sub(r'id="([^"]+)"', rf'id="{ident}-\1"', text)
    text = re.sub(r'(href="#|url\(#)([^")]+)', rf"\g<1>{ident}-\2", text)
    title = f'<title id="{ident}-title">{escape(alt)}</title>'
    text = re.sub(r"<svg ", f'<svg role="img" aria-labelledby="{ident}-title" ', text, count=1)
    return re.sub(r"(<svg[^>]*>)", rf"\1{_escape_group(title)}", text, count=1)


def _escape_group(text: str) -> str:
    """Escape backslashes so `text` can stand in a regex replacement."""
    return text.replace("\\", "\\\\")
