"""A simulated wave's mails are real: their links open the survey, answers obey its rules."""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from mel.app import create_app
from mel.demo import simulate
from mel.models import Case, Contact, Response, Wave
from mel.services.fieldwork import outcomes
from tests.autofill import complete

LINK = re.compile(r"http://mel\.test(/i/[A-Za-z0-9_-]+)")


def _links(outbox: Path) -> dict[str, str]:
    """Recipient address → survey link of every invitation in an outbox folder."""
    found = {}
    for path in outbox.glob("*.eml"):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        assert isinstance(message, EmailMessage)
        body = message.get_body(("plain",))
        assert body is not None
        found[str(message["To"]).split("<")[-1].rstrip(">")] = LINK.findall(body.get_content())[0]
    return found


def test_a_simulated_invitation_answers_through_the_web(published: Engine, tmp_path: Path) -> None:
    simulate(
        published,
        seed=5,
        scale=0.2,
        programmes=["katapult"],
        waves=(2025,),
        folder=tmp_path / "files",
        instance_path=tmp_path,
        secret="simulation-secret",
        base_url="http://mel.test",
    )
    links = _links(tmp_path / "outbox" / "impactmeting-2025")
    with Session(published) as session:
        wave = session.exec(select(Wave).where(Wave.code == "impactmeting-2025")).one()
        rows = session.exec(
            select(Case, Contact.email)
            .join(Contact, col(Contact.unit_id) == Case.unit_id)
            .where(Case.wave_id == wave.id, Contact.wave_id == wave.id)
        ).all()
    assert len(links) == len(rows)  # one invitation per case, in the outbox
    silent = next(c for c, _ in rows if c.outcome == "non_contact")
    answered = next(c for c, _ in rows if c.outcome == "complete")
    email = dict((c.id, e) for c, e in rows)
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": published.url.render_as_string(hide_password=False),
            "SECRET_KEY": "simulation-secret",
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )

    def responses(case: Case) -> list[str]:
        with Session(published) as session:
            return list(
                session.exec(
                    select(Response.status).where(Response.invitation_id == case.invitation_id)
                ).all()
            )

    try:
        # A pps that had not answered answers now, through its mailed link.
        done = complete(app.test_client(), links[email[silent.id]])
        assert done.request.path.endswith("/done"), done.request.path
        assert responses(silent) == ["complete"]
        # A pps the simulation let answer cannot answer twice: its link adds nothing.
        complete(app.test_client(), links[email[answered.id]])
        assert responses(answered) == ["complete"]
    finally:
        app.extensions["mel.engine"].dispose()
    with Session(published) as session:
        wave = session.exec(select(Wave).where(Wave.code == "impactmeting-2025")).one()
        outcomes.refresh(session, wave)
        session.commit()
        case = session.get(Case, silent.id)
        assert case is not None and case.outcome == "complete"
        per_unit = session.exec(
            select(func.count())
            .select_from(Response)
            .where(Response.wave_id == wave.id, Response.status == "complete")
            .group_by(Response.unit_id)
        ).all()
    assert max(per_unit) == 1  # still one complete response per pps
