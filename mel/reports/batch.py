"""Write several reports in one run: one after another, or in parallel worker processes."""

from __future__ import annotations

import gc
import multiprocessing
import pickle
import threading
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import CancelledError, ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlmodel import Session

from mel.db import make_engine
from mel.db_timeouts import Timeouts
from mel.kpi.definitions import Published, load_published
from mel.reports.build import build_report, steps
from mel.reports.chromium import Chromium, find_chromium
from mel.reports.model import Report
from mel.reports.render import ReportError, pdf_engine, write_pdf, write_report
from mel.settings import load_settings

Step = Callable[[str], None]


@dataclass(frozen=True)
class ReportJob:
    """One report to write: which programme and wave, from which database, to where."""

    database_url: str
    programme: str
    wave: str
    out: Path
    language: str = "nl"
    k: int = 10
    pdf: bool = True
    engine: str | None = None
    # The wave's outcomes and AAPOR rates (counts only), computed by the caller.
    fieldwork_status: dict[str, Any] | None = None


class Written(list[Path]):
    """The files of one report (a list of paths), and the KPIs it could not compute.

    `problems` are the report's `Report.problems` ("code: reason"): the files are written
    either way, and the caller decides what a run with problems means (`mel report`
    fails).
    """

    def __init__(self, files: list[Path] | None = None, problems: list[str] | None = None):
        super().__init__(files or [])
        self.problems = list(problems or [])


def _published(database_url: str, programme: str) -> Published:
    """The programme's published definitions (`mel.kpi.definitions`), read afresh.

    Not cached: a publication between two runs in one process must show in the second. An
    edit of the YAML files changes nothing until it is published.
    """
    engine = make_engine(database_url, Timeouts.for_commands(load_settings()))
    try:
        with Session(engine) as session:
            return load_published(session, programme)
    finally:
        engine.dispose()


def job_steps(job: ReportJob) -> int:
    """Progress steps one job reports (for sizing a progress bar)."""
    return steps(_published(job.database_url, job.programme).programme) + (3 if job.pdf else 2)


def run_job(
    job: ReportJob, progress: Step | None = None, browser: Chromium | None = None
) -> Written:
    """Build and write one report; return the files written (and its problems)."""
    step = progress or (lambda _label: None)
    report = _build(job, step)
    files = write_report(
        report, job.out, pdf=job.pdf, progress=step, engine=job.engine, browser=browser
    )
    return Written(files, report.problems)


def _build(job: ReportJob, step: Step) -> Report:
    """Evaluate the job's published KPIs and assemble its report."""
    published = _published(job.database_url, job.programme)
    engine = make_engine(job.database_url, Timeouts.for_commands(load_settings()))
    try:
        return build_report(
            engine,
            published.programme,
            published.instruments,
            job.wave,
            language=job.language,
            k=job.k,
            progress=step,
            folder=load_settings().surveys / job.programme,
            fieldwork_status=job.fieldwork_status,
        )
    finally:
        engine.dispose()


