"""Write several reports in one run: one after another, or in a pool of worker processes.

The pool is the standard library's `ProcessPoolExecutor` on the "forkserver" start method:
workers are forked from a small single-threaded server that has imported mel once, never
from this (threaded) process. Each worker starts one Chromium when it prints its first PDF
and keeps it for the reports that follow; after `TASKS_PER_WORKER` reports the worker ends
(its memory and its browser's go back to the system) and a fresh one takes its place.
"""

from __future__ import annotations

import functools
import multiprocessing
import pickle
import threading
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from multiprocessing.util import Finalize
from pathlib import Path
from typing import Any

from mel.db import make_engine
from mel.db_timeouts import Timeouts
from mel.reports.build import build_report, steps
from mel.reports.chromium import Chromium, find_chromium
from mel.reports.model import Report
from mel.reports.render import ReportError, pdf_engine, write_pdf, write_report
from mel.settings import load_settings
from mel.surveys.loader import SurveyCatalogue, load_catalogue

Step = Callable[[str], None]
# Reports one worker writes before it is replaced: enough to spread the start of Python
# and Chromium (about a second) over several reports, few enough that what a big report
# left in the worker's heap does not stay for the rest of the run.
TASKS_PER_WORKER = 4
# Where PDFs are printed when Chromium prints them: False, each worker with a Chromium of
# its own; True, the workers build and this process prints with one Chromium meanwhile.
PRINT_IN_PARENT = False


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

    @property
    def label(self) -> str:
        """The report in words, for error messages: "the katapult report (meting-2025, nl)"."""
        return f"the {self.programme} report ({self.wave}, {self.language})"


class Written(list[Path]):
    """The files of one report (a list of paths), and the KPIs it could not compute.

    `problems` are the report's `Report.problems` ("code: reason"): the files are written
    either way, and the caller decides what a run with problems means (`mel report`
    fails).
    """

    def __init__(self, files: list[Path] | None = None, problems: list[str] | None = None):
        super().__init__(files or [])
        self.problems = list(problems or [])
        self.report: Report | None = None  # the report itself, when a worker sends it back


@functools.lru_cache(maxsize=4)
def _catalogue(surveys: Path) -> SurveyCatalogue:
    """The survey files, read once per process (a worker keeps them for its next report)."""
    return load_catalogue([surveys])


def job_steps(job: ReportJob) -> int:
    """Progress steps one job reports (for sizing a progress bar)."""
    catalogue = _catalogue(job.surveys)
    return steps(catalogue.programmes[job.programme][1]) + (3 if job.pdf else 2)


def run_job(
    job: ReportJob, progress: Step | None = None, browser: Chromium | None = None
) -> Written:
    """Build and write one report; return the files written (and its problems)."""
    step = progress or (lambda _label: None)
    report = _build(job, _catalogue(job.surveys), step)
    files = write_report(
        report, job.out, pdf=job.pdf, progress=step, engine=job.engine, browser=browser
    )
    return Written(files, report.problems)


def _build(job: ReportJob, catalogue: SurveyCatalogue, step: Step) -> Report:
    """Evaluate the job's KPIs and assemble its report."""
    definition = catalogue.programmes[job.programme][1]
    instruments = {
        name: survey
        for name, (_, survey) in catalogue.instruments.items()
        if survey.programme == job.programme
    }
    engine = make_engine(job.database_url, Timeouts.for_commands(load_settings()))
    try:
        return build_report(
            engine, definition, instruments, job.wave, language=job.language, k=job.k, progress=step
        )
    finally:
        engine.dispose()


def run_jobs(
    jobs: list[ReportJob], *, workers: int = 1, progress: Step | None = None
) -> list[Written]:
    """Write every job's report and return their files, in the order of `jobs`.

    With ``workers > 1`` that many worker processes build and print the reports, each
    with a Chromium of its own when Chromium prints. A report that fails does not stop
    the others: they are all written, then the first failure is raised with the report it
    belongs to and the worker's traceback in its notes. A worker that dies (killed, out of
    memory) breaks the pool: the run stops with a `ReportError` naming the reports it was
    writing. Ctrl-C cancels the reports not yet started and ends the workers.
    """
    step = progress or (lambda _label: None)
    if workers <= 1 or len(jobs) <= 1:
        failures: list[BaseException] = []
        written: list[Written] = []
        with _browser_for(jobs) as browser:
            for job in jobs:
                try:
                    written.append(run_job(job, step, browser))
                except Exception as exc:  # noqa: BLE001 (the others are written first)
                    failures.append(_located(exc, job))
                    written.append(Written())
        if failures:
            raise failures[0]
        return written
    return _Pool(jobs, min(workers, len(jobs)), step).run()


