"""axe-core finds nothing on any participant page, in Dutch and English, at 1280 and 320 px.

Every shipped instrument is walked in a real browser (JavaScript on, as most participants
have it): consent, every page (each page both as first shown and with its error messages,
where a page can have errors), a page with the resume link open, the thank-you page and the
page a completed link shows. Further: the final check of a survey whose end is open, and
the error pages (unknown link, unknown page, expired invitation, closed survey).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.engine import Engine

from mel.settings import project_path
from mel.surveys.loader import load_instrument
from mel.surveys.schema import InstrumentDefinition, Page, Question
from mel.web.survey import flow
from tests.browser import Audits, chromium, needs_chromium, serve
from tests.factories import invite, open_survey
from tests.web.conftest import DATA

pytestmark = needs_chromium
LANGUAGES = ("nl", "en")
SURVEYS = sorted(
    p
    for p in project_path("surveys").glob("*/*.yaml")
    if p.name not in ("programme.yaml", "codebook.yaml")
)
TYPED = ("integer", "decimal", "date")  # questions a wrong typed answer makes show an error


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """One SQLite database: these tests check pages, not database engines."""
    return f"sqlite:///{tmp_path / 'axe.sqlite'}"


@pytest.fixture
def live_server(app: Flask) -> Any:
    """The app served from a thread."""
    with serve(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Any:
    """One Chromium for the module."""
    with chromium() as launched:
        yield launched


def next_button(page: Any) -> Any:
    """The page's main button (Next or Submit)."""
    return page.locator(".actions button[value=next]")


def shown(page: Any, name: str) -> Any:
    """The inputs posting `name`, if the question is on the page."""
    return page.locator(f'[name="{name}"]')


def asked(page_def: Page) -> list[Question]:
    """The page's questions, a repeat group's as the questions of each possible row."""
    return [
        inner.model_copy(update={"name": f"{question.name}__{row}__{inner.name}"})
        if question.type == "repeat"
        else question
        for question in page_def.questions
        for row in range(1, question.row_limit() + 1 if question.type == "repeat" else 2)
        for inner in (question.questions or [question])
    ]


def answer(page: Any, page_def: Page, *, wrong: bool = False) -> None:
    """Answer every question shown validly; or (wrong=True) type nonsense in number/date boxes."""
    for question in asked(page_def):
        if question.type == "date":
            parts = ("31", "2", "2025") if wrong else ("1", "3", "2025")
            for part, typed in zip(("day", "month", "year"), parts, strict=True):
                if shown(page, f"{question.name}__{part}").count():
                    shown(page, f"{question.name}__{part}").fill(typed)
            continue
        for name in question.columns():
            inputs = shown(page, name)
            if not inputs.count():
                continue
            if wrong:
                if question.type in TYPED:
                    inputs.fill("veel")
            elif question.type in ("integer", "decimal"):
                low, _ = question.bounds()
                inputs.fill(str(int(low if low is not None else 1)))
            elif question.type == "text":
                limit = question.constraint.min_length if question.constraint else None
                inputs.fill("x" * (limit or 1))
            else:
                wanted = question.constraint.min_selected if question.constraint else None
                for i in range(wanted or 1):
                    inputs.nth(i).check()


def can_show_errors(page: Any, page_def: Page) -> bool:
    """Whether a post of this page can fail: a required or a typed-in question is shown."""
    return any(
        (question.required or question.type in TYPED)
        and any(shown(page, n).count() for n in [*question.columns(), f"{question.name}__day"])
        for question in asked(page_def)
    )


