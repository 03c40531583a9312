"""`mel report --kind progress`: the yearly progress report of a programme's census."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from mel.cli.context import settings

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


def write_progress(
    eng: Engine,
    programmes: tuple[str, ...],
    year: int,
    out: Path,
    language: str,
    k: int,
    pdf: bool,
    pdf_engine: str | None,
    profiles: bool = True,
) -> list[Path]:
    """Write the progress report of each programme in `year`; return the files."""
    from sqlmodel import Session

    from mel.cli.report import _check_writable, _programmes
    from mel.data.census import CensusDataError, census_data
    from mel.kpi.definitions import published_programme
    from mel.kpi.progress import progress_results
    from mel.reports.build import _version
    from mel.reports.census_files import write_progress_report
    from mel.reports.census_report import build_progress_report
    from mel.reports.pdf import ReportError
    from mel.reports.pdf import pdf_engine as resolve_engine

    written: list[Path] = []
    try:
        codes = _programmes(eng, programmes)
        built = []
        with Session(eng) as session:
            for code in codes:
                programme = published_programme(session, code)
                if programme.progress is None:
                    raise click.ClickException(
                        f"programme {code!r} has no progress measurement (a `progress:` block "
                        f"in its programme.yaml, published with `mel surveys publish`)"
                    )
                try:
                    data = census_data(session, code, programme.progress.instrument)
                    results = progress_results(data, programme.progress, year)
                except (CensusDataError, LookupError) as exc:
                    raise click.ClickException(f"{code}: {exc}") from None
                built.append(
                    build_progress_report(
                        results, programme, language, k=k, profiles=profiles, version=_version()
                    )
                )
    finally:
        eng.dispose()
    _check_writable(out)
    try:
        engine_name = resolve_engine(pdf_engine or settings().pdf_engine) if pdf else None
        for report in built:
            written += write_progress_report(report, out, pdf=pdf, engine=engine_name)
    except ReportError as exc:
        raise click.ClickException(str(exc)) from None
    return written
