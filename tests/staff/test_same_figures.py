"""The dashboard, the API and the report print the same figures for the same estimate."""

from __future__ import annotations

import html
import re

from flask.testing import FlaskClient
from sqlalchemy.engine import Engine

from mel.reports.build import build_report
from mel.surveys.schema import InstrumentDefinition
from tests.staff.conftest import Auth, programme_definition, survey

CARD = re.compile(
    r'<h2 id="kpi-(?P<code>[^"]+)">.*?<dd class="card__estimate">(?P<estimate>[^<]*)</dd>'
    r".*?<dd>(?P<interval>[^<]*)</dd>",
    re.S,
)


def test_dashboard_api_and_report_print_the_same_figure(
    seeded: Engine, client: FlaskClient, auth: Auth
) -> None:
    programme = programme_definition("alpha")
    instruments = {"alpha-meting": InstrumentDefinition.model_validate(survey("alpha"))}
    for lang in ("nl", "en"):
        report = build_report(seeded, programme, instruments, "w2025", language=lang)
        printed = {
            code: (row[1], row[2])
            for code, row in zip(report.overview.data["kpi"], report.overview.rows, strict=True)
            if row[1] != "\u2014"
        }
        assert len(printed) >= 2, printed
        auth.as_role("staff")
        page = client.get(f"/staff/p/alpha/kpis?wave=w2025&lang={lang}").text
        cards = {
            m["code"]: (html.unescape(m["estimate"]).strip(), html.unescape(m["interval"]))
            for m in CARD.finditer(page)
        }
        api = client.get(f"/api/v1/programmes/alpha/kpis?wave=w2025&lang={lang}").json
        labels = {
            k["code"]: (k["printed"]["estimate"], k["printed"]["interval"])
            for k in api["kpis"]
            if k["printed"]
        }
        for code, (estimate, interval) in printed.items():
            # the card adds the unit after the number (none for percentages)
            assert cards[code][0].startswith(estimate), (lang, code, cards[code], estimate)
            assert cards[code][1] == interval, (lang, code)
            assert labels[code] == (estimate, interval), (lang, code)
        auth.logout()
