"""`mel simulate`: fill a database with a realistic simulated frame and responses."""

from __future__ import annotations

import click

from mel.cli.context import cli_errors, engine


@click.command("simulate")
@click.option("--seed", default=2025, show_default=True, help="Seed; same seed, same rows.")
@click.option(
    "--scale",
    default=1.0,
    show_default=True,
    type=click.FloatRange(min=0.001),
    help="Multiply the number of simulated responses.",
)
@click.option(
    "--programme",
    "programmes",
    multiple=True,
    help="Programme code (repeatable; default: every published programme).",
)
@click.option(
    "--wave-year",
    "years",
    multiple=True,
    type=click.IntRange(2000, 2100),
    help="Year of a wave to simulate (repeatable; default: 2023 and 2025).",
)
@cli_errors
def simulate_command(
    seed: int, scale: float, programmes: tuple[str, ...], years: tuple[int, ...]
) -> None:
    """Simulate units, waves and responses for the published programmes.

    Each wave goes the real way: its units, wave and contacts files are written to the
    instance folder's simulate/ and imported, its sample drawn, its invitations written to
    the outbox (outbox/<wave>), and the invited persons answer, refuse, bounce or opt out.
    """
    from mel.cli.context import settings
    from mel.cli.demo import instance_secret
    from mel.demo import SimulationError, simulate

    folder = settings().instance_path
    try:
        summary = simulate(
            engine(),
            seed=seed,
            scale=scale,
            programmes=list(programmes) or None,
            waves=years or (2023, 2025),
            folder=folder / "simulate",
            instance_path=folder,
            secret=settings().secret_key or instance_secret(),
        )
    except SimulationError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(str(summary))
