"""`mel surveys`: validate, publish and import survey definition files."""

from __future__ import annotations

from pathlib import Path

import click

from mel.cli.context import cli_errors, engine, surveys_dir


@click.group("surveys")
def surveys_group() -> None:
    """Survey and programme definition files (YAML in surveys/)."""


def _paths(paths: tuple[Path, ...]) -> list[Path]:
    return list(paths) or [surveys_dir()]


@surveys_group.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def validate_command(paths: tuple[Path, ...]) -> None:
    """Check survey and programme files; print one line per problem (default: surveys/)."""
    from mel.surveys.loader import load_catalogue

    catalogue = load_catalogue(_paths(paths))
    for problem in catalogue.problems:
        click.echo(str(problem), err=True)
    if not catalogue.ok:
        raise SystemExit(1)
    click.echo(
        f"OK: {len(catalogue.instruments)} instruments, {len(catalogue.programmes)} programmes"
    )


@surveys_group.command("publish")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@cli_errors
def publish_command(paths: tuple[Path, ...]) -> None:
    """Validate, then store programmes and new instrument versions in the database."""
    from mel.db import session_scope
    from mel.surveys.loader import load_catalogue
    from mel.surveys.publish import PublishRefused, publish_catalogue

    catalogue = load_catalogue(_paths(paths))
    for problem in catalogue.problems:
        click.echo(str(problem), err=True)
    if not catalogue.ok:
        raise SystemExit(1)
    try:
        with session_scope(engine()) as session:
            results = publish_catalogue(session, catalogue)
    except PublishRefused as exc:
        click.echo(f"nothing published:\n{exc}", err=True)
        raise SystemExit(1) from None
    for result in results:
        click.echo(str(result))


@surveys_group.command("import-xlsform")
@click.argument("form", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the YAML here (default: standard output).",
)
@click.option("--instrument", help="Instrument code (default: the form_id setting).")
@click.option("--programme", help="Programme code the instrument belongs to.")
def import_xlsform_command(
    form: Path, out: Path | None, instrument: str | None, programme: str | None
) -> None:
    """Convert an ODK/KoboToolbox XLSForm into mel YAML; list what could not be converted."""
    from mel.surveys.xlsform.convert import convert_xlsform
    from mel.surveys.yamlfile import FileProblems

    try:
        result = convert_xlsform(form, instrument=instrument, programme=programme)
    except FileProblems as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        raise SystemExit(1) from None
    text = result.to_yaml()
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"wrote {out}", err=True)
    for problem in result.unconverted:
        click.echo(f"note: {problem}", err=True)
