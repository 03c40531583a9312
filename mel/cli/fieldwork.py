"""`mel contacts import`, `mel invitations send|remind|bounced`, `mel fieldwork status|outcome`.

Contact details never appear in what these commands print (only a contacts file's own
located errors quote the value that is wrong).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from mel.cli.context import cli_errors, engine, settings


def _wave(session, code: str):  # type: ignore[no-untyped-def]
    """The wave of that code (a code used by two programmes must be told apart)."""
    from sqlmodel import select

    from mel.models import Wave

    found = session.exec(select(Wave).where(Wave.code == code)).all()
    if not found:
        raise click.ClickException(f"unknown wave {code!r}")
    if len(found) > 1:
        raise click.ClickException(f"wave code {code!r} is used by more than one programme")
    return found[0]


def _secret() -> str:
    """The key links are derived from: MEL_SECRET_KEY, else the instance folder's key."""
    from mel.cli.demo import instance_secret

    return settings().secret_key or instance_secret()


def _base_url() -> str:
    base = settings().base_url.strip()
    if not base.startswith(("https://", "http://")):
        raise click.ClickException(
            "mails carry links: set MEL_BASE_URL to the address participants open, "
            "e.g. https://mel.example.org"
        )
    return base


@click.group("contacts")
def contacts_group() -> None:
    """Contacts of a wave (e-mail, name, language, unit), kept apart from answers."""