class _Pool:
    """One parallel run: the process pool, the progress relay and what each worker does."""

    def __init__(self, jobs: list[ReportJob], workers: int, step: Step) -> None:
        self.jobs = jobs
        self.workers = workers
        self._step = step
        self._stepping = threading.Lock()
        self.context = multiprocessing.get_context("forkserver")
        # The server imports mel's report code once; every worker forked from it starts
        # with it in memory (shared with its siblings until written to).
        self.context.set_forkserver_preload(["mel.reports.batch"])
        self.started: set[int] = set()
        self.finished: set[int] = set()

    def run(self) -> list[Written]:
        """Run every job in the pool; return their files in order, or raise (see `run_jobs`)."""
        labels = self.context.SimpleQueue()
        relay = threading.Thread(target=self._relay, args=(labels,), daemon=True)
        relay.start()
        pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=self.context,
            initializer=_start_worker,
            initargs=(labels,),
            max_tasks_per_child=TASKS_PER_WORKER,
        )
        futures: dict[Future[Written], int] = {}
        print_here = PRINT_IN_PARENT and _prints_with_chromium(self.jobs)
        try:
            with _browser_for(self.jobs, at_least=1) if print_here else nullcontext() as browser:
                # The biggest reports first, so that no worker is left with one at the end.
                order = sorted(range(len(self.jobs)), key=lambda i: -job_steps(self.jobs[i]))
                futures = {
                    pool.submit(
                        _run_in_worker,
                        i,
                        replace(self.jobs[i], pdf=False) if print_here else self.jobs[i],
                        print_here,
                    ): i
                    for i in order
                }
                printed: dict[int, BaseException | None] = {}
                if print_here:
                    for future in as_completed(futures):
                        if future.exception() is None:
                            index = futures[future]
                            printed[index] = self._print(index, future.result(), browser)
            wait(futures)
            self._stop_relay(labels, relay)  # every label of the workers is counted
            return self._collect(futures, printed)
        except BaseException:
            for future in futures:
                future.cancel()
            _end_workers(pool)
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            self._stop_relay(labels, relay)
            labels.close()

    def _print(self, index: int, written: Written, browser: Chromium | None) -> Exception | None:
        """Print the report a worker built (with its files in `written`); None, or the error."""
        job, report = self.jobs[index], written.report
        written.report = None
        if not job.pdf or report is None:
            return None
        path = job.out / f"{report.basename}.pdf"
        try:
            write_pdf(report, path, browser=browser)
        except Exception as exc:  # noqa: BLE001 (the other reports are printed first)
            return _located(exc, job)
        self.step("PDF")
        written.insert(1, path)
        return None

    @staticmethod
    def _stop_relay(labels: Any, relay: threading.Thread) -> None:
        """Let the relay pass what is queued, then end it."""
        if relay.is_alive():
            labels.put(None)
            relay.join(timeout=5)

    def _collect(
        self, futures: dict[Future[Written], int], printed: dict[int, BaseException | None]
    ) -> list[Written]:
        """Each job's files in order; raise the first failure once all have ended."""
        results: dict[int, Written] = {}
        failures: list[tuple[int, BaseException]] = []
        for future, index in futures.items():
            error = future.exception() or printed.get(index)
            if error is None:
                results[index] = future.result()
            else:
                failures.append((index, error))
        if any(isinstance(error, BrokenProcessPool) for _i, error in failures):
            lost = sorted(i for i in self.started - self.finished)
            names = ", ".join(self.jobs[i].label for i in lost) or "a report"
            raise ReportError(
                f"a worker process stopped unexpectedly while writing {names}; "
                f"{len(results)} of {len(self.jobs)} reports were written"
            )
        if failures:
            raise min(failures, key=lambda failure: failure[0])[1]
        return [results[i] for i in range(len(self.jobs))]

    def _relay(self, labels: Any) -> None:
        """Pass progress labels from the workers to `step` until the None sentinel."""
        while (message := labels.get()) is not None:
            index, label = message
            if label is None:
                self.started.add(index)
            elif label is _DONE:
                self.finished.add(index)
            else:
                self.step(label)

    def step(self, label: str) -> None:
        """Pass one progress label on (from the relay or from printing: one at a time)."""
        with self._stepping:
            self._step(label)


