"""A participant that completes any survey through its pages, like a browser without JavaScript.

It answers every question it finds with a plausible value (the second option of a choice,
the first box of a list, the minimum of a number, a date, a short text), so a test can
complete a real survey (the demo's) without knowing its questions.
"""

from __future__ import annotations

from html.parser import HTMLParser

from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict
from werkzeug.test import TestResponse

MAX_PAGES = 40
DATE_PARTS = {"day": "1", "month": "3", "year": "2025"}  # 1 March 2025 in any date question


class _Form(HTMLParser):
    """The controls of a page: hidden values, radio groups, boxes, numbers, texts, selects."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden: MultiDict[str, str] = MultiDict()
        self.radios: dict[str, list[str]] = {}
        self.boxes: dict[str, list[str]] = {}
        self.numbers: dict[str, str] = {}
        self.dates: set[str] = set()
        self.texts: set[str] = set()
        self.selects: dict[str, list[str]] = {}
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name", "")
        kind = a.get("type", "text")
        if tag == "input" and name:
            if kind == "hidden":
                self.hidden.add(name, a.get("value", ""))
            elif kind == "radio":
                self.radios.setdefault(name, []).append(a.get("value", ""))
            elif kind == "checkbox":
                self.boxes.setdefault(name, []).append(a.get("value", ""))
            elif name.endswith(("__day", "__month", "__year")):  # a date in three boxes
                self.numbers[name] = DATE_PARTS[name.rpartition("__")[2]]
            elif kind == "number" or a.get("inputmode") in ("numeric", "decimal"):
                self.numbers[name] = a.get("min") or ("2020" if "jaar" in name else "1")
            elif kind == "date":
                self.dates.add(name)
            elif kind not in ("submit", "search"):
                self.texts.add(name)
        elif tag == "textarea" and name:
            self.texts.add(name)
        elif tag == "select" and name:
            self._select = name
            self.selects[name] = []
        elif tag == "option" and self._select and a.get("value"):
            self.selects[self._select].append(a["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def read(html: str) -> _Form:
    """Parse a page's controls."""
    form = _Form()
    form.feed(html)
    return form


def answers(html: str) -> MultiDict[str, str]:
    """What a participant who answers everything posts on this page."""
    form = read(html)
    data = MultiDict(form.hidden)
    for name, values in form.radios.items():
        data[name] = values[min(1, len(values) - 1)]
    for name, values in form.boxes.items():
        if values[0] != "other":
            data[name] = values[0]
    for name, value in form.numbers.items():
        data[name] = value
    for name in form.dates:
        data[name] = "2025-03-01"
    for name in form.texts:
        if not name.endswith("__other"):  # only with "other" chosen
            data[name] = "2025-03-01" if "datum" in name else "Goed geholpen"
    for name, values in form.selects.items():
        if values:
            data[name] = values[0]
    return data


def complete(client: FlaskClient, link: str, unit: str | None = None) -> TestResponse:
    """Open `link` (an invitation or open link), agree, and answer until the thank-you page.

    An open link that asks for the unit gets `unit` (a unit code), else the first offered.
    Returns the last page: the thank-you page, or whatever page stopped the participant.
    """
    page = client.get(link, follow_redirects=True)
    if page.status_code != 200:
        return page
    offered = read(page.get_data(as_text=True))
    choices = offered.radios.get("unit") or offered.selects.get("unit")
    if choices:
        page = client.get(f"{link}?unit={unit or choices[0]}", follow_redirects=True)
        if page.status_code != 200:
            return page
    consent = read(page.get_data(as_text=True)).hidden
    target = page.request.full_path if page.request.query_string else page.request.path
    page = client.post(target, data=consent, follow_redirects=True)
    for _ in range(MAX_PAGES):
        if page.status_code != 200 or page.request.path.endswith("/done"):
            return page
        data = answers(page.get_data(as_text=True))
        data["_action"] = "next"
        page = client.post(page.request.path, data=data, follow_redirects=True)
    raise AssertionError(f"no end after {MAX_PAGES} pages: {page.request.path}")
