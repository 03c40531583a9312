"""Privacy operations: a respondent's data, erasure with a tombstone, retention, audit log."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from mel.cli.respondents import respondents_group
from mel.cli.retention import retention_group
from mel.cli.users import audit_group
from mel.models import Invitation, Response, Wave
from mel.models.accounts import AuditEvent, Tombstone
from mel.services.invitations import hash_token
from mel.services.privacy import is_erased, key_hash
from tests.factories import invite, open_survey
from tests.web.conftest import DATA, Participant

from .conftest import Auth, seed_programme


@pytest.fixture
def cli(engine: Engine, db_url: str, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A CLI runner on the test database."""
    monkeypatch.setenv("MEL_DATABASE_URL", db_url)
    return CliRunner()


@pytest.fixture
def participant(client: FlaskClient) -> Participant:
    """A survey participant using the test client."""
    return Participant(client)


def stored(engine: Engine) -> list[Response]:
    with Session(engine) as session:
        return list(session.exec(select(Response)).all())


def finish_and_keep_last_post(participant: Participant, link: str) -> tuple[str, dict]:
    """Fill in the one-page survey; return the final POST so it can be sent again."""
    participant.start(link)
    path, data = participant.path, dict(participant.form())
    data.update({"cijfer": "9", "_action": "next"})
    participant.page = participant.client.post(path, data=data, follow_redirects=True)
    assert participant.path.endswith("/done")
    return path, data


def test_export_shows_everything_held(
    engine: Engine, cli: CliRunner, participant: Participant
) -> None:
    open_survey(engine, DATA / "consent.yaml")
    (link,) = invite(engine, "web-consent")
    finish_and_keep_last_post(participant, link)
    (response,) = stored(engine)
    result = cli.invoke(respondents_group, ["export", response.respondent_id])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["respondent_id"] == response.respondent_id
    (item,) = data["responses"]
    assert item["answers"] == {"cijfer": 9} and item["status"] == "complete"
    assert item["wave"] == "w2025" and item["instrument"] == "web-consent"
    unknown = cli.invoke(respondents_group, ["export", "no-such-id"])
    assert unknown.exit_code == 1 and "no responses" in unknown.output


@pytest.mark.parametrize("kind", ["invitation", "open"])
def test_erasure_leaves_a_tombstone_that_blocks_a_retry(
    engine: Engine, cli: CliRunner, participant: Participant, kind: str
) -> None:
    link = open_survey(engine, DATA / "consent.yaml")
    if kind == "invitation":
        (link,) = invite(engine, "web-consent")
    path, data = finish_and_keep_last_post(participant, link)
    (response,) = stored(engine)
    token = path.split("/")[2]
    result = cli.invoke(respondents_group, ["erase", response.respondent_id, "--yes"])
    assert result.exit_code == 0, result.output
    assert stored(engine) == []
    with Session(engine) as session:
        assert is_erased(session, respondent_id=response.respondent_id)
        assert is_erased(session, client_submission_id=response.client_submission_id)
        assert is_erased(session, public_id=response.public_id)
        if kind == "invitation":
            assert is_erased(session, invitation_token_hash=hash_token(token))
            assert session.exec(select(Invitation)).all() == []
        else:
            assert is_erased(session, resume_token_hash=hash_token(token))
        assert not is_erased(session, respondent_id="someone-else")
        hashes = [t.key_hash for t in session.exec(select(Tombstone)).all()]
        assert key_hash("respondent", response.respondent_id) in hashes
        assert response.respondent_id not in repr(session.exec(select(Tombstone)).all())
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "erasure")).one()
        assert response.respondent_id not in repr(event) and event.detail == {"responses": 1}
    retry = participant.client.post(path, data=data)  # the browser retries the submission
    assert retry.status_code == 410 and "op uw verzoek verwijderd" in retry.get_data(as_text=True)
    again = participant.client.get(link)  # an invitation says so; an open link starts anew
    assert again.status_code == (410 if kind == "invitation" else 200)
    assert stored(engine) == []
    second = cli.invoke(respondents_group, ["erase", response.respondent_id, "--yes"])
    assert second.exit_code == 1


def test_erase_asks_for_confirmation(engine: Engine, cli: CliRunner) -> None:
    seed_programme(engine, "alpha", units=2)
    respondent = stored(engine)[0].respondent_id
    refused = cli.invoke(respondents_group, ["erase", respondent], input="n\n")
    assert refused.exit_code == 1 and len(stored(engine)) == 2


def set_retention(engine: Engine, until: date) -> None:
    with Session(engine) as session:
        wave = session.exec(select(Wave)).one()
        wave.retention_until = until
        session.add(wave)
        session.commit()


def test_retention_purge_keeps_counts(
    engine: Engine, cli: CliRunner, client: FlaskClient, auth: Auth
) -> None:
    seed_programme(engine, "alpha")
    from .conftest import make_users

    make_users(engine)
    auth.as_role("admin")
    before = client.get("/api/v1/programmes/alpha/fieldwork?by=sector").json
    set_retention(engine, date.today() + timedelta(days=1))
    nothing = cli.invoke(retention_group, ["purge"])
    assert "no wave is past its retention date" in nothing.output
    set_retention(engine, date.today() - timedelta(days=1))
    dry = cli.invoke(retention_group, ["purge", "--dry-run"])
    assert dry.exit_code == 0 and "would empty the answers of 32 response(s)" in dry.output
    assert all(r.answers for r in stored(engine))
    done = cli.invoke(retention_group, ["purge"])
    assert done.exit_code == 0 and "emptied the answers of 32 response(s)" in done.output
    rows = stored(engine)
    assert len(rows) == 32 and not any(r.answers for r in rows)
    assert sum(r.status == "complete" for r in rows) == 28
    assert client.get("/api/v1/programmes/alpha/fieldwork?by=sector").json == before
    again = cli.invoke(retention_group, ["purge"])
    assert "emptied the answers of 0 response(s)" in again.output
    log = cli.invoke(audit_group, ["list", "--action", "retention_purge", "--json"])
    (line,) = log.output.splitlines()
    assert json.loads(line)["detail"]["responses"] == 32


def test_audit_list(seeded: Engine, cli: CliRunner, client: FlaskClient, auth: Auth) -> None:
    auth.as_role("researcher")
    client.get("/staff/p/alpha/exports/w2025/alpha-meting/data.csv")
    client.get("/staff/p/alpha/fieldwork.svg?view=1")  # the chart on the page: not a download
    client.get("/staff/p/alpha/fieldwork.csv?view=1")  # a download all the same
    result = cli.invoke(audit_group, ["list"])
    lines = result.output.splitlines()
    assert result.exit_code == 0 and len(lines) == 3
    assert "download" in lines[0] and "fieldwork.csv" in lines[0]
    assert "export" in lines[1] and "login" in lines[2]
    assert all("researcher@alpha.example" in line for line in lines)
    only = cli.invoke(audit_group, ["list", "--action", "export", "--json"])
    event = json.loads(only.output)
    assert event["detail"] == {"format": "csv", "rows": 28}
    assert "Goed" not in result.output
