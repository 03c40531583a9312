"""One report job: what to write, building and writing it, and what a failure says.

Used by `mel.reports.batch` in this process and in its workers. Imports no pandas or
matplotlib at module level (building a report imports them when it runs).
"""

from __future__ import annotations

import pickle
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mel.reports.pdf import Chromium, ChromiumError, ReportError, find_chromium, pdf_engine
from mel.reports.progress import steps

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from mel.kpi.definitions import Published
    from mel.reports.model import Report

Step = Callable[[str], None]
StatusSource = Callable[["Engine", str, str], "dict[str, Any] | None"]


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
    # How the report gets the wave's case outcomes and AAPOR rates, in its worker: a
    # module-level function (engine, programme, wave) -> status or None, which pickles by
    # name (`mel.services.fieldwork.status.report_status`); None: a report without them.
    status: StatusSource | None = None
    # Responses in the wave (0: not counted). A pool starts the reports with the most
    # first: their workers build side by side before Chromium is started to print.
    responses: int = 0

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
        # The page to print and the PDF's name, when a worker leaves the printing to the pool.
        self.printable: tuple[str, str] | None = None


def published(database_url: str, programme: str) -> Published:
    """The programme's published definitions (`mel.kpi.definitions`), read afresh.

    Not cached: a publication between two runs in one process must show in the second. An
    edit of the YAML files changes nothing until it is published.
    """
    from sqlmodel import Session

    from mel.db import make_engine
    from mel.db_timeouts import Timeouts
    from mel.kpi.definitions import load_published
    from mel.settings import load_settings

    engine = make_engine(database_url, Timeouts.for_commands(load_settings()))
    try:
        with Session(engine) as session:
            return load_published(session, programme)
    finally:
        engine.dispose()


def job_steps(job: ReportJob) -> int:
    """Progress steps one job reports (for sizing a progress bar)."""
    return steps(published(job.database_url, job.programme).programme) + (3 if job.pdf else 2)


def run_job(
    job: ReportJob, progress: Step | None = None, browser: Chromium | None = None
) -> Written:
    """Build and write one report; return the files written (and its problems)."""
    from mel.reports.render import write_report

    step = progress or (lambda _label: None)
    report = build(job, step)
    files = write_report(
        report, job.out, pdf=job.pdf, progress=step, engine=job.engine, browser=browser
    )
    return Written(files, report.problems)


def build(job: ReportJob, step: Step) -> Report:
    """Evaluate the job's published KPIs and assemble its report."""
    from mel.db import make_engine
    from mel.db_timeouts import Timeouts
    from mel.reports.build import build_report
    from mel.settings import load_settings

    definitions = published(job.database_url, job.programme)
    settings = load_settings()
    engine = make_engine(job.database_url, Timeouts.for_commands(settings))
    try:
        status = job.status(engine, job.programme, job.wave) if job.status else None
        return build_report(
            engine,
            definitions.programme,
            definitions.instruments,
            job.wave,
            language=job.language,
            k=job.k,
            progress=step,
            folder=settings.surveys / job.programme,
            fieldwork_status=status,
        )
    finally:
        engine.dispose()


def located(exc: BaseException, job: ReportJob) -> BaseException:
    """`exc` with notes saying which report it stopped and where in the code."""
    exc.add_note(f"while writing {job.label}")
    exc.add_note("".join(traceback.format_exception(exc)))
    return exc


def picklable(exc: BaseException) -> BaseException:
    """`exc` if it survives pickling, else a RuntimeError with its type and message."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # noqa: BLE001 (any failure to pickle)
        stand_in = RuntimeError(f"{type(exc).__name__}: {exc}")
        for note in getattr(exc, "__notes__", []):
            stand_in.add_note(note)
        return stand_in
    return exc


def prints_with_chromium(jobs: list[ReportJob]) -> bool:
    """True when the run prints PDFs and Chromium prints all of them."""
    return {pdf_engine(job.engine) for job in jobs if job.pdf} == {"chromium"}


@contextmanager
def browser_for(jobs: list[ReportJob], at_least: int = 2) -> Iterator[Chromium | None]:
    """One Chromium for a run of at least `at_least` reports printed with it, else None."""
    if not prints_with_chromium(jobs) or len(jobs) < at_least:
        yield None
        return
    try:
        browser = Chromium(find_chromium() or "chromium").__enter__()
    except ChromiumError as exc:
        raise ReportError(f"cannot make a PDF: {exc}") from None
    try:
        yield browser
    finally:
        browser.__exit__(None, None, None)
