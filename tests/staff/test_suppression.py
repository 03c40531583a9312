"""No figure about a group of fewer than k respondents can be shown or derived, whichever
filters and groupings are combined (fieldwork counts, KPI figures, open answers)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from mel.models import Programme
from mel.services.fieldwork.progress import fieldwork, wave_responses
from mel.services.filters import Filters

from .conftest import Auth, seed_programme, wave_of

K = 10
VALUES = {
    "province": ["Utrecht", "Gelderland", "Zeeland"],
    "sector": ["zorg", "techniek"],
    "stratum": ["A", "B"],
}
BY = ["province", "sector", "stratum", "unit"]


def selections() -> list[tuple[dict[str, str], str]]:
    """Every combination of filters (a value or none per dimension) and grouping."""
    choices = [[None, *values] for values in VALUES.values()]
    found = []
    for picked in itertools.product(*choices):
        values = {d: v for d, v in zip(VALUES, picked, strict=True) if v is not None}
        found.extend((values, by) for by in BY)
    return found


def derivable(facts: np.ndarray, group: np.ndarray) -> bool:
    """Whether a group's count is a linear combination of the published counts."""
    if not len(facts):
        return False
    rank = np.linalg.matrix_rank(facts)
    return bool(np.linalg.matrix_rank(np.vstack([facts, group])) == rank)


@pytest.fixture
def big(engine: Engine) -> Engine:
    """64 units, so that some groups pass k and others do not."""
    seed_programme(engine, "alpha", units=64)
    return engine


def test_fieldwork_figures_never_reveal_a_small_group(big: Engine) -> None:
    with Session(big) as session:
        wave = wave_of(session)
        responses = wave_responses(session, wave.id or 0)
        atoms = responses[["unit", "status"]].apply(tuple, axis=1).tolist()
        keys = sorted(set(atoms))
        units = responses.drop_duplicates("unit").set_index("unit")
        columns = {
            "unit": np.array([u for u, _ in keys]),
            "status": np.array([state for _, state in keys]),
            **{d: np.array([str(units.loc[u, d]) for u, _ in keys]) for d in VALUES},
        }
        facts, values = [], []

        def vector(status: str, conditions: dict[str, str]) -> np.ndarray:
            match = columns["status"] == status
            for dim, value in conditions.items():
                match &= columns[dim] == value
            return match.astype(float)

        shown = 0
        for conditions, by in selections():
            result = fieldwork(session, Filters(wave, conditions, by), K)
            if result.table is None:
                continue
            for row in result.table.to_dict("records"):
                for column, status in (("complete", "complete"), ("in_progress", "in_progress")):
                    if row[column] is not None:
                        facts.append(vector(status, {**conditions, by: row["group"]}))
                        values.append(row[column])
                        shown += 1
            assert result.total is not None
            facts.append(vector("complete", conditions))
            values.append(result.total["complete"])
            if result.total["in_progress"] is not None:
                facts.append(vector("in_progress", conditions))
                values.append(result.total["in_progress"])
    matrix = np.array(facts)
    counts = np.array([atoms.count(atom) for atom in keys], dtype=float)
    assert np.allclose(matrix @ counts, values)  # every published figure is true
    assert all(v == 0 or v >= K for v in values)  # and none is small
    assert shown > 20  # and the test is not vacuous
    # Every natural group (any conjunction of dimension values, or one unit) per status:
    groups = [
        dict(zip(VALUES, picked, strict=True))
        for picked in itertools.product(*[[None, *v] for v in VALUES.values()])
    ]
    groups = [{d: v for d, v in g.items() if v is not None} for g in groups]
    groups += [{"unit": unit} for unit in units.index]
    for status in ("complete", "in_progress"):
        for conditions in groups:
            group = vector(status, conditions)
            size = group @ counts
            if 0 < size < K:
                assert not derivable(matrix, group), (status, conditions, size)


