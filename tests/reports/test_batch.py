"""Several reports in one run: a pool of workers that end, one browser, failures."""

from __future__ import annotations

import os
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import psutil
import pytest
from pypdf import PdfReader

import mel.reports.batch as batch
from mel.reports.batch import ReportJob, run_jobs, start_order
from mel.reports.jobs import picklable
from mel.reports.pdf import Chromium, find_chromium
from mel.reports.render import ReportError, write_pdf
from tests.reports.conftest import Built
from tests.reports.test_pdf import EXPECTED_PAGES

needs_chromium = pytest.mark.skipif(find_chromium() is None, reason="Chromium is not installed")


def _jobs(
    built: Built, folder: Path, waves: tuple[str, ...] = ("meting-2025",) * 2, pdf: bool = False
) -> list[ReportJob]:
    url = built.filled.engine.url.render_as_string(hide_password=False)
    return [ReportJob(url, "werk", wave, folder / f"{n}", pdf=pdf) for n, wave in enumerate(waves)]


def _forkserver_children() -> list[psutil.Process]:
    """The live children of the forkserver that this process started."""
    servers = [
        child for child in psutil.Process().children() if "forkserver" in " ".join(child.cmdline())
    ]
    return [
        worker
        for server in servers
        for worker in server.children()
        if worker.status() != psutil.STATUS_ZOMBIE
    ]


# Children of the (shared) forkserver from before each test: an earlier test's pool of
# dashboard figure workers, say. They are not report workers.
_EARLIER: set[int] = set()


@pytest.fixture(autouse=True)
def _earlier_workers() -> None:
    _EARLIER.clear()
    _EARLIER.update(worker.pid for worker in _forkserver_children())


def _workers() -> list[psutil.Process]:
    """The live report workers: children of the forkserver started during this test."""
    return [worker for worker in _forkserver_children() if worker.pid not in _EARLIER]


