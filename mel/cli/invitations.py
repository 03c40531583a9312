"""`mel invitations`: create closed-survey invitation links in bulk."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from mel.cli.context import cli_errors, engine, settings
from mel.cli.lazy import LazyGroup

# The mail commands live with the other fieldwork commands and load when they run.
MAIL_COMMANDS = {
    "bounced": "mel.cli.fieldwork:bounced_command",
    "remind": "mel.cli.fieldwork:remind_command",
    "send": "mel.cli.fieldwork:send_command",
}


@click.group("invitations", cls=LazyGroup, lazy_subcommands=MAIL_COMMANDS)
def invitations_group() -> None:
    """Invitation links for closed surveys (only a hash of each token is stored)."""


@invitations_group.command("create")
@click.option("--wave", "wave_code", required=True, help="Wave code, e.g. impactmeting-2025.")
@click.option("--instrument", "instrument_code", required=True, help="Instrument code.")
@click.option(
    "--units",
    help="'all' units of the programme, 'sampled' units of the wave's "
    "frame, or a CSV file with a 'unit' and/or 'reference' column (optional "
    "'language'). Without it: --count links for persons without a unit.",
)
@click.option(
    "--count",
    default=1,
    show_default=True,
    type=click.IntRange(min=1, max=100_000),
    help="Links per unit (or in total without --units).",
)
@click.option(
    "--expires",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Last day (YYYY-MM-DD, UTC) on which the links work.",
)
@click.option(
    "--include-answered",
    is_flag=True,
    help="Also invite units that have already completed this unit-level instrument in "
    "the wave (skipped by default: a unit answers it once per wave).",
)
@click.option(
    "--base-url", help="Address participants open, put before /i/<token> (default: MEL_BASE_URL)."
)
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="CSV file to write the links to (must not exist yet).",
)
@cli_errors
def create_command(
    wave_code: str,
    instrument_code: str,
    units: str | None,
    count: int,
    expires: datetime | None,
    include_answered: bool,
    base_url: str | None,
    out: Path,
) -> None:
    """Create invitations and write their links to a CSV file.

    The tokens cannot be recovered later: keep the file safe, and send each link only to
    the unit or person it is for.
    """
    from mel.db import session_scope
    from mel.services.invitations import (
        InvitationError,
        Invitee,
        create_invitations,
        invitees_from_csv,
        invitees_from_units,
        resolve_wave,
        without_answered,
        write_links,
    )

    if out.exists():
        raise click.ClickException(f"{out} exists; choose a new file so that no links are lost")
    base = (base_url if base_url is not None else settings().base_url).strip()
    if not base.startswith(("https://", "http://")):
        raise click.ClickException(
            "invitation links need the address participants open: give --base-url "
            "https://mel.example.org or set MEL_BASE_URL" + (f" (not {base!r})" if base else "")
        )
    database = engine()
    try:
        with session_scope(database) as session:
            wave, instrument = resolve_wave(session, wave_code, instrument_code)
            if units is None:
                invitees, per = [Invitee()] * count, 1
            elif units in ("all", "sampled"):
                invitees, per = invitees_from_units(session, wave, units), count
            else:
                invitees, per = invitees_from_csv(session, wave, Path(units)), count
            skipped = 0
            if not include_answered:
                invitees, skipped = without_answered(session, wave, instrument, invitees)
                if not invitees:
                    raise InvitationError(
                        f"every unit asked for has already completed {instrument_code} in "
                        f"wave {wave_code} ({skipped} skipped); --include-answered invites "
                        f"them anyway"
                    )
            issued = create_invitations(
                session,
                wave=wave,
                instrument=instrument,
                invitees=invitees,
                count=per,
                base_url=base,
                expires=expires.date() if expires else None,
            )
            # Written before the commit: if the file cannot be written, nothing is stored.
            write_links(out, issued)
    except BaseException as exc:
        out.unlink(missing_ok=True)  # and if the commit fails, no unusable links remain
        if isinstance(exc, InvitationError):
            raise click.ClickException(str(exc)) from None
        if isinstance(exc, OSError):
            raise click.ClickException(f"cannot write {out}: {exc}") from None
        raise
    finally:
        database.dispose()
    links = "invitation link" if len(issued) == 1 else "invitation links"
    click.echo(
        f"created {len(issued)} {links} for {instrument_code} in wave {wave_code}; wrote {out}"
    )
    if skipped:
        click.echo(
            f"skipped {skipped} unit(s) that have already completed {instrument_code} in "
            f"this wave (--include-answered invites them anyway)"
        )
