"""A complete response without a unit never breaks mel (issue #11, item 1).

On the demo database a participant completes a Digitale Werkplaatsen link that has no
unit (an invitation made without --units; before open links asked for the unit, the
advertised open link did the same). Then every staff page, API, export, `mel analyse`,
`mel report` and the example scripts must work, count the response and say it is left out.
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlmodel import Session, select

from mel.app import create_app
from mel.cli import main
from mel.db import session_scope
from mel.models import Response, Wave
from mel.services import accounts
from mel.settings import project_path
from tests.autofill import complete

PASSWORD = "correct horse battery"
DW = "digitale-werkplaatsen"
STAFF_PAGES = ["/staff/p/{p}/", "/staff/p/{p}/fieldwork", "/staff/p/{p}/kpis"]
STAFF_PAGES += ["/staff/p/{p}/texts", "/staff/p/{p}/exports/", "/staff/p/{p}/waves"]
STAFF_PAGES += ["/staff/p/{p}/fieldwork.csv", "/staff/p/{p}/kpis/dw_cijfer.csv"]
API = ["/api/v1/programmes/{p}/waves", "/api/v1/programmes/{p}/fieldwork"]
API += ["/api/v1/programmes/{p}/kpis"]
FILES = ["data.csv", "data.xlsx", "data.sav", "data.dta", "codebook.csv", "codebook.xlsx"]
PARTICIPANT_TEXT = ("verstuurd met andere antwoorden", "earlier pages are kept")


@pytest.fixture
def demo_without_unit(db_url: str, tmp_path: Path) -> tuple[Flask, str]:
    """The demo (small) with one complete DW response that has no unit; the app on it."""
    result = CliRunner().invoke(
        main, ["demo", "--no-serve", "--scale", "0.05", "--database-url", db_url]
    )
    assert result.exit_code == 0, result.output
    links = tmp_path / "links.csv"
    made = CliRunner(env={"MEL_DATABASE_URL": db_url, "MEL_BASE_URL": "http://localhost"}).invoke(
        main,
        ["invitations", "create", "--wave", "monitor-2025", "--instrument", "dw-impactmonitor"]
        + ["--out", str(links)],
    )
    assert made.exit_code == 0, made.output
    with links.open(encoding="utf-8-sig") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["unit"] == ""
    app = create_app({"DATABASE_URL": db_url, "SECRET_KEY": "test-secret"})
    done = complete(app.test_client(), row["url"])
    assert done.request.path.endswith("/done"), done.get_data(as_text=True)
    with Session(app.extensions["mel.engine"]) as session:
        wave = session.exec(select(Wave).where(Wave.code == "monitor-2025")).one()
        last = session.exec(
            select(Response).where(Response.wave_id == wave.id).order_by(Response.id.desc())  # type: ignore[union-attr]
        ).first()
        assert last is not None and last.status == "complete" and last.unit_id is None
    with session_scope(app.extensions["mel.engine"]) as session:
        accounts.create_user(
            session, email="admin@test.example", password=PASSWORD, role="admin", programmes=["*"]
        )
    yield app, db_url
    app.extensions["mel.engine"].dispose()


def _login(app: Flask):  # type: ignore[no-untyped-def]
    client = app.test_client()
    page = client.get("/staff/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token
    data = {"email": "admin@test.example", "password": PASSWORD, "csrf_token": token.group(1)}
    assert client.post("/staff/login", data=data).status_code == 303
    return client


def test_every_staff_page_api_and_export_works(demo_without_unit: tuple[Flask, str]) -> None:
    app, _url = demo_without_unit
    client = _login(app)
    for path in [p.format(p=DW) for p in STAFF_PAGES + API]:
        page = client.get(path)
        assert page.status_code == 200, (path, page.status_code, page.get_data(as_text=True))
    for name in FILES:
        path = f"/staff/p/{DW}/exports/monitor-2025/dw-impactmonitor/{name}"
        page = client.get(path)
        text = page.get_data(as_text=True) if page.mimetype == "text/html" else ""
        assert page.status_code == 200, (path, page.status_code, text)
        assert not any(t in text for t in PARTICIPANT_TEXT)
    # The response is counted and said to be left out, where staff look.
    kpis = client.get(f"/staff/p/{DW}/kpis").get_data(as_text=True)
    assert "1 afgeronde responsen zonder eenheid" in kpis
    exports = client.get(f"/staff/p/{DW}/exports/").get_data(as_text=True)
    assert "1 andere zonder eenheid: niet opgenomen" in exports
    english = client.get(f"/staff/p/{DW}/kpis?lang=en").get_data(as_text=True)
    assert "1 complete responses without a unit" in english
    api = client.get(f"/api/v1/programmes/{DW}/kpis").get_json()
    # Every KPI is computed: shown, or held back by the disclosure rule (at this small scale
    # DW's design has 4 df, quality grade E), never an error.
    assert api["kpis"] and all(
        item["result"] is not None or item["suppressed"] is True for item in api["kpis"]
    )
    notes = [item["note"] or "" for item in api["kpis"] if item["result"] is None]
    assert not any("kon niet worden berekend" in note for note in notes), notes


def test_analyse_report_and_scripts_work(
    demo_without_unit: tuple[Flask, str], tmp_path: Path
) -> None:
    _app, url = demo_without_unit
    runner = CliRunner(env={"MEL_DATABASE_URL": url})
    analysed = runner.invoke(
        main, ["analyse", "--programme", DW, "--wave", "monitor-2025", "--kpi", "dw_cijfer"]
    )
    assert analysed.exit_code == 0, analysed.output
    note = "note: 1 complete response(s) to 'dw-impactmonitor' in wave 'monitor-2025' have no unit"
    assert note in analysed.output
    out = tmp_path / "report"
    report = runner.invoke(
        main,
        ["report", "--programme", DW, "--wave", "latest", "--out", str(out), "--no-pdf"]
        + ["--database-url", url],
    )
    assert report.exit_code == 0, report.output
    html = (out / f"{DW}-monitor-2025-nl.html").read_text(encoding="utf-8")
    assert "kon niet worden berekend" not in html
    assert "geen afgeronde responsen" not in html
    assert "Volledige responsen zonder eenheid" in html and "dw-impactmonitor (1)" in html
    root = project_path("analysis").parent
    for script in ("dw_impactmonitor.py", "katapult_totals.py", "techkwadraat_scale.py"):
        run = subprocess.run(
            [sys.executable, str(root / "analysis" / script)],
            env={**os.environ, "MEL_DATABASE_URL": url, "MPLBACKEND": "Agg"},
            capture_output=True,
            text=True,
            cwd=root,
            check=False,
        )
        assert run.returncode == 0, (script, run.stderr)
        assert ("have no unit" in run.stderr) == (script == "dw_impactmonitor.py"), run.stderr
