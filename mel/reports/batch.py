"""Write several reports in one run: one after another, or in a pool of worker processes.

The pool is the standard library's `ProcessPoolExecutor` on the "forkserver" start method:
workers are forked from a small single-threaded server that has imported mel's report code
once, never from this (threaded) process, and each ends after one report, so that what a
big report left in its heap goes back to the system before the next one starts. The workers
build the reports and write HTML, CSV and XLSX; when Chromium prints, they send back the page
to print and this process prints it with its one Chromium (started when the first page comes
back) while they build the next ones.
This module imports no pandas or matplotlib: the process that runs the pool stays small.
"""

from __future__ import annotations

import multiprocessing
import pickle
import threading
from concurrent.futures import Future, ProcessPoolExecutor, as_completed, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack
from dataclasses import replace
from typing import Any

from mel.reports.jobs import (
    ReportJob,
    Step,
    Written,
    browser_for,
    build,
    job_steps,
    located,
    picklable,
    prints_with_chromium,
    run_job,
)
from mel.reports.pdf import Chromium, ReportError, print_html

# Reports one worker writes before it ends. One: a worker forked from the preloaded server
# starts in milliseconds, and a finished report's heap (hundreds of MB at national scale) is
# not kept while Chromium prints and the other workers build. It must stay 1 on Python
# 3.11-3.13: with more, a pool that has more reports queued than workers can stop
# replacing the workers that ended and wait for ever (CPython gh-115634).
TASKS_PER_WORKER = 1


def run_jobs(
    jobs: list[ReportJob], *, workers: int = 1, progress: Step | None = None
) -> list[Written]:
    """Write every job's report and return their files, in the order of `jobs`.

    With ``workers > 1`` that many worker processes build the reports (and print them with
    WeasyPrint); when Chromium prints, this process prints each report as it comes back,
    with one Chromium for the run. A report that fails does not stop the others: they are
    all written, then the first failure is raised with the report it
    belongs to and the worker's traceback in its notes. A worker that dies (killed, out of
    memory) breaks the pool: the run stops with a `ReportError` naming the reports it was
    writing. Ctrl-C cancels the reports not yet started and ends the workers.
    """
    step = progress or (lambda _label: None)
    if workers <= 1 or len(jobs) <= 1:
        failures: list[BaseException] = []
        written: list[Written] = []
        with browser_for(jobs) as browser:
            for job in jobs:
                try:
                    written.append(run_job(job, step, browser))
                except Exception as exc:  # noqa: BLE001 (the others are written first)
                    failures.append(located(exc, job))
                    written.append(Written())
        if failures:
            raise failures[0]
        return written
    return _Pool(jobs, min(workers, len(jobs)), step).run()


def start_order(jobs: list[ReportJob]) -> list[int]:
    """The indexes of `jobs`, biggest first (by responses, then by steps): no worker is left
    with a big report at the end, and the big ones are built before Chromium is started
    beside them."""
    return sorted(range(len(jobs)), key=lambda i: (-jobs[i].responses, -job_steps(jobs[i])))


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
        self.context.set_forkserver_preload(["mel.reports.preload"])
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
        print_here = prints_with_chromium(self.jobs)
        try:
            futures = {
                pool.submit(
                    _run_in_worker,
                    i,
                    replace(self.jobs[i], pdf=False) if print_here else self.jobs[i],
                    print_here,
                ): i
                for i in start_order(self.jobs)
            }
            printed: dict[int, BaseException | None] = {}
            # Chromium starts when the first page comes back to print, not before: the
            # workers build without it beside them (it takes some 400 MB), and the others
            # are still building while it starts.
            with ExitStack() as stack:
                browser: Chromium | None = None
                for future in as_completed(futures) if print_here else ():
                    if future.exception() is None:
                        if browser is None:
                            browser = stack.enter_context(browser_for(self.jobs, at_least=1))
                        index = futures[future]
                        printed[index] = self._print(index, future.result(), browser)
            wait(futures)
        except BaseException:
            for future in futures:
                future.cancel()
            _end_workers(pool)
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            self._stop_relay(labels, relay)  # every label of the workers is counted
            labels.close()
        # Every report has ended here: a failure among them is raised after the pool has
        # shut down on its own (its idle workers are not terminated: one terminated while it
        # waits for work holds the queue's lock, and a worker started after it would wait
        # for that lock for ever).
        return self._collect(futures, printed)

    def _print(self, index: int, written: Written, browser: Chromium | None) -> Exception | None:
        """Print the page a worker sent back with `written`; None, or the located error."""
        job, printable = self.jobs[index], written.printable
        written.printable = None
        if not job.pdf or printable is None or browser is None:
            return None
        html, name = printable
        path = job.out / name
        try:
            print_html(html, path, browser)
        except Exception as exc:  # noqa: BLE001 (the other reports are printed first)
            return located(ReportError(f"cannot make a PDF: {exc}"), job)
        self.step("PDF")
        written.insert(1, path)
        return None

    @staticmethod
    def _stop_relay(labels: Any, relay: threading.Thread) -> None:
        """Let the relay pass what is queued, then end it.

        The sentinel is put from a thread of its own: a worker killed while it was putting a
        label holds the queue's write lock for ever, and this process must not wait on it
        (the relay is a daemon thread, so it does not keep the process alive either).
        """
        if relay.is_alive():
            threading.Thread(target=labels.put, args=(None,), daemon=True).start()
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
        """Pass progress labels from the workers to `step` until the None sentinel.

        The queue can end without one: a worker killed while it put a label leaves the
        sentinel waiting behind its lock, and `run` then closes the queue; the relay stops
        at that end (or at the torn message such a worker left) instead of raising.
        """
        while True:
            try:
                message = labels.get()
            except (EOFError, OSError, ValueError, pickle.UnpicklingError):
                return
            if message is None:
                return
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


def _start_worker(labels: Any) -> None:
    """Keep the queue on which the worker sends its progress labels."""
    global _labels
    _labels = labels


def _run_in_worker(index: int, job: ReportJob, print_later: bool = False) -> Written:
    """Write the report of `job` in a worker process; a failure comes back located.

    With `print_later` the PDF is not printed here: the page to print comes back with the
    files (``Written.printable``).
    """
    from mel.reports.render import print_page, write_report

    _labels.put((index, None))
    try:
        step = lambda label: _labels.put((index, label))  # noqa: E731
        if not print_later:
            return run_job(job, step)
        report = build(job, step)
        written = Written(write_report(report, job.out, pdf=False, progress=step), report.problems)
        written.printable = (print_page(report), f"{report.basename}.pdf")
        return written
    except BaseException as exc:  # noqa: BLE001 (sent back to the parent, which raises it)
        raise picklable(located(exc, job)) from None
    finally:
        _labels.put((index, _DONE))


def _end_workers(pool: ProcessPoolExecutor) -> None:
    """Terminate the pool's workers (on Ctrl-C or an error here): none is left running."""
    if (terminate := getattr(pool, "terminate_workers", None)) is not None:
        terminate()  # Python 3.14 and later
        return
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        if process.is_alive():
            process.terminate()


__all__ = ["ReportJob", "Written", "job_steps", "run_job", "run_jobs"]