def walk(page: Any, audits: Audits, survey: InstrumentDefinition, url: str) -> None:
    """Consent, every page with and without errors, a resume link, thanks, completed link."""
    code = survey.instrument
    page.goto(url)
    audits.check(page, f"{code}: consent")
    page.locator("main form button[type=submit]").click()
    for number in range(len(survey.pages) + 1):
        if "/p/" not in page.url:
            break
        name = page.url.rsplit("/", 1)[1]
        page_def = survey.pages[flow.page_index(survey, name) or 0]
        audits.check(page, f"{code}: page {name}")
        if number == 1:
            page.locator("details.resume summary").click()
            audits.check(page, f"{code}: page {name}, resume link open")
        if can_show_errors(page, page_def):
            answer(page, page_def, wrong=True)
            next_button(page).click()
            assert page.locator(".error-summary").count(), (code, name)
            audits.check(page, f"{code}: page {name} with errors")
        answer(page, page_def)
        next_button(page).click()
        assert not page.locator(".error-summary").count(), (code, name, page.content())
    assert page.url.endswith("/done"), page.url
    audits.check(page, f"{code}: done")
    token = page.url.split("/")[-2]
    page.goto(url.split("/s/")[0] + f"/r/{token}")
    assert page.locator("h1").count()
    audits.check(page, f"{code}: completed link (410)")
    page.goto(url.split("/s/")[0] + f"/r/{token}/p/nope")
    audits.check(page, f"{code}: unknown page (404)")


def report(audits: Audits) -> None:
    """Print the counts, and fail with every violation found."""
    print(f"axe: {audits.runs} runs over {len(audits.pages)} pages, {len(audits.violations)} found")
    assert not audits.violations, "\n".join(audits.violations)


@pytest.mark.parametrize("path", SURVEYS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_page_of_a_shipped_survey(
    engine: Engine, live_server: str, browser: Any, path: Path
) -> None:
    survey = load_instrument(path)
    link = open_survey(engine, path)
    audits = Audits()
    for lang in LANGUAGES:
        context = browser.new_context(locale=f"{lang}-NL")
        walk(context.new_page(), audits, survey, f"{live_server}{link}?lang={lang}")
        context.close()
    report(audits)
    assert audits.runs >= 2 * 2 * (len(survey.pages) + 4)


@pytest.mark.parametrize("name", ["roster", "cascade", "piping"])
def test_every_page_of_a_feature_survey(
    engine: Engine, live_server: str, browser: Any, name: str
) -> None:
    """Repeat groups (rows, add and remove buttons), filtered choices and piped texts."""
    path = DATA / f"{name}.yaml"
    survey = load_instrument(path)
    link = open_survey(engine, path)
    audits = Audits()
    for lang in LANGUAGES:
        context = browser.new_context(locale=f"{lang}-NL")
        walk(context.new_page(), audits, survey, f"{live_server}{link}?lang={lang}")
        context.close()
    report(audits)


def test_final_check_and_error_pages(engine: Engine, live_server: str, browser: Any) -> None:
    open_end = open_survey(engine, DATA / "open_end.yaml")
    closed = open_survey(engine, DATA / "skip.yaml", wave="closed", status="closed")
    (expired,) = invite(engine, "web-open-end", expires=date.today() - timedelta(days=1))
    audits = Audits()
    for lang in LANGUAGES:
        context = browser.new_context(locale=f"{lang}-NL")
        page = context.new_page()
        page.goto(f"{live_server}{open_end}?lang={lang}")
        page.locator("main form button[type=submit]").click()
        page.get_by_label("Ja" if lang == "nl" else "Yes").check()
        next_button(page).click()
        assert page.url.endswith("/submit")
        audits.check(page, "final check")
        for name, path, status in (
            ("unknown link", "/s/nope/w2025", 404),
            ("unknown token", "/r/this-token-is-not-known-at-all", 404),
            ("expired invitation", expired, 410),
            ("closed survey", closed, 410),
        ):
            response = page.goto(f"{live_server}{path}?lang={lang}")
            assert response is not None and response.status == status, name
            audits.check(page, name)
        context.close()
    report(audits)
    assert audits.runs == 2 * 2 * 5


def test_every_page_in_a_further_language(engine: Engine, live_server: str, browser: Any) -> None:
    """Turkish, and Arabic right to left: survey texts in the language, interface in English."""
    path = DATA / "multilingual.yaml"
    survey = load_instrument(path)
    link = open_survey(engine, path)
    audits = Audits()
    for lang in ("tr", "ar"):
        context = browser.new_context(locale=f"{lang}-NL")
        walk(context.new_page(), audits, survey, f"{live_server}{link}?lang={lang}")
        context.close()
    report(audits)
    assert audits.runs >= 2 * 2 * (len(survey.pages) + 4)
