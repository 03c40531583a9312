"""Issue 13's done-when walk: units file → wave file → draw → contacts → invitations through a
real SMTP server → answers through the mailed links, a refusal, a bounce, a case not eligible
→ AAPOR rates from `mel fieldwork status --json`, computed here by hand → `mel report` shows
them, and its estimate counts only the sampled respondents (not a unit outside the sample)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from mel.app import create_app
from mel.data.frame import frame
from mel.kpi.definitions import load_published
from mel.kpi.evaluate import evaluate_kpis
from mel.kpi.frames import design_for
from mel.models import Case, Response, Unit, Wave
from tests.autofill import complete
from tests.factories import programme_dict, survey_dict, write_catalogue
from tests.services.fieldwork.conftest import (  # noqa: F401 - fixtures
    Inbox,
    cli_env,
    mel,
    smtp,
    write_contacts,
)
from tests.services.fieldwork.test_real_path import links_of
from tests.services.sampling.conftest import (
    PROGRAMME,
    unit_rows,
    wave_dict,
    write_units,
    write_wave,
)

WAVE = "w2027"


def sampled_units(engine: Engine) -> list[str]:
    """Codes of the units the draw sampled (one case each: a unit-level survey), sorted."""
    with Session(engine) as session:
        return sorted(
            session.exec(
                select(Unit.code)
                .join(Case, col(Case.unit_id) == Unit.id)
                .join(Wave, col(Wave.id) == Case.wave_id)
                .where(Wave.code == WAVE)
            ).all()
        )


def test_units_file_to_report_through_the_real_parts(
    engine: Engine,
    db_url: str,
    tmp_path: Path,
    cli_env: dict,  # noqa: F811 - the fixture imported above
    smtp: tuple[Inbox, int],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inbox, port = smtp
    monkeypatch.setenv("MEL_SMTP_URL", f"smtp://127.0.0.1:{port}")
    surveys = tmp_path / "surveys"
    kpi = {**programme_dict()["kpis"][0], "targets": [{"year": 2027, "value": 7.6}]}
    write_catalogue(surveys / PROGRAMME, survey_dict(), programme_dict(kpis=[kpi]))
    monkeypatch.setenv("MEL_SURVEYS_DIR", str(surveys))
    published = mel("surveys", "publish")
    assert published.exit_code == 0, published.output

    # The register: 8 units in stratum a, 4 in b; a sample of 8 (5 + 3, proportional).
    units = write_units(tmp_path / "units.csv", unit_rows({"a": 8, "b": 4}))
    imported = mel("units", "import", "--programme", PROGRAMME, str(units))
    assert imported.exit_code == 0, imported.output
    wave = wave_dict(method="stratified", sample_size=8, minimum_per_stratum=1)
    wave["fieldwork"] = {"start": "2026-01-01", "end": "2030-12-31"}
    created = mel("waves", "create", str(write_wave(surveys / PROGRAMME, wave)))
    assert created.exit_code == 0, created.output
    drawn = mel("sample", "draw", "--wave", WAVE, "--seed", "20270301")
    assert drawn.exit_code == 0, drawn.output
    sampled = sampled_units(engine)
    assert len(sampled) == 8
    outside = sorted({f"u-{k:03d}" for k in range(1, 13)} - set(sampled))

    rows = [f"{code}@mel-test.example,Contact {code},en,{code}" for code in sampled]
    contacts = write_contacts(tmp_path / "contacts.csv", rows)
    assert mel("contacts", "import", "--wave", WAVE, "--instrument", "test-survey",
               str(contacts)).exit_code == 0  # fmt: skip
    sent = mel("invitations", "send", "--wave", WAVE)
    assert "invitation: 8 sent" in sent.output, sent.output
    assert len(inbox.messages) == 8

    answer, refuse, bounce, ineligible = sampled[:3], sampled[3], sampled[4], sampled[5]
    # sampled[6:] never answer: still pending, non-contacts for the rates.
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": db_url,
            "SECRET_KEY": cli_env["MEL_SECRET_KEY"],
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    try:
        for code in answer:
            survey, _ = links_of(inbox, f"{code}@mel-test.example")
            done = complete(app.test_client(), survey)
            assert done.request.path.endswith("/done"), done.request.path
        # A personal link handed to a unit the draw did not sample (`invitations create`).
        outsider = tmp_path / "outsider.csv"
        outsider.write_text(f"unit\n{outside[0]}\n", encoding="utf-8")
        links = tmp_path / "links.csv"
        made = mel("invitations", "create", "--wave", WAVE, "--instrument", "test-survey",
                   "--units", str(outsider), "--out", str(links))  # fmt: skip
        assert made.exit_code == 0, made.output
        url = pd.read_csv(links)["url"].iloc[0]
        done = complete(app.test_client(), url.removeprefix("https://mel.example.org"))
        assert done.request.path.endswith("/done"), done.request.path
    finally:
        app.extensions["mel.engine"].dispose()
    with Session(engine) as session:
        assert len(session.exec(select(Response).where(Response.status == "complete")).all()) == 4
    refused = mel("fieldwork", "outcome", "--wave", WAVE, "--case", refuse, "refusal")
    assert refused.exit_code == 0, refused.output
    bounces = tmp_path / "bounces.csv"
    bounces.write_text(f"email\n{bounce}@mel-test.example\n", encoding="utf-8")
    assert "1 bounce(s) recorded" in mel("invitations", "bounced", str(bounces)).output
    assert mel("fieldwork", "outcome", "--wave", WAVE, "--case", ineligible,
               "not_eligible").exit_code == 0  # fmt: skip

    status = json.loads(mel("fieldwork", "status", "--wave", WAVE, "--json").output)
    (instrument_status,) = status["instruments"]
    total = instrument_status["total"]
    # By hand: I 3, R 1, NC 2 (pending), U 1 (undeliverable), NE 1; the outsider's answer
    # is no case. e = eligible among known = (3 + 1 + 2) / (3 + 1 + 2 + 1) = 6/7.
    assert total["groups"] == {"I": 3, "P": 0, "R": 1, "NC": 2, "O": 0, "U": 1, "NE": 1}
    e = 6 / 7
    expected = {
        "RR1": 3 / 7,
        "RR2": 3 / 7,
        "RR3": 3 / (3 + 1 + 2 + e * 1),
        "COOP1": 3 / 4,
        "REF1": 1 / 7,
        "CON1": 4 / 7,
    }
    for name, value in expected.items():
        assert total[name] == pytest.approx(value), name
    assert total["e"] == pytest.approx(e)
    strata = {s["stratum"]: s["cases"] for s in instrument_status["strata"]}
    assert strata == {"a": 5, "b": 3}  # 8 · 8/12 = 5.33 and 8 · 4/12 = 2.67, rounded

    out = tmp_path / "report"
    report = mel("report", "--programme", PROGRAMME, "--wave", WAVE, "--out", str(out),
                 "--no-pdf", "--language", "en", "--min-group-size", "2")  # fmt: skip
    assert report.exit_code == 0, report.output
    html = (out / f"{PROGRAMME}-{WAVE}-en.html").read_text(encoding="utf-8")
    assert "Outcomes and response rates (AAPOR): test-survey" in html
    assert "RR1 counts the complete interviews" in html
    rates = pd.read_csv(out / f"{PROGRAMME}-{WAVE}-en-rates.csv")
    row = rates[rates["stratum"].isna()].iloc[0]
    for name, value in expected.items():
        assert row[name] == pytest.approx(value), name
    # The total row as the reader sees it: 8 cases, I 3 ... NE 1, RR1 43%, ..., e 0.86.
    assert "43%" in html and "75%" in html and "57%" in html and "0.86" in html
    # The report's estimate (too few respondents to be shown: graded E) from the same
    # evaluation the report runs: the three sampled respondents, not the outsider.
    with Session(engine) as session:
        definitions = load_published(session, PROGRAMME)
    (result,) = evaluate_kpis(engine, definitions.programme, definitions.instruments, WAVE, 2)
    assert result.estimate is not None and result.estimate.n == 3

    # How nonresponse is adjusted may be declared afterwards (the sample is frozen): one
    # weighting class of the region across the strata. Frame and design agree, the
    # respondents stand for every sampled eligible unit, and the methodology says so.
    wave["nonresponse"] = {"groups": "classes", "variables": ["region"], "within_strata": False}
    again = mel("waves", "create", str(write_wave(surveys / PROGRAMME, wave)))
    assert again.exit_code == 0 and "updated" in again.output, again.output
    data = frame(engine, programme=PROGRAMME, wave=WAVE, instrument="test-survey")
    table = data.attrs["sampled_units"].table
    selection = table["fpc_units"] / table.groupby("stratum")["unit"].transform("size")
    assert data["weight"].sum() == pytest.approx(selection.sum())
    design = design_for(data)
    assert design.weights[: len(data)] == pytest.approx(data["weight"].to_numpy())
    report = mel("report", "--programme", PROGRAMME, "--wave", WAVE, "--out", str(out),
                 "--no-pdf", "--language", "en", "--min-group-size", "2")  # fmt: skip
    assert report.exit_code == 0, report.output
    html = (out / f"{PROGRAMME}-{WAVE}-en.html").read_text(encoding="utf-8")
    assert "The classes are the combinations of region across the strata" in html
