"""`mel retention`: empty the answers of waves past their retention date."""

from __future__ import annotations

from datetime import UTC, date, datetime

import click

from mel.cli.context import cli_errors
from mel.cli.respondents import scrub_deleted
from mel.cli.users import cli_actor, database


@click.group("retention")
def retention_group() -> None:
    """Retention of answers per wave (set a wave's retention_until date)."""


@retention_group.command("purge")
@click.option("--dry-run", is_flag=True, help="Only report what would be emptied.")
@click.option(
    "--today",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Act as if today were this day (default: today, UTC).",
)
@cli_errors
def purge_command(dry_run: bool, today: datetime | None) -> None:
    """Delete the answers of waves whose retention_until has passed; counts are kept."""
    from mel.services.privacy import purge_expired, record

    day: date = today.date() if today else datetime.now(UTC).date()
    with database() as session:
        purges = purge_expired(session, day, dry_run=dry_run)
        if not dry_run:
            for purge in purges:
                if purge.responses:
                    record(
                        session,
                        cli_actor(),
                        "retention_purge",
                        programme=purge.programme,
                        target=purge.wave,
                        responses=purge.responses,
                        retention_until=purge.retention_until.isoformat(),
                    )
    if not dry_run and any(purge.responses for purge in purges):
        scrub_deleted()
    verb = "would empty" if dry_run else "emptied"
    for purge in purges:
        click.echo(
            f"{purge.programme}/{purge.wave} (keep until {purge.retention_until}): "
            f"{verb} the answers of {purge.responses} response(s)"
        )
    if not purges:
        click.echo(f"no wave is past its retention date on {day}")
