"""One table, one suppression: the report, the dashboard page, the API and the CSV download
of the same KPI by province hide exactly the same groups, and a hidden group shows none
of its figures (no estimate, interval, n or df) anywhere."""

from __future__ import annotations

import csv
import io
import re

from flask import Flask
from sqlalchemy.engine import Engine
from sqlmodel import Session

from mel.kpi.definitions import load_published
from mel.reports.build import build_report

from .conftest import Auth

K = 10
KPI = "cijfer"
QUERY = {"by": "province"}


def _report(engine: Engine) -> dict[str, int | None]:
    with Session(engine) as session:
        published = load_published(session, "alpha")
    report = build_report(engine, published.programme, published.instruments, "w2025", k=K)
    groups = next(t.data for t in report.tables if t.name == "groups")
    rows = groups[(groups["kpi"] == KPI) & (groups["disaggregation"] == "province")]
    found: dict[str, int | None] = {}
    for row in rows.to_dict("records"):
        if row["suppressed"]:
            figures = [row[c] for c in ("estimate", "se", "ci_low", "ci_high", "n", "df", "deff")]
            assert all(v != v for v in figures), row  # all NaN: nothing of it shown
            found[row["group"]] = None
        else:
            found[row["group"]] = int(row["n"])
    # The report's own table of the groups (what the HTML and PDF print) agrees.
    section = next(s for s in report.kpis if s.code == KPI)
    table = section.charts[0].table
    assert table is not None
    printed = {r[0]: r for r in table.rows}
    for group, n in found.items():
        assert printed[group][3] == ("\u2014" if n is None else str(n)), printed[group]
    return found


def _api(client: object) -> dict[str, int | None]:
    body = client.get("/api/v1/programmes/alpha/kpis", query_string=QUERY).json  # type: ignore[attr-defined]
    kpi = next(k for k in body["kpis"] if k["code"] == KPI)
    found: dict[str, int | None] = {}
    for group in kpi["groups"]:
        if group["suppressed"]:
            assert all(group[c] is None for c in ("estimate", "se", "ci_low", "n", "df")), group
            found[group["group"]] = None
        else:
            found[group["group"]] = int(group["n"])
    return found


def _page(client: object) -> dict[str, int | None]:
    html = client.get("/staff/p/alpha/kpis", query_string=QUERY).text  # type: ignore[attr-defined]
    start = html.index('<details class="card__groups">')  # the first card is cijfer
    part = html[start : html.index("</details>", start)]
    found: dict[str, int | None] = {}
    for group, cells in re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', part):
        if "hidden-cell" in cells:
            found[group] = None
        else:
            found[group] = int(re.findall(r'<td class="num">([^<]*)</td>', cells)[-1])
    return found


def _csv(client: object) -> dict[str, int | None]:
    response = client.get(f"/staff/p/alpha/kpis/{KPI}.csv", query_string=QUERY)  # type: ignore[attr-defined]
    assert response.status_code == 200
    lines = response.data.decode("utf-8-sig").splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("part,"))
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[header:]))))
    found: dict[str, int | None] = {}
    groups = [r for r in rows if r["part"] != rows[0]["part"]]  # after the trend rows
    for row in groups:
        if row["suppressed"] in ("True", "true", "1", "ja", "yes"):
            assert all(row[c] == "" for c in ("estimate", "se", "ci_low", "n", "df")), row
            found[row["wave_or_group"]] = None
        else:
            found[row["wave_or_group"]] = int(float(row["n"]))
    return found


def test_report_dashboard_api_and_csv_hide_the_same_groups(seeded: Engine, app: Flask) -> None:
    client = app.test_client()
    Auth(client).as_role("researcher")
    report = _report(seeded)
    api, page, download = _api(client), _page(client), _csv(client)
    assert report == api == page == download, (report, api, page, download)
    hidden = [g for g, n in report.items() if n is None]
    assert "Zeeland" in hidden and len(hidden) >= 2  # a small group and its complement
    assert any(n is not None for n in report.values())  # and the test is not vacuous
