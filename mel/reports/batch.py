"""Write several reports in one run: one after another, or in parallel worker processes."""

from __future__ import annotations

import ctypes
import functools
import gc
import multiprocessing
import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..db import make_engine
from ..surveys.loader import SurveyCatalogue, load_catalogue
from .build import build_report, steps
from .chromium import Chromium, Tab, find_chromium
from .model import Report
from .render import pdf_engine, write_pdf, write_report

Step = Callable[[str], None]
_worker_queue: Any = None


@dataclass(frozen=True)
class ReportJob:
    """One report to write: which programme and wave, from which database, to where."""

    database_url: str
    surveys: Path
    programme: str
    wave: str
    out: Path
    language: str = "nl"
    k: int = 10
    pdf: bool = True
    engine: str | None = None


@functools.lru_cache(maxsize=4)
def _catalogue(surveys: Path) -> SurveyCatalogue:
    """The survey files, read once per process (forked workers inherit them)."""
    return load_catalogue([surveys])


def job_steps(job: ReportJob) -> int:
    """Progress steps one job reports (for sizing a progress bar)."""
    catalogue = _catalogue(job.surveys)
    return steps(catalogue.programmes[job.programme][1]) + (3 if job.pdf else 2)


def run_job(job: ReportJob, progress: Step | None = None,
            browser: Chromium | None = None) -> list[Path]:
    """Build and write one report; return the files written."""
    step = progress or (lambda _label: None)
    report = _build(job, _catalogue(job.surveys), step)
    return write_report(report, job.out, pdf=job.pdf, progress=step, engine=job.engine,
                        browser=browser)


def _build(job: ReportJob, catalogue: SurveyCatalogue, step: Step) -> Report:
    """Evaluate the job's KPIs and assemble its report."""
    definition = catalogue.programmes[job.programme][1]
    instruments = {name: survey for name, (_, survey) in catalogue.instruments.items()
                   if survey.programme == job.programme}
    engine = make_engine(job.database_url)
    try:
        return build_report(engine, definition, instruments, job.wave, language=job.language,
                            k=job.k, progress=step)
    finally:
        engine.dispose()


def run_jobs(jobs: list[ReportJob], *, workers: int = 1,
             progress: Step | None = None) -> list[list[Path]]:
    """Write every job's report and return their files, in the order of `jobs`.

    With ``workers > 1`` the reports are built by that many worker processes at once (each
    report is independent); otherwise one after another. When Chromium prints the PDFs,
    one Chromium serves the whole run: in a parallel run the workers hand their reports
    back and this process prints each while the others are still being built. The first
    failure stops the run and is raised.
    """
    step = progress or (lambda _label: None)
    if workers <= 1 or len(jobs) <= 1:
        with _shared_browser(jobs) as browser:
            return [run_job(job, step, browser) for job in jobs]
    context = multiprocessing.get_context("fork" if "fork" in
                                          multiprocessing.get_all_start_methods() else "spawn")
    progress_queue = context.Queue()
    drain = threading.Thread(target=_relay, args=(progress_queue, step), daemon=True)
    drain.start()
    print_here = _prints_with_chromium(jobs)
    try:
        with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=context,
                                 initializer=_init_worker, initargs=(progress_queue,)) as pool, \
                _shared_browser(jobs, at_least=1) as browser:
            # The biggest reports first, so that no worker is left with one at the end.
            order = sorted(range(len(jobs)), key=lambda i: -job_steps(jobs[i]))
            futures = {pool.submit(_run_in_worker, replace(jobs[i], pdf=False)
                                   if print_here else jobs[i], print_here): i for i in order}
            written: dict[int, list[Path]] = {}
            printing: dict[int, tuple[Future[int], Path]] = {}
            with _Printer(browser, tabs=workers, step=step) as printer:
                try:
                    for future in as_completed(futures):
                        index = futures[future]
                        files, report = future.result()
                        if print_here and jobs[index].pdf and report is not None:
                            path = jobs[index].out / f"{report.basename}.pdf"
                            printing[index] = printer.submit(report, path), path
                        written[index] = files
                    for index, (printed, path) in printing.items():
                        printed.result()
                        written[index].insert(1, path)
                except BaseException:
                    for future in [*futures, *(f for f, _ in printing.values())]:
                        future.cancel()
                    raise
            return [written[i] for i in range(len(jobs))]
    finally:
        progress_queue.put(None)
        drain.join(timeout=5)
        progress_queue.close()


class _Printer:
    """Prints reports in up to `tabs` tabs of one Chromium at once, a thread per tab.

    Chromium lays out and prints each tab in its own renderer process, so two reports
    printed at once use both cores while the workers are still building the others.
    """

    def __init__(self, browser: Chromium | None, *, tabs: int, step: Step) -> None:
        self._browser = browser
        self._tabs = max(tabs, 1)
        self._step = step
        self._free: queue.Queue[Tab] = queue.Queue()
        self._opened = 0
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=self._tabs, thread_name_prefix="mel-pdf")

    def __enter__(self) -> _Printer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def submit(self, report: Report, path: Path) -> Future[int]:
        """Print `report` to `path` in the background; the future holds its page count."""
        return self._pool.submit(self._print, report, path)

    def _print(self, report: Report, path: Path) -> int:
        tab = self._take()
        try:
            pages = write_pdf(report, path, browser=tab)
        finally:
            self._free.put(tab)
        self._step("PDF")
        return pages

    def _take(self) -> Tab:
        """A free tab: the browser's own first, then new ones up to `tabs`."""
        assert self._browser is not None
        with self._lock:
            if self._free.empty() and self._opened < self._tabs:
                self._opened += 1
                return self._browser.tab if self._opened == 1 else self._browser.new_tab()
        return self._free.get()


def _prints_with_chromium(jobs: list[ReportJob]) -> bool:
    """True when the run prints PDFs and Chromium prints all of them."""
    engines = {pdf_engine(job.engine) for job in jobs if job.pdf}
    return engines == {"chromium"}


@contextmanager
def _shared_browser(jobs: list[ReportJob], at_least: int = 2) -> Iterator[Chromium | None]:
    """One Chromium for a run of at least `at_least` reports printed with it, else None."""
    if not _prints_with_chromium(jobs) or len(jobs) < at_least:
        yield None
        return
    with Chromium(find_chromium() or "chromium") as browser:
        yield browser


def _init_worker(labels: Any) -> None:
    global _worker_queue
    _worker_queue = labels


def _run_in_worker(job: ReportJob, return_report: bool) -> tuple[list[Path], Report | None]:
    """Build and write one report in a worker; hand the report back if asked (to print)."""
    step = lambda label: _worker_queue.put(label)  # noqa: E731
    try:
        if not return_report:
            return run_job(job, step), None
        report = _build(job, _catalogue(job.surveys), step)
        return write_report(report, job.out, pdf=False, progress=step), report
    finally:
        _give_back_memory()


def _give_back_memory() -> None:
    """Return the heap a finished report freed to the system (a worker may sit idle)."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the memory is reused by the next report
        pass


def _relay(labels: Any, step: Step) -> None:
    """Pass progress labels from the workers to `step` until the None sentinel."""
    while (label := labels.get()) is not None:
        step(label)
