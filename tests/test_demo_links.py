"""`mel demo` prints only survey links that work, and its open links ask for the unit."""

from __future__ import annotations

import re

from click.testing import CliRunner
from sqlmodel import Session, select

from mel.app import create_app
from mel.cli import main
from mel.models import Response, Unit
from tests.autofill import complete


def test_every_printed_link_works_and_stores_its_unit(db_url: str) -> None:
    result = CliRunner().invoke(
        main, ["demo", "--no-serve", "--scale", "0.05", "--database-url", db_url]
    )
    assert result.exit_code == 0, result.output
    links = re.findall(r"http://127\.0\.0\.1:5000(/s/\S+)", result.output)
    assert sorted(links) == [
        "/s/dw-impactmonitor/monitor-2025",
        "/s/tk-docenten/meting-2025",
        "/s/tk-leerlingen/meting-2025",
    ]
    # Surveys answered for a unit go by invitation; the demo says how many were made and
    # where to follow them, or, for a wave with none yet, how to make them.
    for instrument, wave in (
        ("katapult-impactmeting", "impactmeting-2025"),
        ("tk-scholen", "meting-2025"),
    ):
        made = re.search(
            rf"{instrument}: by invitation only: (\d+) invitations made "
            rf"\(mel fieldwork status --wave {wave}\)",
            result.output,
        )
        assert made is not None and int(made.group(1)) > 0, result.output
    assert (
        "katapult-voortgang: by invitation only: mel invitations create --wave voortgang-2026 "
        "--instrument katapult-voortgang --units sampled" in result.output
    )
    app = create_app({"DATABASE_URL": db_url, "SECRET_KEY": "test-secret"})
    client = app.test_client()
    for link in links:
        page = client.get(link)
        assert page.status_code == 200 and 'name="unit"' in page.get_data(as_text=True)
    assert client.get("/s/katapult-impactmeting/impactmeting-2025").status_code == 403
    first = re.search(r'name="unit" value="([^"]+)"', client.get(links[0]).get_data(as_text=True))
    assert first is not None
    done = complete(client, "/s/dw-impactmonitor/monitor-2025", unit=first.group(1))
    assert done.request.path.endswith("/done"), done.get_data(as_text=True)
    with Session(app.extensions["mel.engine"]) as session:
        unit = session.exec(select(Unit).where(Unit.code == first.group(1))).one()
        last = session.exec(select(Response).order_by(Response.id.desc())).first()  # type: ignore[union-attr]
        assert last is not None and last.status == "complete" and last.unit_id == unit.id
    app.extensions["mel.engine"].dispose()
