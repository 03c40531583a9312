"""`mel respondents`: what mel holds about a pseudonymous respondent, and erasure."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from mel.cli.context import cli_errors, engine
from mel.cli.users import cli_actor, database

if TYPE_CHECKING:
    pass

# The tables in which erasure and retention delete or empty answers and references.
ERASED_TABLES = ("response", "invitation")  # the tables erasure deletes rows from


def scrub_deleted() -> None:
    """After the commit: leave no readable copy of deleted answers; warn when that failed."""
    from mel.services.scrub import scrub

    eng = engine()
    try:
        notes = scrub(eng, ERASED_TABLES)
    finally:
        eng.dispose()
    for note in notes:
        click.echo(f"warning: {note}", err=True)


def _reference(respondent_id: str) -> str:
    """How the audit log names a respondent: a hash, so the log keeps no pseudonym."""
    from mel.services.privacy import key_hash

    return "respondent#" + key_hash("respondent", respondent_id)[:16]


@click.group("respondents")
def respondents_group() -> None:
    """Privacy requests about one respondent (by pseudonymous respondent id)."""


@respondents_group.command("export")
@click.argument("respondent_id")
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the JSON here (default: standard output).",
)
@cli_errors
def export_command(respondent_id: str, out: Path | None) -> None:
    """Print everything held about RESPONDENT_ID as JSON (a subject access request)."""
    from mel.services.privacy import record, respondent_data

    with database() as session:
        data = respondent_data(session, respondent_id)
        if data is None:
            raise click.ClickException(
                f"no responses for respondent {respondent_id!r} (unknown, or already erased)"
            )
        record(
            session,
            cli_actor(),
            "respondent_export",
            target=_reference(respondent_id),
            responses=len(data["responses"]),
        )
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if out is None:
        click.echo(text)
    else:
        out.write_text(text + "\n", encoding="utf-8")
        click.echo(f"wrote {out}", err=True)


@respondents_group.command("erase")
@click.argument("respondent_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@cli_errors
def erase_command(respondent_id: str, yes: bool) -> None:
    """Delete RESPONDENT_ID's responses for good; a tombstone stops them coming back."""
    from mel.services.privacy import erase_respondent, record

    if not yes:
        click.confirm(
            f"Erase every response of respondent {respondent_id}? This cannot be undone", abort=True
        )
    with database() as session:
        count = erase_respondent(session, respondent_id)
        if count == 0:
            raise click.ClickException(
                f"no responses for respondent {respondent_id!r} (unknown, or already erased)"
            )
        record(session, cli_actor(), "erasure", target=_reference(respondent_id), responses=count)
    scrub_deleted()
    click.echo(f"erased {count} response(s) of respondent {respondent_id}")
