"""Matplotlib figures as deterministic, compact inline SVG with a title for screen readers."""

from __future__ import annotations

import base64
import io
import re
import xml.etree.ElementTree as ET
from html import escape

import matplotlib as mpl
from matplotlib.figure import Figure

# The salt makes matplotlib's generated ids the same on every run (no random ids). Text stays
# text (fonttype "none"): it can be searched and read aloud, and WeasyPrint draws it several
# times faster than glyph outlines.
SVG_SETTINGS = {"svg.hashsalt": "mel-report", "svg.fonttype": "none", "svg.image_inline": True}
NO_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
# The report's font stack (templates/report/report.css), set once on the <svg> element
# instead of matplotlib's ten-font stack on every text.
FONT_STACK = "font-family: 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif"
_FONT_IN_STYLE = re.compile(r"\s*font-family:[^;]*;?")
_REFERENCE = re.compile(r'(?:href="#|url\(#)([^")]+)')


def inline_svg(figure: Figure, alt: str, ident: str) -> str:
    """Return `figure` as an inline ``<svg>`` element with `alt` as its accessible name.

    The XML prologue, DOCTYPE and namespace declarations are dropped: the HTML parser
    puts inline ``<svg>`` in the SVG namespace by itself, and without them the document
    holds no URL at all. ``xlink:href`` becomes the SVG 2 ``href``. matplotlib's wrapper
    groups that carry nothing but an id are dropped and the font stack is stated once,
    which halves the number of elements a browser or WeasyPrint has to style.

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
    text = _compact(buffer.getvalue())
    text = re.sub(r'\s+xmlns(:xlink)?="[^"]*"', "", text)
    text = text.replace("xlink:href", "href")
    # matplotlib's ids are unique within one figure only; prefix them per figure.
    text = re.sub(r'id="([^"]+)"', rf'id="{ident}-\1"', text)
    text = re.sub(r'(href="#|url\(#)([^")]+)', rf"\g<1>{ident}-\2", text)
    title = f'<title id="{ident}-title">{escape(alt)}</title>'
    text = re.sub(r"<svg ", f'<svg role="img" aria-labelledby="{ident}-title" ', text, count=1)
    return re.sub(r"(<svg[^>]*>)", rf"\1{_escape_group(title)}", text, count=1)


def svg_data_uri(svg: str) -> str:
    """An inline SVG from :func:`inline_svg` as a standalone ``data:image/svg+xml`` URI.

    WeasyPrint draws such an image without running the HTML parser and the page's CSS
    cascade over every element of the chart, which makes PDFs several seconds faster.
    """
    standalone = svg.replace("<svg ", f'<svg xmlns="{SVG_NS}" ', 1)
    return "data:image/svg+xml;base64," + base64.b64encode(standalone.encode()).decode()


def svg_size(svg: str) -> tuple[str, str]:
    """The width and height attributes of an inline SVG (e.g. ``("475.2pt", "687.6pt")``)."""
    head = svg[: svg.index(">")]
    width = re.search(r'\swidth="([^"]+)"', head)
    height = re.search(r'\sheight="([^"]+)"', head)
    return (width.group(1) if width else "100%", height.group(1) if height else "auto")


def _compact(document: str) -> str:
    """matplotlib's SVG without id-only wrapper groups, whitespace or per-text font stacks."""
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    root = ET.fromstring(document[document.index("<svg") :])
    referenced = set(_REFERENCE.findall(document.replace("xlink:href", "href")))
    _unwrap(root, referenced)
    for element in root.iter():
        if element.tag.endswith("}path") and "d" in element.attrib:
            element.set("d", " ".join(element.get("d", "").split()))
        if element.get("transform", "").startswith("rotate(-0 "):
            del element.attrib["transform"]  # matplotlib's no-op rotation of every text
        style = element.get("style")
        if style and "font-family" in style:
            element.set("style", _FONT_IN_STYLE.sub("", style).strip())
        if (
            element.text is not None
            and not element.text.strip()
            and not element.tag.endswith("}text")
        ):
            element.text = None
        if element.tail is not None and not element.tail.strip():
            element.tail = None
    root.set("style", FONT_STACK)
    return ET.tostring(root, encoding="unicode")


def _unwrap(parent: ET.Element, referenced: set[str]) -> None:
    """Replace each ``<g>`` that has only an unreferenced id by its children, recursively."""
    children: list[ET.Element] = []
    for child in list(parent):
        _unwrap(child, referenced)
        if (
            child.tag.endswith("}g")
            and set(child.attrib) <= {"id"}
            and child.get("id") not in referenced
        ):
            children.extend(child)
        else:
            children.append(child)
    parent[:] = children


def _escape_group(text: str) -> str:
    """Escape backslashes so `text` can stand in a regex replacement."""
    return text.replace("\\", "\\\\")