_DONE = ""  # the label a worker sends when a report is finished (written or failed)
_labels: Any = None  # the worker's queue of progress labels
_browser: Chromium | None = None  # the worker's Chromium, started for its first PDF


def _start_worker(labels: Any) -> None:
    """Keep the progress queue; close the worker's Chromium when the worker ends."""
    global _labels
    _labels = labels
    # Workers end through multiprocessing's exit (which runs these, but no atexit).
    Finalize(None, _close_browser, exitpriority=10)


def _close_browser() -> None:
    """Stop the worker's Chromium, if it started one."""
    global _browser
    if _browser is not None:
        browser, _browser = _browser, None
        browser.__exit__(None, None, None)


def _worker_browser(job: ReportJob) -> Chromium | None:
    """The worker's Chromium for `job` (started on first use), or None if it prints none."""
    global _browser
    if not job.pdf or pdf_engine(job.engine) != "chromium":
        return None
    if _browser is None:
        _browser = Chromium(find_chromium() or "chromium").__enter__()
    return _browser


def _run_in_worker(index: int, job: ReportJob, keep_report: bool = False) -> Written:
    """Write the report of `job` in a worker process; a failure comes back located.

    With `keep_report` the report itself comes back too (``Written.report``), to be printed
    by the parent.
    """
    _labels.put((index, None))
    try:
        step = lambda label: _labels.put((index, label))  # noqa: E731
        if keep_report:
            report = _build(job, _catalogue(job.surveys), step)
            written = Written(write_report(report, job.out, pdf=False, progress=step))
            written.problems, written.report = list(report.problems), report
            return written
        return run_job(job, step, _worker_browser(job))
    except BaseException as exc:  # noqa: BLE001 (sent back to the parent, which raises it)
        if _browser is not None and not _browser.connected:
            _close_browser()  # the next report starts a fresh one
        raise _picklable(_located(exc, job)) from None
    finally:
        _labels.put((index, _DONE))


def _located(exc: BaseException, job: ReportJob) -> BaseException:
    """`exc` with notes saying which report it stopped and where in the code."""
    exc.add_note(f"while writing {job.label}")
    exc.add_note("".join(traceback.format_exception(exc)))
    return exc


def _picklable(exc: BaseException) -> BaseException:
    """`exc` if it survives pickling, else a RuntimeError with its type and message."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # noqa: BLE001 (any failure to pickle)
        stand_in = RuntimeError(f"{type(exc).__name__}: {exc}")
        for note in getattr(exc, "__notes__", []):
            stand_in.add_note(note)
        return stand_in
    return exc


def _end_workers(pool: ProcessPoolExecutor) -> None:
    """Terminate the pool's workers (on Ctrl-C or an error here): none is left running."""
    if (terminate := getattr(pool, "terminate_workers", None)) is not None:
        terminate()  # Python 3.14 and later
        return
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        if process.is_alive():
            process.terminate()


def _prints_with_chromium(jobs: list[ReportJob]) -> bool:
    """True when the run prints PDFs and Chromium prints all of them."""
    return {pdf_engine(job.engine) for job in jobs if job.pdf} == {"chromium"}


@contextmanager
def _browser_for(jobs: list[ReportJob], at_least: int = 2) -> Iterator[Chromium | None]:
    """One Chromium for a run of at least `at_least` reports printed with it, else None."""
    if not _prints_with_chromium(jobs) or len(jobs) < at_least:
        yield None
        return
    with Chromium(find_chromium() or "chromium") as browser:
        yield browser
