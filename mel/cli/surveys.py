"""`mel surveys`: validate, publish and import survey definition files."""

from __future__ import annotations

from pathlib import Path

import click

from mel.cli.context import cli_errors, engine, surveys_dir
from mel.surveys.languages import ISO_639_1


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
    books = f", {len(catalogue.codebooks)} code books" if catalogue.codebooks else ""
    click.echo(
        f"OK: {len(catalogue.instruments)} instruments, {len(catalogue.programmes)} programmes"
        + books
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
@click.option(
    "--language",
    type=click.Choice(sorted(ISO_639_1)),
    show_choices=False,
    metavar="CODE",
    help="Language of label/hint columns that name none: nl, en or another ISO 639-1 code "
    "such as tr (default: the settings sheet's).",
)
def import_xlsform_command(
    form: Path,
    out: Path | None,
    instrument: str | None,
    programme: str | None,
    language: str | None,
) -> None:
    """Convert an XLSForm (.xlsx, .xls) into mel YAML; list what could not be converted.

    Exits with status 1 when the form cannot be read or the YAML would not validate.
    """
    from mel.surveys.xlsform.convert import convert_xlsform
    from mel.surveys.yamlfile import FileProblems

    try:
        result = convert_xlsform(
            form, instrument=instrument, programme=programme, language=language
        )
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
    if not result.valid:
        click.echo("error: the YAML written does not validate (see 'still invalid')", err=True)
        raise SystemExit(1)


@surveys_group.command("export-xlsform")
@click.argument("instrument")
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The .xlsx file to write.",
)
def export_xlsform_command(instrument: str, out: Path) -> None:
    """Write an instrument (a YAML file, or a code in surveys/) as an XLSForm workbook."""
    from mel.surveys.loader import load_catalogue, load_instrument
    from mel.surveys.xlsform.export import export_xlsform
    from mel.surveys.yamlfile import FileProblems

    path = Path(instrument)
    try:
        if path.is_file():
            survey = load_instrument(path)
        else:
            catalogue = load_catalogue([surveys_dir()])
            if instrument not in catalogue.instruments:
                click.echo(f"{instrument}: no such file, nor instrument in surveys/", err=True)
                raise SystemExit(1)
            survey = catalogue.instruments[instrument][1]
    except FileProblems as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        raise SystemExit(1) from None
    export_xlsform(survey, out)
    click.echo(f"wrote {out}", err=True)
