"""Logins end server-side: an old cookie replayed after logout, a password change or
disabling opens neither the staff pages nor the API; expired logins are purged."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select, update

from mel.db import session_scope
from mel.models import utcnow
from mel.models.accounts import StaffSession
from mel.services import accounts

from .conftest import PASSWORD, Auth, csrf_token

STAFF_PAGE = "/staff/p/alpha/kpis"
API = "/api/v1/programmes"


def cookie(client: FlaskClient) -> str:
    """The session cookie the browser holds now."""
    found = client.get_cookie("session")
    assert found is not None
    return found.value


def replay(app: Flask, value: str) -> FlaskClient:
    """Another browser (an attacker's, say) sending a copied session cookie."""
    other = app.test_client()
    other.set_cookie("session", value)
    return other


def logins(engine: Engine) -> list[StaffSession]:
    with Session(engine) as session:
        return list(session.exec(select(StaffSession)).all())


def test_a_cookie_replayed_after_logout_opens_nothing(
    seeded: Engine, app: Flask, auth: Auth
) -> None:
    auth.as_role("admin")
    copied = cookie(auth.client)
    assert replay(app, copied).get(STAFF_PAGE).status_code == 200
    assert replay(app, copied).get(API).status_code == 200
    assert len(logins(seeded)) == 1
    assert auth.logout().status_code == 303
    assert logins(seeded) == []
    page = replay(app, copied).get(STAFF_PAGE)
    assert page.status_code == 302 and page.headers["Location"].startswith("/staff/login")
    api = replay(app, copied).get(API)
    assert api.status_code == 401 and api.json == {"error": "login required"}


def test_a_password_change_ends_every_login_but_the_changers_new_one(
    seeded: Engine, app: Flask
) -> None:
    first, second = Auth(app.test_client()), Auth(app.test_client())
    first.as_role("researcher")
    second.as_role("researcher")
    before = cookie(first.client)
    page = first.client.get("/staff/password")
    done = first.client.post(
        "/staff/password",
        data={
            "csrf_token": csrf_token(page.text),
            "current": PASSWORD,
            "new": "a brand new password",
            "confirm": "a brand new password",
        },
    )
    assert done.status_code == 200
    assert first.client.get(STAFF_PAGE).status_code == 200  # a fresh login
    assert cookie(first.client) != before
    assert len(logins(seeded)) == 1
    for old in (before, cookie(second.client)):
        assert replay(app, old).get(API).status_code == 401


def test_disabling_an_account_ends_its_logins(seeded: Engine, app: Flask, auth: Auth) -> None:
    auth.as_role("staff")
    copied = cookie(auth.client)
    with session_scope(seeded) as session:
        accounts.set_active(session, "staff@alpha.example", False)
    assert logins(seeded) == []
    assert replay(app, copied).get(API).status_code == 401
    with session_scope(seeded) as session:  # enabled again: the old login stays ended
        accounts.set_active(session, "staff@alpha.example", True)
    assert replay(app, copied).get(API).status_code == 401


def test_expired_logins_are_refused_and_purged(seeded: Engine, app: Flask) -> None:
    first, second = Auth(app.test_client()), Auth(app.test_client())
    first.as_role("staff")
    with session_scope(seeded) as session:
        session.exec(update(StaffSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert first.client.get(API).status_code == 401  # though the cookie itself is recent
    assert len(logins(seeded)) == 1
    second.as_role("admin")  # a new login purges expired ones
    (remaining,) = logins(seeded)
    assert remaining.expires_at > utcnow() + timedelta(hours=7)


def test_the_database_holds_only_a_hash_of_the_cookie_key(
    seeded: Engine, client: FlaskClient, auth: Auth
) -> None:
    auth.as_role("admin")
    with client.session_transaction() as session:
        key = session["sid"]
    (login,) = logins(seeded)
    assert key not in login.key_hash and len(login.key_hash) == 64


def test_a_login_cookie_from_before_server_side_sessions_is_cleared(
    seeded: Engine, client: FlaskClient, auth: Auth
) -> None:
    auth.as_role("admin")
    with client.session_transaction() as session:
        del session["sid"]  # what a cookie signed by the previous release held
    assert client.get(API).status_code == 401
    with client.session_transaction() as session:
        assert "uid" not in session


def test_a_forged_session_key_opens_nothing(seeded: Engine, client: FlaskClient) -> None:
    with Session(seeded) as db:
        user = accounts.find_user(db, "admin@alpha.example")
        assert user is not None
        with client.session_transaction() as session:
            session.update(uid=user.id, sv=user.session_version, sid="guessed", at=1e12)
    assert client.get(API).status_code == 401
    with Session(seeded) as db:
        assert db.exec(select(StaffSession).where(col(StaffSession.user_id) > 0)).all() == []