@contacts_group.command("import")
@click.option("--wave", "wave_code", required=True, help="Wave code.")
@click.option("--instrument", "instrument_code", required=True, help="Instrument code.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@cli_errors
def contacts_import(wave_code: str, instrument_code: str, file: Path) -> None:
    """Import FILE (CSV or XLSX: email, name, language, unit); one bad row imports nothing."""
    from mel.db import session_scope
    from mel.services.fieldwork.contacts import ContactFileError, import_contacts
    from mel.services.invitations import InvitationError, resolve_wave

    database = engine()
    try:
        with session_scope(database) as session:
            try:
                wave, instrument = resolve_wave(session, wave_code, instrument_code)
                done = import_contacts(session, wave=wave, instrument=instrument, path=file)
            except (ContactFileError, InvitationError) as exc:
                raise click.ClickException(str(exc)) from None
    finally:
        database.dispose()
    click.echo(
        f"contacts of {instrument_code} in {wave_code}: {done.new} new, {done.updated} "
        f"updated, {done.unchanged} unchanged; {done.person_cases} person case(s) created"
    )
    if done.not_chosen:
        click.echo(
            f"  {done.not_chosen} listed person(s) not chosen (the wave samples persons within "
            f"units); their addresses were not kept"
        )


def _send(wave_code: str, kind: str, rate: str | None, retry_claimed: bool, after: str | None):  # type: ignore[no-untyped-def]
    """Send one kind of mail for a wave and print what happened."""
    from mel.db import session_scope
    from mel.services.fieldwork import mailing, transport

    current = settings()
    database = engine()
    try:
        with session_scope(database) as session:
            wave = _wave(session, wave_code)
        try:
            sender = mailing.Sender(
                engine=database,
                wave_id=wave.id,
                transport=transport.make_transport(
                    current.smtp_url, current.instance_path, wave.code
                ),
                secret=_secret(),
                base_url=_base_url(),
                sender=current.mail_from,
                rate=mailing.parse_rate(rate),
                retry_claimed=retry_claimed,
            )
            where = transport.describe(current.smtp_url, current.instance_path, wave.code)
            result = sender.run(kind, after=mailing.parse_after(after) if after else None)
        except (mailing.MailingError, transport.TransportError) as exc:
            raise click.ClickException(str(exc)) from None
    finally:
        database.dispose()
    click.echo(f"{result.kind}: {result.sent} sent to the {where}, {result.already} sent before")
    if result.not_due:
        click.echo(f"  {result.not_due} not due yet (last mail less than {after} ago)")
    if result.refused:
        # Counts only: addresses never go to output that may end up in a log.
        click.echo(
            f"  {len(result.refused)} refused by the server (recorded as bounces; the staff "
            f"page's outbox and `mel fieldwork status` show them)"
        )
    if result.uncertain:
        click.echo(
            f"  {len(result.uncertain)} claimed by an earlier run that stopped before it was "
            f"confirmed (not sent again; check the server's log for these Message-IDs, then "
            f"rerun with --retry-claimed for those that did not arrive):"
        )
        for message_id in result.uncertain:
            click.echo(f"    {message_id}")


@click.command("send")
@click.option("--wave", "wave_code", required=True, help="Wave code.")
@click.option("--rate", help="At most this many mails, e.g. 20/s or 600/min (default: no limit).")
@click.option(
    "--retry-claimed",
    is_flag=True,
    help="Also send mails an earlier run claimed but never confirmed (see the docs).",
)
@cli_errors
def send_command(wave_code: str, rate: str | None, retry_claimed: bool) -> None:
    """Mail every sampled case its personal link (each contact once; freezes the sample).

    Through MEL_SMTP_URL, else to .eml files in the instance folder's outbox/<wave>/.
    Safe to rerun after a crash: mails marked sent are never sent again.
    """
    _send(wave_code, "invitation", rate, retry_claimed, None)


@click.command("remind")
@click.option("--wave", "wave_code", required=True, help="Wave code.")
@click.option(
    "--after",
    default="7d",
    show_default=True,
    help="Only when the last mail is this old (7d, 36h).",
)
@click.option("--rate", help="At most this many mails, e.g. 20/s or 600/min.")
@click.option("--retry-claimed", is_flag=True, help="Also send claimed, unconfirmed mails.")
@cli_errors
def remind_command(wave_code: str, after: str, rate: str | None, retry_claimed: bool) -> None:
    """Remind those invited who have not finished, opted out or bounced (one mail per round)."""
    _send(wave_code, "reminder", rate, retry_claimed, after)


@click.command("bounced")
@click.argument("file", type=click.Path(exists=True, path_type=Path))
@click.option("--wave", "wave_code", help="Only contacts of this wave.")
@cli_errors
def bounced_command(file: Path, wave_code: str | None) -> None:
    """Record bounces from FILE: a CSV of addresses, an .eml DSN, or a folder of them."""
    from mel.db import session_scope
    from mel.services.fieldwork.bounces import BounceFileError, read_bounces, record_bounces

    database = engine()
    try:
        with session_scope(database) as session:
            wave_id = _wave(session, wave_code).id if wave_code else None
            try:
                summary = record_bounces(session, read_bounces(file), wave_id)
            except BounceFileError as exc:
                raise click.ClickException(str(exc)) from None
    finally:
        database.dispose()
    click.echo(f"{summary.recorded} bounce(s) recorded, {summary.already} known before")
    if summary.unknown:
        click.echo(f"  {len(summary.unknown)} address(es) that received no mail from mel")


@click.group("fieldwork")
def fieldwork_group() -> None:
    """Fieldwork of a wave: outcomes and AAPOR response rates."""


@fieldwork_group.command("status")
@click.option("--wave", "wave_code", required=True, help="Wave code.")
@click.option("--e", "e", type=click.FloatRange(0, 1), help="RR3's eligible share of unknowns.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@cli_errors
def status_command(wave_code: str, e: float | None, as_json: bool) -> None:
    """Mails, outcomes and RR1, RR2, RR3, COOP1, REF1, CON1 per instrument and stratum."""
    from mel.db import session_scope
    from mel.services.fieldwork.status import wave_status

    database = engine()
    try:
        with session_scope(database) as session:
            status = wave_status(session, _wave(session, wave_code), e=e, store=True)
    finally:
        database.dispose()
    if as_json:
        click.echo(json.dumps(status, indent=2))
        return
    click.echo(
        f"wave {status['wave']}: {status['contacts']} contacts, {status['invited']} invited, "
        f"{status['delivered']} delivered, {status['bounced']} bounced, "
        f"{status['opted_out']} opted out"
    )
    for kind, counts in status["mails"].items():
        click.echo(f"  {kind}: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    names = ("RR1", "RR2", "RR3", "COOP1", "REF1", "CON1")
    for part in status["instruments"]:
        click.echo(f"{part['instrument']} ({part['respondent']} cases)")
        click.echo(f"  {'stratum':<16}{'cases':>6}{'done':>6}" + "".join(f"{n:>7}" for n in names))
        for row in [*part["strata"], {"stratum": "total", **part["total"]}]:
            figures = "".join(
                f"{'—':>7}" if row[n] is None else f"{100 * row[n]:>6.1f}%" for n in names
            )
            click.echo(f"  {row['stratum']:<16}{row['cases']:>6}{row['complete']:>6}{figures}")
    click.echo(f"e = {part['total']['e']:.3f} ({status['e']})" if status["instruments"] else "")


@fieldwork_group.command("outcome")
@click.option("--wave", "wave_code", required=True, help="Wave code.")
@click.option(
    "--case",
    "case_ref",
    required=True,
    help="The case: its unit's code, a person's e-mail address, its key (u:12) or id.",
)
@click.argument("outcome")
@cli_errors
def outcome_command(wave_code: str, case_ref: str, outcome: str) -> None:
    """Set a case's OUTCOME by hand (an AAPOR disposition, or 'auto'); audited."""
    import getpass

    from mel.db import session_scope
    from mel.models import Programme
    from mel.services.fieldwork.outcomes import OutcomeError, find_case, set_outcome

    database = engine()
    try:
        with session_scope(database) as session:
            wave = _wave(session, wave_code)
            programme = session.get(Programme, wave.programme_id)
            try:
                case = find_case(session, wave, case_ref)
                set_outcome(
                    session,
                    case=case,
                    outcome=outcome,
                    actor=f"cli:{getpass.getuser()}",
                    programme=programme.code if programme else "",
                )
            except OutcomeError as exc:
                raise click.ClickException(str(exc)) from None
    finally:
        database.dispose()
    click.echo(f"case {case.key}: outcome {outcome}")
