"""Print where to find things in a running mel: survey links per open wave."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


def print_links(engine: Engine, base: str) -> None:
    """Echo the open links that take participants in every open wave, and how to reach the rest.

    Only links that work are printed: an instrument whose open link is off (or would be
    refused) is reached through invitations, and the command that makes them is shown.
    """
    from sqlmodel import Session

    from mel.services.open_links import open_link_rows

    with Session(engine) as session:
        rows = open_link_rows(session, wave_status="open")
    click.echo("survey links (open waves):")
    for row in rows:
        if row.works:
            asks = "  (asks for the unit)" if row.ask_unit and row.has_frame else ""
            click.echo(f"  {row.programme:24} {base}{row.path}{asks}")
        else:
            click.echo(
                f"  {row.programme:24} {row.instrument}: by invitation only: mel invitations "
                f"create --wave {row.wave} --instrument {row.instrument} --units sampled "
                f"--base-url {base} --out links.csv"
            )
