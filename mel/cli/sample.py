"""`mel sample`: draw a wave's sample reproducibly, and plan its precision."""

from __future__ import annotations

from pathlib import Path

import click

from mel.cli.context import cli_errors, surveys_dir
from mel.cli.users import cli_actor, database


@click.group("sample")
def sample_group() -> None:
    """Samples of waves: draw them, and plan the precision their size buys."""


@sample_group.command("draw")
@click.option("--wave", "wave_code", required=True, help="Wave code, e.g. impactmeting-2027.")
@click.option("--programme", help="Programme code (needed when two programmes share the code).")
@click.option(
    "--seed", required=True, type=click.IntRange(min=0), help="Random seed (write it down)."
)
@cli_errors
def draw_command(wave_code: str, programme: str | None, seed: int) -> None:
    """Draw the wave's sample as its wave file says; the same seed gives the same sample."""
    from mel.services.privacy import record
    from mel.services.sampling import SamplingError
    from mel.services.sampling.plan import neyman_sds
    from mel.services.sampling.store import draw_sample, find_wave, wave_design

    try:
        with database() as session:
            wave = find_wave(session, wave_code, programme)
            sd = neyman_sds(session, wave_design(wave), surveys_dir())
            summary = draw_sample(session, wave, seed, sd=sd)
            record(
                session,
                cli_actor(),
                "sample_drawn",
                programme=wave.design.get("programme"),
                target=wave.code,
                seed=seed,
                sample_size=summary.sample_size,
            )
    except SamplingError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{'stratum':24} {'N_h':>8} {'n_h':>8}")
    for stratum, (big, small) in summary.strata.items():
        click.echo(f"{stratum:24} {big:>8} {small:>8}")
    population = sum(big for big, _ in summary.strata.values())
    click.echo(
        f"drew {summary.sample_size} of {population} units for wave {wave_code} with seed "
        f"{seed} (sum of inclusion probabilities {summary.probability_sum:.6g})"
    )


@sample_group.command("plan")
@click.option("--wave", "wave_code", required=True, help="Wave code, e.g. impactmeting-2027.")
@click.option("--programme", help="Programme code (needed when two programmes share the code).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@cli_errors
def plan_command(wave_code: str, programme: str | None, as_json: bool) -> None:
    """For each KPI of the wave: the expected 95% CI half-width, and the n that decides it."""
    import json

    from mel.services.sampling import SamplingError
    from mel.services.sampling.plan import plan_wave
    from mel.services.sampling.plan_table import plan_table
    from mel.services.sampling.store import find_wave

    try:
        with database() as session:
            wave = find_wave(session, wave_code, programme)
            rows = plan_wave(session, wave, surveys_dir())
    except SamplingError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps([r.as_dict() for r in rows], indent=2, ensure_ascii=False))
    else:
        click.echo(plan_table(rows))


@sample_group.command("show")
@click.option("--wave", "wave_code", required=True, help="Wave code, e.g. impactmeting-2027.")
@click.option("--programme", help="Programme code (needed when two programmes share the code).")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the sampled units (code, name, stratum, π_i; no contact details) to this CSV.",
)
@cli_errors
def show_command(wave_code: str, programme: str | None, out: Path | None) -> None:
    """Print the wave's design and strata; write its drawn sample to a CSV file."""
    from mel.present.tables import csv_bytes
    from mel.services.privacy import record
    from mel.services.sampling import SamplingError
    from mel.services.sampling.store import find_wave
    from mel.services.sampling.view import sample_view

    try:
        with database() as session:
            wave = find_wave(session, wave_code, programme)
            view = sample_view(session, wave)
            if out is not None and not view.units.empty:
                record(
                    session,
                    cli_actor(),
                    "download",
                    programme=wave.design.get("programme"),
                    target=f"{wave.code}/sample.csv",
                )
    except SamplingError as exc:
        raise click.ClickException(str(exc)) from None
    for term, value in view.design:
        click.echo(f"{term:16} {value}")
    if wave.frozen_at is not None:
        click.echo(
            f"sample drawn with seed {wave.sample_seed}, "
            f"frozen at {wave.frozen_at:%Y-%m-%d %H:%M} UTC"
        )
    elif wave.sample_drawn_at is not None:
        click.echo(f"sample drawn with seed {wave.sample_seed} (not frozen: it can be drawn again)")
    else:
        click.echo("no sample drawn yet")
    if view.strata:
        click.echo(f"{'stratum':24} {'N_h':>8} {'n_h':>8}")
        for stratum, big, small in view.strata:
            click.echo(f"{stratum:24} {big:>8} {small:>8}")
    if out is not None:
        if view.units.empty:
            raise click.ClickException(f"wave {wave_code!r} has no drawn sample to write")
        heading = [("wave", wave.code), ("seed", str(wave.sample_seed))]
        out.write_bytes(csv_bytes(view.units, heading=heading))
        click.echo(f"wrote {len(view.units)} sampled units to {out}")
