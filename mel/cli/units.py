"""`mel units`: the units register of a programme (pps'en, werkplaatsen, schools)."""

from __future__ import annotations

from pathlib import Path

import click

from mel.cli.context import cli_errors
from mel.cli.users import cli_actor, database

LIST_AT_MOST = 50


@click.group("units")
def units_group() -> None:
    """The units register: import a programme's units from CSV or XLSX."""


@units_group.command("import")
@click.option("--programme", required=True, help="Programme code, e.g. katapult.")
@click.option("--dry-run", is_flag=True, help="Only print what would change.")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@cli_errors
def import_command(programme: str, dry_run: bool, file: Path) -> None:
    """Import FILE (CSV or XLSX), upserting units by code; absent units become inactive.

    Columns: code, name, kind (required), parent, region, province, sector, stratum, and
    size measures size_<name> (e.g. size_students). One bad row imports nothing.
    """
    from mel.services.privacy import record
    from mel.services.sampling import SamplingError
    from mel.services.sampling.unitfile import UnitFileProblems
    from mel.services.sampling.units import import_units

    try:
        with database() as session:
            changes = import_units(session, programme, file, dry_run=dry_run)
            if not dry_run:
                record(
                    session,
                    cli_actor(),
                    "units_imported",
                    programme=programme,
                    target=file.name,
                    new=len(changes.new),
                    changed=len(changes.changed),
                    gone=len(changes.gone),
                )
    except UnitFileProblems as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        raise click.ClickException(
            f"{len(exc.problems)} problem(s) in {file}; nothing was imported"
        ) from None
    except SamplingError as exc:
        raise click.ClickException(str(exc)) from None
    # A first import of 450 units needs no list of them; --dry-run always shows each one.
    if dry_run or len(changes.new) + len(changes.changed) <= LIST_AT_MOST:
        for code in changes.new:
            click.echo(f"  new      {code}")
        for code, fields in changes.changed.items():
            click.echo(f"  changed  {code} ({', '.join(fields)})")
    for code in changes.gone:
        click.echo(f"  gone     {code} (marked inactive)")
    verb = "would import" if dry_run else "imported"
    click.echo(f"{verb} {file.name} into {programme}: {changes.summary()}")
