"""Web test helpers: a participant that fills in forms like a browser without JavaScript."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from werkzeug.datastructures import MultiDict
from werkzeug.test import TestResponse

from mel.models import Response

DATA = Path(__file__).parent / "data"


class FormReader(HTMLParser):
    """Collect what a browser would post from the page's forms (checked boxes, values)."""

    def __init__(self) -> None:
        super().__init__()
        self.values: MultiDict[str, str] = MultiDict()
        self._textarea: str | None = None
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "input" and "name" in a:
            if a.get("type") in ("radio", "checkbox") and "checked" not in a:
                return
            if a.get("type") != "submit":
                self.values.add(a["name"], a.get("value", ""))
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.values.add(a["name"], "")

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values.setlist(self._textarea, [self.values.get(self._textarea, "") + data])

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None


def read_form(html: str) -> FormReader:
    """Parse a page and return its form values and element ids."""
    reader = FormReader()
    reader.feed(html)
    return reader


class Participant:
    """Drives one browser session through a survey."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.page: TestResponse | None = None

    @property
    def html(self) -> str:
        """The current page's HTML."""
        assert self.page is not None
        return self.page.get_data(as_text=True)

    @property
    def path(self) -> str:
        """The path of the current page."""
        assert self.page is not None
        return self.page.request.path

    def form(self) -> MultiDict[str, str]:
        """What the current page's form would post as it is."""
        return read_form(self.html).values

    def get(self, path: str) -> TestResponse:
        """Open a page (following redirects)."""
        self.page = self.client.get(path, follow_redirects=True)
        return self.page

    def start(self, link: str) -> TestResponse:
        """Open a link and agree to the consent page."""
        self.get(link)
        assert self.page is not None and self.page.status_code == 200, self.html
        return self.post({})

    def post(
        self,
        answers: dict[str, Any],
        action: str = "next",
        *,
        fresh: bool = False,
        follow: bool = True,
    ) -> TestResponse:
        """Press a button: post the form as shown, with `answers` typed over it.

        A list sets all values of a key (checkboxes); `fresh=True` starts from an empty
        form that keeps only the hidden fields.
        """
        data: MultiDict[str, str] = MultiDict()
        for name, values in self.form().lists():
            if not fresh or name in ("csrf_token", "_consent", "_submission"):
                data.setlist(name, values)
        for name, value in answers.items():
            data.setlist(name, [str(v) for v in (value if isinstance(value, list) else [value])])
        if "_consent" not in data:
            data["_action"] = action
        self.page = self.client.post(self.path, data=data, follow_redirects=follow)
        return self.page


@pytest.fixture
def participant(client: FlaskClient) -> Participant:
    """A participant using the test client."""
    return Participant(client)


def responses(engine: Engine) -> list[Response]:
    """Return every stored response."""
    with Session(engine) as session:
        return list(session.exec(select(Response)).all())


def only_response(engine: Engine) -> Response:
    """Return the one stored response."""
    rows = responses(engine)
    assert len(rows) == 1, rows
    return rows[0]
