"""`mel waves`: the waves of each programme and the open links of their instruments."""

from __future__ import annotations

from pathlib import Path

import click

from mel.cli.context import cli_errors, settings
from mel.cli.users import cli_actor, database

STATE_WORDS = {"off": "off", "ask_unit": "on, asks for the unit", "no_unit": "on, no unit asked"}


@click.group("waves")
def waves_group() -> None:
    """Waves and the open links of their instruments."""


@waves_group.command("list")
@click.option("--programme", help="Only this programme's waves.")
@cli_errors
def list_command(programme: str | None) -> None:
    """List each wave's instruments with their open link (off unless switched on)."""
    from sqlmodel import select

    from mel.models import Programme
    from mel.services.open_links import open_link_rows

    with database() as session:
        programme_id = None
        if programme is not None:
            row = session.exec(select(Programme).where(Programme.code == programme)).first()
            if row is None:
                raise click.ClickException(f"unknown programme {programme!r}")
            programme_id = row.id
        rows = open_link_rows(session, programme_id=programme_id)
    if not rows:
        click.echo("no waves")
        return
    click.echo(f"{'programme':24} {'wave':20} {'status':8} {'instrument':24} open link")
    for r in rows:
        note = "" if r.works or not r.open_link else " (refused: the wave has a frame)"
        click.echo(
            f"{r.programme:24} {r.wave:20} {r.wave_status:8} {r.instrument:24} "
            f"{STATE_WORDS[r.state]}{note}"
        )


@waves_group.command("open-link")
@click.option("--wave", "wave_code", required=True, help="Wave code, e.g. monitor-2025.")
@click.option("--instrument", "instrument_code", required=True, help="Instrument code.")
@click.option(
    "--on/--off",
    "on",
    required=True,
    default=None,
    help="Switch the open link /s/<instrument>/<wave> on or off.",
)
@click.option(
    "--ask-unit",
    is_flag=True,
    help="The link asks which unit of the wave's sample the answers belong to "
    "(required with --on when the wave has a sampling frame).",
)
@cli_errors
def open_link_command(wave_code: str, instrument_code: str, on: bool, ask_unit: bool) -> None:
    """Switch an instrument's open link in a wave on or off (recorded in the audit log)."""
    from mel.models import Programme
    from mel.services.invitations import InvitationError, resolve_wave
    from mel.services.open_links import OpenLinkError, set_open_link
    from mel.services.privacy import record

    if not on and ask_unit:
        raise click.UsageError("--ask-unit goes with --on")
    state = "off" if not on else "ask_unit" if ask_unit else "no_unit"
    with database() as session:
        try:
            wave, instrument = resolve_wave(session, wave_code, instrument_code)
            set_open_link(session, wave, instrument, state)
        except (InvitationError, OpenLinkError) as exc:
            hint = " (add --ask-unit)" if isinstance(exc, OpenLinkError) and on else ""
            raise click.ClickException(f"{exc}{hint}") from None
        programme = session.get(Programme, wave.programme_id)
        record(
            session,
            cli_actor(),
            "open_link_changed",
            programme=programme.code if programme else None,
            target=f"{wave.code}/{instrument.code}",
            state=state,
        )
        status = wave.status
    base = settings().base_url.rstrip("/")
    path = f"{base}/s/{instrument_code}/{wave_code}"
    click.echo(f"open link of {instrument_code} in wave {wave_code}: {STATE_WORDS[state]}")
    if on:
        closed = "" if status == "open" else f" (the wave is {status}: it takes nobody yet)"
        click.echo(f"  {path}{closed}")


@waves_group.command("create")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@cli_errors
def create_command(file: Path) -> None:
    """Create (or update) the wave a wave file defines: instruments, dates and design.

    Re-running it with a changed file updates the wave while its sample is not frozen; a
    changed design discards a sample already drawn (draw it again).
    """
    from mel.services.privacy import record
    from mel.services.sampling import SamplingError
    from mel.services.sampling.waves import create_wave
    from mel.surveys.yamlfile import FileProblems

    try:
        with database() as session:
            created = create_wave(session, file)
            if created.action != "unchanged":
                record(
                    session,
                    cli_actor(),
                    f"wave_{created.action}",
                    programme=created.wave.design.get("programme"),
                    target=created.wave.code,
                    content_hash=created.wave.content_hash,
                )
    except FileProblems as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(
            f"{len(exc.problems)} problem(s) in {file}; no wave stored"
        ) from None
    except SamplingError as exc:
        raise click.ClickException(str(exc)) from None
    wave = created.wave
    design = wave.design["design"]["method"]
    click.echo(f"wave {wave.code} ({wave.year}, design {design}): {created.action}")
    if created.discarded_sample:
        click.echo("the design changed: the sample drawn before was discarded; draw it again")