def test_protection_is_the_same_whichever_dimension_filters(big: Engine) -> None:
    with Session(big) as session:
        wave = wave_of(session)
        by_sector = {
            p: fieldwork(session, Filters(wave, {"province": p}, "sector"), K)
            for p in VALUES["province"]
        }
        by_province = {
            s: fieldwork(session, Filters(wave, {"sector": s}, "province"), K)
            for s in VALUES["sector"]
        }
    for province, result in by_sector.items():
        for sector, other in by_province.items():
            if result.table is None or other.table is None:
                continue
            a = result.table.set_index("group").loc[sector, "complete"]
            b = other.table.set_index("group").loc[province, "complete"]
            assert (a is None) == (b is None) and (a is None or a == b)


@pytest.mark.parametrize(
    "url",
    [
        "/staff/p/alpha/fieldwork?province=Zeeland",
        "/staff/p/alpha/kpis?province=Zeeland",
        "/staff/p/alpha/texts?province=Zeeland&question=alpha-meting:toelichting",
    ],
)
def test_a_too_narrow_selection_shows_only_a_message(
    seeded: Engine, client: FlaskClient, auth: Auth, url: str
) -> None:
    auth.as_role("staff")
    page = client.get(url)
    assert page.status_code == 200
    assert "te weinig respondenten" in page.text
    assert "<table" not in page.text and "<img" not in page.text
    assert "Goed" not in page.text  # no open answer


def test_too_narrow_downloads_and_api_give_nothing(
    seeded: Engine, client: FlaskClient, auth: Auth
) -> None:
    auth.as_role("staff")
    assert client.get("/staff/p/alpha/fieldwork.csv?province=Zeeland").status_code == 404
    body = client.get("/api/v1/programmes/alpha/fieldwork?province=Zeeland").json
    assert body["suppressed"] is True and body["rows"] == []
    kpis = client.get("/api/v1/programmes/alpha/kpis?province=Zeeland").json["kpis"]
    assert all(k["suppressed"] and k["result"] is None and k["groups"] == [] for k in kpis)
    assert client.get("/staff/p/alpha/kpis/cijfer.csv?province=Zeeland").status_code == 404
    assert client.get("/staff/p/alpha/kpis/cijfer.svg?province=Zeeland").status_code == 404


def test_kpi_figures_are_protected(seeded: Engine, app: Flask) -> None:
    client = app.test_client()
    Auth(client).as_role("researcher")
    for province in [None, *VALUES["province"]]:
        for by in ("province", "sector", "stratum"):
            query = {"by": by, **({"province": province} if province else {})}
            body = client.get("/api/v1/programmes/alpha/kpis", query_string=query).json
            for kpi in body["kpis"]:
                if kpi["result"] is not None:
                    assert kpi["result"]["n"] >= K
                shown = [g for g in kpi["groups"] if not g["suppressed"]]
                hidden = [g for g in kpi["groups"] if g["suppressed"]]
                assert all(g["n"] >= K for g in shown)
                assert all(g["estimate"] is None and g["n"] is None for g in hidden)
                assert len(hidden) != 1 or not shown  # never one hidden beside shown ones


def test_open_answers_only_for_big_enough_groups(
    seeded: Engine, client: FlaskClient, auth: Auth
) -> None:
    auth.as_role("staff")
    everyone = client.get("/staff/p/alpha/texts?question=alpha-meting:toelichting")
    assert "Goed" in everyone.text
    assert "person1@example.org" not in everyone.text  # sensitive questions never shown
    assert "alpha-meting:email" not in everyone.text


def test_everything_suppressed_below_k_for_a_tiny_wave(engine: Engine) -> None:
    seed_programme(engine, "tiny", units=6)
    with Session(engine) as session:
        wave = wave_of(session, "tiny")
        assert session.get(Programme, wave.programme_id) is not None
        assert fieldwork(session, Filters(wave, {}, "stratum"), K).table is None
