"""Several reports in one run: a process per report, tabs closed after printing, failures."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import psutil
import pytest

from mel.reports.batch import ReportJob, _picklable, run_jobs
from mel.reports.chromium import Chromium, find_chromium
from mel.reports.render import ReportError, write_pdf
from tests.reports.conftest import Built

needs_chromium = pytest.mark.skipif(find_chromium() is None, reason="Chromium is not installed")


def _jobs(
    built: Built, folder: Path, waves: tuple[str, ...] = ("meting-2025",) * 2, pdf: bool = False
) -> list[ReportJob]:
    url = built.filled.engine.url.render_as_string(hide_password=False)
    return [ReportJob(url, "werk", wave, folder / f"{n}", pdf=pdf) for n, wave in enumerate(waves)]


def test_each_report_is_built_in_a_process_that_ends(
    built: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mel.reports.batch as batch

    builders: list[int] = []
    build = batch._build

    def recording(*args: object, **kwargs: object) -> object:
        builders.append(os.getpid())
        return build(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(batch, "_build", recording)
    written = run_jobs(_jobs(built, tmp_path, ("meting-2025",) * 3), workers=2)
    assert all(files[0].exists() for files in written)
    # The recording list is the children's own copy: nothing comes back to this process,
    # and no child of the run is left.
    assert builders == []
    assert not [
        c
        for c in psutil.Process().children()
        if c.name().startswith("python") and c.status() != psutil.STATUS_ZOMBIE
    ]


def test_a_build_process_that_dies_is_a_clear_error(
    built: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("mel.reports.batch._build", lambda *_a, **_k: os._exit(3))
    with pytest.raises(
        ReportError,
        match=r"the process building the werk report "
        r"\(meting-2025\) stopped with exit status 3",
    ):
        run_jobs(_jobs(built, tmp_path), workers=2)


def test_an_error_that_cannot_be_pickled_still_arrives() -> None:
    class Unpicklable(Exception):
        def __init__(self, lock: object) -> None:
            super().__init__("stuck")
            self.lock = lock

    error = Unpicklable(threading.Lock())
    error.add_note("where it happened")
    sent = _picklable(error)
    assert isinstance(sent, RuntimeError) and str(sent) == "Unpicklable: stuck"
    assert sent.__notes__ == ["where it happened"]
    plain = LookupError("no wave")
    assert _picklable(plain) is plain


def test_a_failing_report_carries_the_child_traceback(built: Built, tmp_path: Path) -> None:
    with pytest.raises(LookupError) as caught:
        run_jobs(_jobs(built, tmp_path, ("meting-2025", "meting-1999")), workers=2)
    assert any("Traceback" in note and "build_report" in note for note in caught.value.__notes__)


@needs_chromium
def test_printing_closes_its_tab(built: Built, tmp_path: Path) -> None:
    with Chromium(find_chromium() or "chromium") as browser:
        assert _targets(browser) == []  # the first about:blank tab is closed at once
        write_pdf(built.report, tmp_path / "a.pdf", browser=browser)
        write_pdf(built.report, tmp_path / "b.pdf", browser=browser)
        # No tab is left behind, nor the browser's own pop-up pages: only the printing
        # tab's renderer ever runs, and it ends with its tab.
        assert _targets(browser) == []
        for _attempt in range(50):
            if not (renderers := _renderers(browser)):
                break
            time.sleep(0.1)
        assert renderers == []
    assert (tmp_path / "a.pdf").read_bytes()[:5] == b"%PDF-"


@needs_chromium
def test_a_tab_runs_one_renderer(built: Built, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(built.html, encoding="utf-8")
    with Chromium(find_chromium() or "chromium") as browser, browser.new_tab() as tab:
        tab.load(page)
        time.sleep(0.5)  # what Chromium preloads for a window comes within this
        # Neither the browser's own omnibox pop-up pages nor a spare renderer.
        assert _targets(browser, wait_for_none=False) == [f"page {page.as_uri()}"]
        assert len(_renderers(browser)) == 1


def _targets(browser: Chromium, *, wait_for_none: bool = True) -> list[str]:
    """The browser's targets (by default once closing ones are gone: that takes a moment)."""
    for _attempt in range(50 if wait_for_none else 1):
        found = [
            f"{t['type']} {t['url']}" for t in browser.call("Target.getTargets")["targetInfos"]
        ]
        if not found:
            break
        time.sleep(0.1)
    return found


def _renderers(browser: Chromium) -> list[str]:
    """Command lines of the browser's live renderer processes."""
    found = []
    for child in psutil.Process(browser._process.pid).children(recursive=True):
        try:
            command = child.cmdline()
        except psutil.Error:  # ended meanwhile, or a zombie
            continue
        if "--type=renderer" in command:
            found.append(" ".join(command))
    return found
