"""`mel data`: register files (DUO, CBS, ...) imported as versioned KPI sources."""

from __future__ import annotations

from pathlib import Path

import click

from mel.cli.context import cli_errors
from mel.cli.users import cli_actor, database

SHOW_AT_MOST = 100  # problems printed; the count says how many there are in all


@click.group("data")
def data_group() -> None:
    """Register data: import files declared under `registers:` in a programme.yaml."""


@data_group.command("import")
@click.option("--source", required=True, help="Register source code, e.g. duo_instroom_techniek.")
@click.option("--by", default=None, help="Who imports (default: the login name).")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@cli_errors
def import_command(source: str, by: str | None, file: Path) -> None:
    """Check FILE (CSV or XLSX) against the source's declared schema and store a new version.

    Every problem is printed as file:row:column with the value at fault, and nothing is
    imported then. A file equal to the latest version is not imported again.
    """
    from mel.data.registers import RegisterProblems, UnknownSource, import_register
    from mel.services.privacy import record

    actor = by or cli_actor()
    try:
        with database() as session:
            result = import_register(session, source, file, actor)
            if result.created:
                record(
                    session,
                    actor,
                    "register_imported",
                    target=f"{source} v{result.version}",
                    file=file.name,
                    sha256=result.file_hash,
                    rows=result.rows,
                )
    except RegisterProblems as exc:
        for problem in exc.problems[:SHOW_AT_MOST]:
            click.echo(problem, err=True)
        if len(exc.problems) > SHOW_AT_MOST:
            click.echo(f"... and {len(exc.problems) - SHOW_AT_MOST} more", err=True)
        raise click.ClickException(
            f"{len(exc.problems)} problem(s) in {file}; nothing was imported"
        ) from None
    except UnknownSource as exc:
        raise click.ClickException(str(exc.args[0])) from None
    click.echo(str(result))


@data_group.command("versions")
@click.option("--source", required=True, help="Register source code.")
@cli_errors
def versions_command(source: str) -> None:
    """List the imported versions of a register source (the last is the one KPIs read)."""
    from mel.data.registers import versions

    with database() as session:
        found = versions(session, source)
        if not found:
            click.echo(f"register {source}: no imports")
        for v in found:
            latest = "  (latest)" if v is found[-1] else ""
            click.echo(
                f"v{v.version}  {v.imported_at:%Y-%m-%d %H:%M}  {v.imported_by}  {v.rows} rows  "
                f"{v.file_name}  sha256 {v.file_hash[:12]}{latest}"
            )
