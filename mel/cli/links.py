"""Print where to find things in a running mel: survey links per open wave."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


def print_links(engine: Engine, base: str) -> None:
    """Echo the open links that take participants in every open wave, and how to reach the rest.

    Only links that work are printed: an instrument whose open link is off (or would be
    refused) is reached through invitations: where the wave has some, their number and the
    command that shows their fieldwork; otherwise the command that makes them.
    """
    from sqlalchemy import func, select
    from sqlmodel import Session

    from mel.models import Instrument, Invitation, Wave
    from mel.services.open_links import open_link_rows

    with Session(engine) as session:
        rows = open_link_rows(session, wave_status="open")
        invited = {
            (wave, instrument): count
            for wave, instrument, count in session.execute(
                select(Wave.code, Instrument.code, func.count(Invitation.id))
                .join(Wave, Wave.id == Invitation.wave_id)
                .join(Instrument, Instrument.id == Invitation.instrument_id)
                .group_by(Wave.code, Instrument.code)
            ).all()
        }
    click.echo("survey links (open waves):")
    for row in rows:
        count = invited.get((row.wave, row.instrument), 0)
        if row.works:
            asks = "  (asks for the unit)" if row.ask_unit and row.has_frame else ""
            click.echo(f"  {row.programme:24} {base}{row.path}{asks}")
        elif count:
            click.echo(
                f"  {row.programme:24} {row.instrument}: by invitation only: {count} "
                f"invitations made (mel fieldwork status --wave {row.wave})"
            )
        else:
            click.echo(
                f"  {row.programme:24} {row.instrument}: by invitation only: mel invitations "
                f"create --wave {row.wave} --instrument {row.instrument} --units sampled "
                f"--base-url {base} --out links.csv"
            )
