"""`mel analyse`: a design-based estimate for a wave's KPI or question, as a table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from mel.cli.context import cli_errors, engine

if TYPE_CHECKING:
    from mel.surveys.programme_schema import Kpi as KpiDefinition
    from mel.surveys.schema import InstrumentDefinition

if TYPE_CHECKING:  # pandas and mel.analysis load only when a command estimates something
    import pandas as pd

ESTIMATORS = ("mean", "total", "proportion", "ratio", "quantile")


@click.command("analyse")
@click.option("--programme", required=True, help="Programme code, e.g. katapult.")
@click.option(
    "--wave", required=True, help="Wave code (e.g. impactmeting-2025), its year (2025) or `latest`."
)
@click.option("--kpi", "kpi_code", help="KPI code from the programme file.")
@click.option("--question", help="Question (column) to estimate, instead of a KPI.")
@click.option("--instrument", help="Instrument of --question (default: the programme's only).")
@click.option("--estimator", type=click.Choice(ESTIMATORS), default="mean", show_default=True)
@click.option("--level", help="Category counted by --estimator proportion (default 1/ja).")
@click.option("--denominator", help="Denominator question of --estimator ratio.")
@click.option(
    "--quantile",
    "q",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=0.5,
    show_default=True,
)
@click.option("--by", help="Domain variable, e.g. stratum, province, sector.")
@click.option(
    "--alpha",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=0.05,
    show_default=True,
    help="1 - confidence level.",
)
@click.option("--csv", "csv_path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "json_path", type=click.Path(path_type=Path, dir_okay=False))
@cli_errors
def analyse_command(
    programme: str,
    wave: str,
    kpi_code: str | None,
    question: str | None,
    instrument: str | None,
    estimator: str,
    level: str | None,
    denominator: str | None,
    q: float,
    by: str | None,
    alpha: float,
    csv_path: Path | None,
    json_path: Path | None,
) -> None:
    """Estimate a KPI or question for a wave with its confidence interval."""
    from mel.present.tables import write_csv

    if (kpi_code is None) == (question is None):
        raise click.UsageError("give exactly one of --kpi or --question")
    kpi = (
        _kpi(programme, kpi_code)
        if kpi_code
        else _question_kpi(
            {
                "code": question,
                "label": {"nl": question},
                "definition": {"nl": question},
                "node": "-",
                "estimator": estimator,
                "question": question,
                "instrument": instrument or _only_instrument(programme),
                "denominator": denominator,
                "level": level,
                "quantile": q if estimator == "quantile" else None,
            }
        )
    )
    table = _estimate(programme, _wave_code(programme, wave), kpi, by, alpha)
    click.echo(table.to_string(index=False, float_format=lambda v: f"{v:,.6g}"))
    if csv_path:
        write_csv(csv_path, table)
    if json_path:
        json_path.write_text(
            json.dumps(table.to_dict(orient="records"), indent=2, default=str), encoding="utf-8"
        )


def _estimate(
    programme: str, wave: str, kpi: KpiDefinition, by: str | None, alpha: float
) -> pd.DataFrame:
    import pandas as pd

    from mel.analysis import DesignError, Estimate
    from mel.data.coverage import left_out_notes
    from mel.data.frame import FrameError, frame
    from mel.kpi.frames import design_for, estimate_kpi
    from mel.kpi.variables import KpiVariableError, add_kpi_variable

    eng = engine()
    try:
        data = frame(eng, programme=programme, wave=wave, instrument=kpi.instrument)
        for note in left_out_notes(data.attrs):
            click.echo(note, err=True)
        data = add_kpi_variable(data, kpi, _survey(kpi.instrument))
        if by is not None and by not in data.columns:
            raise click.BadParameter(f"no column {by!r} in the frame", param_hint="--by")
        if data.empty:
            raise click.ClickException(
                f"wave {wave!r} has no complete responses to {kpi.instrument!r}"
            )
        result = estimate_kpi(design_for(data), kpi, by=by).with_alpha(alpha)
    except (FrameError, KpiVariableError, DesignError) as exc:
        raise click.ClickException(str(exc)) from None
    if isinstance(result, Estimate):
        return pd.DataFrame([{"kpi": kpi.code, **result.to_dict()}])
    return result.to_frame()


def _wave_code(programme: str, wave: str) -> str:
    from sqlmodel import Session

    from mel.services.waves import WaveNotFound, resolve_wave_code

    with Session(engine()) as session:
        try:
            return resolve_wave_code(session, programme, wave)
        except WaveNotFound as exc:
            raise click.BadParameter(str(exc), param_hint="--wave") from None


def _question_kpi(spec: dict[str, object]) -> KpiDefinition:
    """A KPI for one question (--question), or one clear line on what is wrong with it."""
    from pydantic import ValidationError

    from mel.surveys.programme_schema import Kpi as KpiDefinition

    try:
        return KpiDefinition.model_validate(spec)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "question"
            option = "--question" if field == "code" else f"--{field}"  # the code is its name
            problems.append(f"{option}: {str(error['msg']).removeprefix('Value error, ')}")
        raise click.UsageError("; ".join(problems)) from None


def _kpi(programme: str, code: str) -> KpiDefinition:
    from sqlmodel import Session

    from mel.kpi.definitions import NotPublished, published_kpi

    with Session(engine()) as session:
        try:
            return published_kpi(session, programme, code)
        except NotPublished as exc:
            raise click.BadParameter(str(exc), param_hint="--kpi") from None


def _only_instrument(programme: str) -> str:
    from sqlmodel import Session, select

    from mel.models import Instrument, Programme

    with Session(engine()) as session:
        codes = session.exec(
            select(Instrument.code).join(Programme).where(Programme.code == programme)
        ).all()
    if len(codes) != 1:
        raise click.UsageError(
            f"programme {programme!r} has instruments "
            f"{', '.join(codes) or 'none'}; choose one with --instrument"
        )
    return codes[0]


def _survey(code: str) -> InstrumentDefinition:
    from sqlmodel import Session

    from mel.surveys.publish import latest_definition

    with Session(engine()) as session:
        survey = latest_definition(session, code)
    if survey is None:
        raise click.ClickException(f"instrument {code!r} is not published")
    return survey
