"""Print where to find things in a running mel: survey links per open wave."""

from __future__ import annotations

import click
from flask import Flask
from sqlmodel import Session, select

from mel.models import Instrument, Programme, Wave, WaveInstrument


def print_links(app: Flask, base: str) -> None:
    """Echo the open survey link of every instrument in every open wave."""
    with Session(app.extensions["mel.engine"]) as session:
        rows = session.exec(
            select(Programme.code, Wave.code, Instrument.code)
            .join(Wave, Wave.programme_id == Programme.id)
            .join(WaveInstrument, WaveInstrument.wave_id == Wave.id)
            .join(Instrument, Instrument.id == WaveInstrument.instrument_id)
            .where(Wave.status == "open")
            .order_by(Programme.code, Wave.code, Instrument.code)
        ).all()
    click.echo("survey links (open waves):")
    for programme, wave, instrument in rows:
        click.echo(f"  {programme:24} {base}/s/{instrument}/{wave}")
