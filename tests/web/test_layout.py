"""In a real browser: scales stay one row on phones, error links show their question, and
the DW monitor can be completed with the keyboard alone.

Screenshots go to $MEL_SCREENSHOTS when set (else the test's tmp_path).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.engine import Engine

from mel.settings import project_path
from tests.browser import chromium, needs_chromium, serve
from tests.factories import open_survey
from tests.web.conftest import only_response

pytestmark = needs_chromium
DW = project_path("surveys") / "digitale-werkplaatsen" / "impactmonitor.yaml"
# The scales' boxes, left to right; a box is the label its transparent radio button lies on.
BOXES = """name => [...document.querySelectorAll(`input[name="${name}"]`)].map(input => {
  const box = input.labels[0].getBoundingClientRect();
  return {value: input.value, top: box.top, left: box.left, right: box.right,
          width: box.width, height: box.height};
})"""
# What is in view after following an error link: the focused field, its question's legend or
# label, and the question's error message.
IN_VIEW = """() => {
  const field = document.activeElement;
  const question = field.closest('.question');
  const group = field.closest('.likert__row') || field.closest('fieldset');
  const title = group ? group.querySelector('legend')
                      : document.querySelector(`label[for="${field.id}"]`);
  const error = (field.closest('.likert__row') || question).querySelector('.error-message');
  const rect = element => element.getBoundingClientRect();
  return {id: field.id, titleTop: rect(title).top, errorBottom: rect(error).bottom,
          fieldBottom: rect(field).bottom, height: window.innerHeight};
}"""


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """One SQLite database: these tests check pages, not database engines."""
    return f"sqlite:///{tmp_path / 'layout.sqlite'}"


@pytest.fixture
def live_server(app: Flask) -> Any:
    """The app served from a thread."""
    with serve(app) as url:
        yield url


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where screenshots go."""
    folder = Path(os.environ.get("MEL_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def start(browser: Any, url: str, width: int, *, javascript: bool = True) -> Any:
    """Open the DW monitor in a fresh context and agree to the consent page."""
    context = browser.new_context(
        viewport={"width": width, "height": 640}, java_script_enabled=javascript, locale="nl-NL"
    )
    page = context.new_page()
    page.goto(url)
    page.get_by_role("button", name="Ik ga akkoord en begin").click()
    return page


def test_scales_stay_on_one_row_on_phones(engine: Engine, live_server: str, shots: Path) -> None:
    url = live_server + open_survey(engine, DW)
    with chromium() as browser:
        for width in (320, 375):
            page = start(browser, url, width)
            page.check("#q-soort_traject-0")
            page.check("#q-onderwerpen-0")
            page.get_by_role("button", name="Volgende").click()
            page.check("#q-cijfer_traject-7")
            for name, values in (("cijfer_traject", 10), ("aanbeveling_score", 11)):
                boxes = page.evaluate(BOXES, name)
                assert [b["value"] for b in boxes] == [str(v) for v in range(11 - values, 11)]
                assert len({round(b["top"]) for b in boxes}) == 1, boxes  # one row
                lefts = [b["left"] for b in boxes]
                assert lefts == sorted(lefts), boxes  # in reading order
                assert boxes[-1]["right"] <= width, boxes  # nothing off screen
                assert min(b["width"] for b in boxes) >= 24 and boxes[0]["height"] >= 44
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            assert page.locator("#q-cijfer_traject-7").is_checked()
            scale = page.locator(".question--scale").first
            scale.screenshot(path=str(shots / f"scale-{width}.png"))
            page.context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["script", "no-script"])
def test_error_links_show_the_question_and_its_error(
    engine: Engine, live_server: str, shots: Path, javascript: bool
) -> None:
    url = live_server + open_survey(engine, DW)
    with chromium() as browser:
        page = start(browser, url, 320, javascript=javascript)
        when = page.get_by_role("group", name="Wanneer was de hulp ongeveer afgerond?")
        when.get_by_label("Dag").fill("31")
        when.get_by_label("Maand").fill("2")
        when.get_by_label("Jaar").fill("2025")
        page.get_by_role("button", name="Volgende").click()
        links = page.locator(".error-summary a")
        assert links.count() == 3
        assert page.evaluate("document.activeElement.className") == "error-summary"
        for i in range(3):
            page.evaluate("window.scrollTo(0, 0)")
            href = links.nth(i).get_attribute("href")
            links.nth(i).click()
            seen = page.evaluate(IN_VIEW)
            assert "#" + seen["id"] == href
            assert 0 <= seen["titleTop"] < seen["errorBottom"] <= seen["height"], (href, seen)
            assert seen["fieldBottom"] <= seen["height"], (href, seen)
        page.screenshot(path=str(shots / f"error-link-320-{'js' if javascript else 'nojs'}.png"))
        page.context.close()


def test_keyboard_alone_completes_the_dw_monitor(
    engine: Engine, live_server: str, shots: Path
) -> None:
    url = live_server + open_survey(engine, DW)
    with chromium() as browser:
        page = start(browser, url, 375)
        keys = page.keyboard

        def enter() -> None:
            """Press Enter on a field or button and wait for the next page."""
            with page.expect_navigation():
                keys.press("Enter")

        def tab_to(selector: str) -> None:
            for _ in range(80):
                keys.press("Tab")
                if page.evaluate("s => document.activeElement.matches(s)", selector):
                    return
            raise AssertionError(f"Tab never reached {selector}")

        tab_to("#q-soort_traject-0")
        keys.press("Space")
        tab_to("#q-onderwerpen-2")
        keys.press("Space")
        tab_to("#q-datum_afgerond-day")
        for typed in ("1", "Tab", "3", "Tab", "2025"):
            keys.press(typed) if typed == "Tab" else keys.type(typed)
        enter()
        assert "Pagina 2 van 4" in page.inner_text("main")
        tab_to("#q-cijfer_traject-0")
        for _ in range(7):
            keys.press("ArrowRight")  # 1 → 8
        label = page.locator("label[for=q-cijfer_traject-7]")
        assert page.evaluate("document.activeElement.id") == "q-cijfer_traject-7"
        assert label.evaluate("l => getComputedStyle(l).outlineStyle") == "solid"  # focus shown
        page.locator(".question--scale").first.screenshot(path=str(shots / "scale-focus.png"))
        for name in ("aanbevelen", "vervolgstappen"):
            tab_to(f"#q-{name}-0")
            keys.press("Space")
        enter()
        assert "Pagina 3 van 4" in page.inner_text("main")
        tab_to("#q-welke_stappen-0")
        keys.press("Space")
        for row in ("inzicht", "vaardigheden", "nieuwe_toepassingen", "weinig_veranderd"):
            tab_to(f"#q-effecten__{row}-0")
            keys.press("Space")
        tab_to("#q-effecten__inbreng_studenten-0")
        keys.press("Space")
        enter()
        assert "Pagina 4 van 4" in page.inner_text("main")
        tab_to("#q-bedrijfsgrootte-0")
        keys.press("Space")
        tab_to("button[value=next]:not(.default-action)")
        enter()
        assert page.locator("h1").inner_text() == "Bedankt!"
        page.context.close()
    answers = only_response(engine).answers
    assert answers["datum_afgerond"] == "2025-03-01" and answers["cijfer_traject"] == 8