def test_each_report_is_built_in_a_worker_that_ends(
    built: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mel.reports.jobs as jobs

    builders: list[int] = []
    build = jobs.build

    def recording(*args: object, **kwargs: object) -> object:
        builders.append(os.getpid())
        return build(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(jobs, "build", recording)
    written = run_jobs(_jobs(built, tmp_path, ("meting-2025",) * 3), workers=2)
    assert all(files[0].exists() for files in written)
    # The workers are started by the forkserver from a fresh import, so this process's
    # patch never reaches them: nothing was built here. And no worker is left.
    assert builders == []
    assert _workers() == []


def test_more_reports_than_workers_all_arrive(built: Built, tmp_path: Path) -> None:
    # With a worker kept for several reports, a queue longer than that many per worker
    # stopped the pool on Python 3.11-3.13 (CPython gh-115634): run_jobs never returned.
    jobs = _jobs(built, tmp_path, ("meting-2025",) * 9)
    outcome: list[object] = []
    runner = threading.Thread(target=lambda: outcome.append(run_jobs(jobs, workers=2)))
    runner.start()
    runner.join(timeout=600)
    assert not runner.is_alive(), "the pool stopped with reports still queued"
    assert len(outcome) == 1 and all(files[0].exists() for files in outcome[0])  # type: ignore[attr-defined]
    assert _workers() == []


def test_the_reports_with_the_most_responses_start_first(built: Built, tmp_path: Path) -> None:
    jobs = _jobs(built, tmp_path, ("meting-2025",) * 3)
    jobs = [replace(job, responses=n) for job, n in zip(jobs, (9, 0, 50), strict=True)]
    assert start_order(jobs) == [2, 0, 1]


def test_a_worker_that_dies_is_a_clear_error(built: Built, tmp_path: Path) -> None:
    killed: list[int] = []

    def kill_the_workers(_label: str) -> None:
        for worker in _workers():
            if worker.pid not in killed:
                killed.append(worker.pid)
                worker.kill()  # as the out-of-memory killer would

    with pytest.raises(
        ReportError,
        match=r"a worker process stopped unexpectedly while writing "
        r"the werk report \(meting-2025, nl\)",
    ):
        run_jobs(_jobs(built, tmp_path), workers=2, progress=kill_the_workers)
    assert killed and _workers() == []


def test_an_error_that_cannot_be_pickled_still_arrives() -> None:
    class Unpicklable(Exception):
        def __init__(self, lock: object) -> None:
            super().__init__("stuck")
            self.lock = lock

    error = Unpicklable(threading.Lock())
    error.add_note("where it happened")
    sent = picklable(error)
    assert isinstance(sent, RuntimeError) and str(sent) == "Unpicklable: stuck"
    assert sent.__notes__ == ["where it happened"]
    plain = LookupError("no wave")
    assert picklable(plain) is plain


@pytest.mark.parametrize("workers", [1, 2])
def test_a_failing_report_is_located_and_the_others_are_written(
    built: Built, tmp_path: Path, workers: int
) -> None:
    jobs = _jobs(built, tmp_path, ("meting-2025", "meting-1999", "meting-2025"))
    with pytest.raises(LookupError, match="meting-1999") as caught:
        run_jobs(jobs, workers=workers)
    notes = caught.value.__notes__
    assert notes[0] == "while writing the werk report (meting-1999, nl)"
    assert "Traceback" in notes[1] and "build_report" in notes[1]
    for job in (jobs[0], jobs[2]):
        assert (job.out / "werk-meting-2025-nl.html").exists()
    assert not jobs[1].out.exists()


@needs_chromium
def test_a_run_prints_its_reports_with_one_browser(
    built: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    browsers: set[int] = set()
    labels: list[str] = []

    def chromiums() -> set[int]:
        found = set()
        for child in psutil.Process().children(recursive=True):
            try:
                # The browser process itself: not its helpers (--type=...), nor the shells
                # of Debian's /usr/bin/chromium wrapper script, which share its name, nor
                # a helper caught between its fork and its exec (the browser's own command
                # line, but a child of the browser).
                parent = child.parent()
                if (
                    Path(child.exe()).name == "chromium"
                    and not any(word.startswith("--type=") for word in child.cmdline())
                    and (parent is None or Path(parent.exe()).name != "chromium")
                ):
                    found.add(child.pid)
            except psutil.Error:
                continue
        return found

    # A browser an earlier test keeps for its session is not this run's.
    before = chromiums()

    def note_browsers(label: str) -> None:
        labels.append(label)
        browsers.update(chromiums() - before)

    jobs = _jobs(built, tmp_path, ("meting-2025",) * 4, pdf=True)
    jobs = [replace(job, engine="chromium") for job in jobs]
    # Chromium is started when the first report has come back, not beside the workers.
    reports_when_started: list[int] = []
    start_browser = batch.browser_for

    def noting_reports(*args: Any, **kwargs: Any) -> Any:
        written = [job for job in jobs if (job.out / "werk-meting-2025-nl.html").exists()]
        reports_when_started.append(len(written))
        return start_browser(*args, **kwargs)

    monkeypatch.setattr(batch, "browser_for", noting_reports)
    written = run_jobs(jobs, workers=2, progress=note_browsers)
    assert len(reports_when_started) == 1 and reports_when_started[0] >= 1
    assert [len(PdfReader(files[1]).pages) for files in written] == [EXPECTED_PAGES] * 4
    assert [p.suffix for p in written[0][:2]] == [".html", ".pdf"]
    # The workers build; one Chromium, started once by this process, prints all four.
    assert len(browsers) == 1 and labels.count("PDF") == 4
    assert _workers() == []


@needs_chromium
def test_printing_closes_its_tab(built: Built, tmp_path: Path) -> None:
    with Chromium(find_chromium() or "chromium") as browser:
        assert browser.pages == 0
        write_pdf(built.report, tmp_path / "a.pdf", browser=browser)
        write_pdf(built.report, tmp_path / "b.pdf", browser=browser)
        # No tab is left behind, and the renderer of each printing tab ends with it.
        assert browser.pages == 0
        for _attempt in range(50):
            if not (renderers := _renderers()):
                break
            time.sleep(0.1)
        assert renderers == []
    assert (tmp_path / "a.pdf").read_bytes()[:5] == b"%PDF-"
    assert _texts(tmp_path / "a.pdf") == _texts(tmp_path / "b.pdf")


@needs_chromium
def test_a_tab_runs_one_renderer(built: Built) -> None:
    with Chromium(find_chromium() or "chromium") as browser, browser.new_tab() as tab:
        tab.load(built.html)
        time.sleep(0.5)  # what Chromium preloads for a window comes within this
        # Neither the browser's own omnibox pop-up pages nor a spare renderer.
        assert browser.pages == 1
        assert len(_renderers()) == 1


def _texts(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def _renderers() -> list[str]:
    """Command lines of the live Chromium renderer processes started from this process."""
    found = []
    for child in psutil.Process().children(recursive=True):
        try:
            command = child.cmdline()
        except psutil.Error:  # ended meanwhile, or a zombie
            continue
        if "--type=renderer" in command:
            found.append(" ".join(command))
    return found
