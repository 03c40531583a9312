"""The dashboards' cache: groups and estimates kept per data state, never stale."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from mel.models import Response, utcnow
from mel.services import dashboard_cache
from tests.staff.conftest import Auth

PAGE = "/api/v1/programmes/alpha/kpis?by=sector"


def _cijfer(client: FlaskClient) -> dict:  # type: ignore[type-arg]
    body = client.get(PAGE).json
    return next(k for k in body["kpis"] if k["code"] == "cijfer")


def test_cached_figures_are_the_computed_ones_and_follow_a_change(
    seeded: Engine, client: FlaskClient, auth: Auth
) -> None:
    auth.as_role("staff")
    with dashboard_cache._CACHE_LOCK:
        dashboard_cache._CACHE.clear()
    first = _cijfer(client)
    assert client.get("/staff/p/alpha/kpis").status_code == 200
    kinds = {key[0] for key in dashboard_cache._CACHE}
    assert {"groups", "estimate", "cells", "complete_responses"} <= kinds
    assert _cijfer(client) == first  # from the cache: the same figures
    # a changed answer changes the data state (`fingerprint`): the next request computes afresh
    with Session(seeded) as session:
        for response in session.exec(select(Response).where(Response.status == "complete")):
            response.answers = {**response.answers, "cijfer": 10}
            response.updated_at = utcnow()  # as every change of answers does
            session.add(response)
        session.commit()
    changed = _cijfer(client)
    assert abs(changed["result"]["estimate"] - 10.0) < 1e-9
    assert abs(first["result"]["estimate"] - 10.0) > 0.1
    shown = [g for g in changed["groups"] if not g["suppressed"]]
    assert shown and all(abs(g["estimate"] - 10.0) < 1e-9 for g in shown)