def run_jobs(
    jobs: list[ReportJob], *, workers: int = 1, progress: Step | None = None
) -> list[Written]:
    """Write every job's report and return their files, in the order of `jobs`.

    With ``workers > 1`` up to that many reports are in hand at once, each built in a
    process of its own that ends when its report is written (so that its memory goes back
    to the system at once). When Chromium prints the PDFs, one Chromium serves the whole
    run: a built report comes back to this process and is printed in a tab of its own
    while the others are still being built. A report holds its place from being built to
    being printed, so at most `workers` builds and prints run at once (one per core is
    all the CPU there is, and it bounds the memory too). The first failure stops the run
    and is raised.
    """
    step = progress or (lambda _label: None)
    if workers <= 1 or len(jobs) <= 1:
        with _shared_browser(jobs) as browser:
            return [run_job(job, step, browser) for job in jobs]
    context = multiprocessing.get_context(
        "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    )
    labels = context.Queue()
    terminal = threading.Lock()  # no fork while a progress label is being written

    def locked_step(label: str) -> None:
        with terminal:
            step(label)

    drain = threading.Thread(target=_relay, args=(labels, locked_step), daemon=True)
    drain.start()
    print_here = _prints_with_chromium(jobs)
    builders = _Builders(context, labels, terminal)
    # The children's collector then leaves the inherited objects alone instead of writing
    # to (and so copying) the pages they share with this process: ~35 MB less at the peak.
    gc.freeze()
    try:
        with (
            _shared_browser(jobs, at_least=1) as browser,
            ThreadPoolExecutor(
                max_workers=min(workers, len(jobs)), thread_name_prefix="mel-report"
            ) as pool,
        ):

            def write_one(job: ReportJob) -> Written:
                if not print_here:
                    return Written(*builders.build(job, return_report=False))
                files, report = builders.build(replace(job, pdf=False), return_report=True)
                assert report is not None
                if job.pdf:
                    path = job.out / f"{report.basename}.pdf"
                    write_pdf(report, path, browser=browser)
                    locked_step("PDF")
                    files.insert(1, path)
                return Written(files, report.problems)

            # The biggest reports first, so that no worker is left with one at the end.
            order = sorted(range(len(jobs)), key=lambda i: -job_steps(jobs[i]))
            futures = {pool.submit(write_one, jobs[i]): i for i in order}
            try:
                for future in as_completed(futures):
                    future.result()
            except BaseException:
                for future in futures:
                    future.cancel()
                builders.stop()
                raise
            written = {index: future.result() for future, index in futures.items()}
            return [written[i] for i in range(len(jobs))]
    finally:
        gc.unfreeze()
        labels.put(None)
        drain.join(timeout=5)
        labels.close()


class _Builders:
    """Builds reports in child processes, one per report, and stops them all on demand."""

    def __init__(self, context: Any, labels: Any, forking: threading.Lock) -> None:
        self._context = context
        self._labels = labels
        self._forking = forking
        self._running: set[Any] = set()
        self._stopped = False

    def build(self, job: ReportJob, *, return_report: bool) -> tuple[list[Path], Any]:
        """Build and write `job` in a new process; its files, and its report if asked.

        Without the report the second item is the report's problems (`Report.problems`).
        """
        reader, writer = self._context.Pipe(duplex=False)
        child = self._context.Process(
            target=_build_in_child,
            daemon=True,
            args=(job, return_report, writer, self._labels),
            name=f"mel-report-{job.programme}",
        )
        with self._forking:
            if self._stopped:
                raise CancelledError
            child.start()
            self._running.add(child)
        writer.close()
        try:
            answer = reader.recv()
        except EOFError:  # the child ended without answering
            answer = None
        finally:
            reader.close()
            child.join()
            with self._forking:
                self._running.discard(child)
        if answer is None:
            raise ReportError(
                f"the process building the {job.programme} report "
                f"({job.wave}) stopped with exit status {child.exitcode}"
            )
        outcome, value = answer
        if outcome == "failed":
            raise value
        return value

    def stop(self) -> None:
        """End every child still building; no new one starts."""
        with self._forking:
            self._stopped = True
            for child in self._running:
                child.terminate()


def _build_in_child(job: ReportJob, return_report: bool, answer: Any, labels: Any) -> None:
    """Build and write one report in a child process; send back its files (and report)."""
    step = labels.put
    try:
        if return_report:
            report = _build(job, step)
            result: Any = (
                "done",
                (write_report(report, job.out, pdf=False, progress=step), report),
            )
        else:
            written = run_job(job, step)
            result = ("done", (list(written), written.problems))
    except BaseException as exc:  # noqa: BLE001 (handed to the parent, which raises it)
        exc.add_note("".join(traceback.format_exception(exc)))
        result = ("failed", _picklable(exc))
    answer.send(result)
    answer.close()


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


def _relay(labels: Any, step: Step) -> None:
    """Pass progress labels from the workers to `step` until the None sentinel."""
    while (label := labels.get()) is not None:
        step(label)
