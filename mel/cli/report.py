"""`mel report`: write the impactmeting report of a programme's wave (HTML, PDF, tables)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, select

from ..config import ConfigError
from ..db import make_engine
from ..models import Programme, Wave
from ..surveys.loader import load_catalogue
from ..surveys.programme_schema import ProgrammeDefinition
from ..surveys.schema import InstrumentDefinition
from .context import cli_errors, engine, settings, surveys_dir

LANGUAGES = ("nl", "en")


def _engine(database_url: str | None) -> Engine:
    """The engine for --database-url (an existing database) or MEL_DATABASE_URL."""
    if database_url is None:
        return engine()
    url = make_url(database_url) if "://" in database_url else None
    if url is None:
        raise ConfigError(f"--database-url is not a database URL: {database_url!r}")
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:") \
            and not Path(url.database).exists():
        raise ConfigError(f"no database at {url.database} (create one with `mel demo` or "
                          f"`mel db upgrade`)")
    return make_engine(database_url)


def _definitions(code: str) -> tuple[ProgrammeDefinition, dict[str, InstrumentDefinition]]:
    """The programme's definition and instruments from the survey files."""
    catalogue = load_catalogue([surveys_dir()])
    if code not in catalogue.programmes:
        broken = [p for p in catalogue.problems if f"/{code}/" in p.file.replace("\\", "/")]
        if broken:
            raise click.ClickException(f"programme {code!r} has problems in its files: "
                                       f"{broken[0]}")
        known = ", ".join(sorted(catalogue.programmes)) or "none"
        raise click.ClickException(f"unknown programme {code!r} (known: {known})")
    instruments = {name: survey for name, (_, survey) in catalogue.instruments.items()
                   if survey.programme == code}
    return catalogue.programmes[code][1], instruments


def _check_wave(eng: Engine, programme: str, wave: str) -> None:
    with Session(eng) as session:
        row = session.exec(select(Programme).where(Programme.code == programme)).first()
        if row is None:
            raise click.ClickException(f"programme {programme!r} is not in the database; "
                                       f"publish it (`mel surveys publish`) or run `mel demo`")
        waves = session.exec(select(Wave.code).where(Wave.programme_id == row.id)
                             .order_by(Wave.code)).all()
    if wave not in waves:
        raise click.ClickException(f"no wave {wave!r} in programme {programme!r} (waves: "
                                   f"{', '.join(waves) or 'none'})")


def _check_writable(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise click.ClickException(f"cannot write to {folder}: "
                                   f"{exc.strerror or exc}") from None


@click.command("report")
@click.option("--programme", required=True, help="Programme code, e.g. katapult.")
@click.option("--wave", required=True, help="Wave code, e.g. impactmeting-2025.")
@click.option("--out", required=True, type=click.Path(path_type=Path),
              help="Folder to write the report files into (created if missing).")
@click.option("--language", default="nl", show_default=True, help="nl or en.")
@click.option("--database-url", help="Database to read (default: MEL_DATABASE_URL).")
@click.option("--min-group-size", type=int, default=None,
              help="Suppress groups under this many respondents (default: MEL_MIN_GROUP_SIZE "
                   "or 10).")
@click.option("--pdf/--no-pdf", default=True, show_default=True, help="Also write the PDF.")
@cli_errors
def report_command(programme: str, wave: str, out: Path, language: str,
                   database_url: str | None, min_group_size: int | None, pdf: bool) -> None:
    """Write the impactmeting report of PROGRAMME in WAVE: HTML, PDF, CSV and XLSX."""
    from ..reports.build import build_report, steps
    from ..reports.progress import Progress
    from ..reports.render import ReportError, write_report

    if language not in LANGUAGES:
        raise click.ClickException(f"unknown language {language!r} (use nl or en)")
    k = min_group_size if min_group_size is not None else settings().get("MIN_GROUP_SIZE", 10)
    if not isinstance(k, int) or k < 1:
        raise click.ClickException(f"the minimum group size must be a whole number >= 1, "
                                   f"not {k!r}")
    definition, instruments = _definitions(programme)
    eng = _engine(database_url)
    _check_wave(eng, programme, wave)
    _check_writable(out)
    progress = Progress(steps(definition) + (3 if pdf else 2))
    try:
        report = build_report(eng, definition, instruments, wave, language=language, k=k,
                              progress=progress)
        files = write_report(report, out, pdf=pdf, progress=progress)
    except ReportError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"cannot write to {out}: {exc.strerror or exc}") from None
    finally:
        progress.close()
    for path in files:
        click.echo(str(path))
