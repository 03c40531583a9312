"""`mel report`: write the impactmeting report of a programme's wave (HTML, PDF, tables)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from mel.cli.context import cli_errors, engine, settings
from mel.settings import PDF_ENGINES

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

LANGUAGES = ("nl", "en")


def _programmes(eng: Engine, requested: tuple[str, ...]) -> list[str]:
    """The published programme codes asked for ("all": every published programme)."""
    from sqlmodel import Session, select

    from mel.models import Programme

    with Session(eng) as session:
        published = sorted(session.exec(select(Programme.code)).all())
    codes = published if "all" in requested else list(dict.fromkeys(requested))
    for code in codes:
        if code not in published:
            known = ", ".join(published) or "none"
            raise click.ClickException(
                f"unknown programme {code!r} (known: {known}); reports use the published "
                "definitions: `mel surveys publish` first"
            )
    return codes


def _wave(eng: Engine, programme: str, wave: str) -> tuple[str, int]:
    """The wave code that `wave` names in `programme` (a code, a year, or "latest"), and
    the number of responses it holds."""
    from sqlmodel import Session

    from mel.services.waves import WaveNotFound, resolve_wave_code, wave_responses

    with Session(eng) as session:
        try:
            code = resolve_wave_code(session, programme, wave)
        except WaveNotFound as exc:
            raise click.ClickException(str(exc)) from None
        return code, wave_responses(session, programme, code)


def _check_writable(folder: Path) -> None:
    import tempfile  # with shutil, random, bz2 and lzma: not for `mel --help`

    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise click.ClickException(f"cannot write to {folder}: {exc.strerror or exc}") from None


@click.command("report")
@click.option(
    "--programme",
    "programmes",
    required=True,
    multiple=True,
    help="Programme code, e.g. katapult; repeat it for several, or `all`.",
)
@click.option(
    "--kind",
    type=click.Choice(["impactmeting", "progress"]),
    default="impactmeting",
    show_default=True,
    help="impactmeting: the survey report of a wave; progress: the yearly progress report "
    "(voortgangsrapportage) of a census, with --year.",
)
@click.option("--wave", help="Wave code (e.g. impactmeting-2025), its year (2025) or `latest`.")
@click.option("--year", type=int, help="The year of the progress report (--kind progress).")
@click.option(
    "--profiles/--no-profiles",
    default=True,
    show_default=True,
    help="With --kind progress: a one-page profile per unit at the end of the report.",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder to write the report files into (created if missing).",
)
@click.option("--language", default="nl", show_default=True, help="nl or en.")
@click.option("--database-url", help="Database to read (default: MEL_DATABASE_URL).")
@click.option(
    "--min-group-size",
    type=int,
    default=None,
    help="Suppress groups under this many respondents (default: MEL_MIN_GROUP_SIZE or 10).",
)
@click.option("--pdf/--no-pdf", default=True, show_default=True, help="Also write the PDF.")
@click.option(
    "--pdf-engine",
    type=click.Choice(PDF_ENGINES),
    default=None,
    help="chromium, weasyprint, or auto: Chromium when installed (default: "
    "MEL_PDF_ENGINE or auto).",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Reports in hand at once, from being built (each in a process of its "
    "own) to being printed; memory grows with it (default: one per "
    "programme, at most the number of CPUs).",
)
@cli_errors
def report_command(
    programmes: tuple[str, ...],
    kind: str,
    wave: str | None,
    year: int | None,
    profiles: bool,
    out: Path,
    language: str,
    database_url: str | None,
    min_group_size: int | None,
    pdf: bool,
    pdf_engine: str | None,
    jobs: int | None,
) -> None:
    """Write the impactmeting report of each PROGRAMME in WAVE, or with --kind progress its
    progress report of --year: HTML, PDF, CSV and XLSX."""
    from mel.reports.batch import ReportJob, job_steps, run_jobs
    from mel.reports.pdf import ReportError
    from mel.reports.pdf import pdf_engine as resolve_engine
    from mel.reports.progress import Progress
    from mel.services.fieldwork.status import report_status

    if language not in LANGUAGES:
        raise click.ClickException(f"unknown language {language!r} (use nl or en)")
    k = min_group_size if min_group_size is not None else settings().min_group_size
    if k < 1:
        raise click.ClickException(f"the minimum group size must be a whole number >= 1, not {k!r}")
    if kind == "progress":
        if year is None or wave is not None:
            raise click.ClickException("--kind progress takes --year (e.g. 2026), not --wave")
        from mel.cli.progress_report import write_progress

        for path in write_progress(
            engine(database_url), programmes, year, out, language, k, pdf, pdf_engine, profiles
        ):
            click.echo(str(path))
        return
    if wave is None:
        raise click.ClickException("give --wave (a code, a year or `latest`)")
    eng = engine(database_url)
    try:
        codes = _programmes(eng, programmes)
        waves = [_wave(eng, code, wave) for code in codes]
        url = eng.url.render_as_string(hide_password=False)
    finally:
        eng.dispose()
    _check_writable(out)
    try:
        engine_name = resolve_engine(pdf_engine or settings().pdf_engine) if pdf else None
    except ReportError as exc:
        raise click.ClickException(str(exc)) from None
    report_jobs = [
        ReportJob(
            url, code, code_wave, out, language, k, pdf, engine_name, report_status, responses
        )
        for code, (code_wave, responses) in zip(codes, waves, strict=True)
    ]
    workers = jobs or min(len(report_jobs), os.cpu_count() or 1)
    progress = Progress(sum(job_steps(job) for job in report_jobs))
    try:
        written = run_jobs(report_jobs, workers=workers, progress=progress)
    except (ReportError, LookupError) as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"cannot write to {out}: {exc.strerror or exc}") from None
    except KeyboardInterrupt:
        raise click.ClickException(
            f"stopped (Ctrl-C): the reports being written were abandoned; the files in {out} "
            f"may be incomplete"
        ) from None
    finally:
        progress.close()
    for files in written:
        for path in files:
            click.echo(str(path))
    problems = [
        f"  {job.programme} {job.wave}: {problem}"
        for job, files in zip(report_jobs, written, strict=True)
        for problem in files.problems
    ]
    if problems:
        # The files say why at each KPI; a run that could not compute must not pass as done.
        raise click.ClickException(
            f"{len(problems)} KPI(s) could not be computed (the reports say so where they "
            f"stand):\n" + "\n".join(problems)
        )
