"""No KPI of the real programmes fails on the demo, also when every yes/no answer is the
same (proportions of 0 and 1 in every domain): intervals exist wherever there is a df,
and counts stay >= 0."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from mel.db import session_scope
from mel.kpi import evaluate_kpis
from mel.models import Response
from mel.surveys.loader import load_catalogue

from ..analysis.conftest import demo  # noqa: F401  (the fixture)

WAVES = {
    "katapult": "impactmeting-2025",
    "digitale-werkplaatsen": "monitor-2025",
    "techkwadraat": "meting-2025",
}


def _evaluate(engine: Engine, surveys_dir: Path) -> list:  # type: ignore[type-arg]
    loaded = load_catalogue([surveys_dir])
    instruments = {code: d for code, (_, d) in loaded.instruments.items()}
    return [
        r
        for programme, wave in WAVES.items()
        for r in evaluate_kpis(engine, loaded.programmes[programme][1], instruments, wave)
    ]


def _check(results: list) -> None:  # type: ignore[type-arg]
    for r in results:
        assert not r.failed, (r.kpi.code, r.note)
        if r.estimate is None:
            continue
        assert r.quality is not None
        tables = [r.estimate, *(e for table in r.by.values() for e in table.values())]
        for e in tables:
            if r.kpi.estimator == "total" and not math.isnan(e.ci_low):
                assert e.ci_low >= 0, (r.kpi.code, e)
            if r.kpi.estimator == "proportion" and e.n > 0 and e.df > 0:
                assert math.isfinite(e.ci_low) and math.isfinite(e.ci_high), (r.kpi.code, e)


@pytest.mark.parametrize("answer", [None, True, False])
def test_every_kpi_of_the_demo_has_a_result(
    demo: Engine,  # noqa: F811
    surveys_dir: Path,
    answer: bool | None,
) -> None:
    if answer is not None:  # every yes/no answer the same: p = 0 or 1 everywhere
        with session_scope(demo) as session:
            for response in session.exec(select(Response)):
                answers = {
                    k: (answer if isinstance(v, bool) else v) for k, v in response.answers.items()
                }
                response.answers = answers
                session.add(response)
    _check(_evaluate(demo, surveys_dir))
