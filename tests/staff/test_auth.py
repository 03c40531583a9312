"""Login, logout, session rotation, throttling, cookies and CSRF on every staff POST."""

from __future__ import annotations

import uuid

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from mel.app import create_app
from mel.db import session_scope
from mel.models import Wave
from mel.models.accounts import AuditEvent, User
from mel.services import accounts
from mel.web.staff.auth import Throttle

from .conftest import PASSWORD, Auth, csrf_token


def audit_actions(engine: Engine) -> list[tuple[str, str]]:
    with Session(engine) as session:
        return [
            (e.actor, e.action)
            for e in session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()
        ]


def test_login_rotates_the_session_and_logout_clears_it(
    seeded: Engine, client: FlaskClient, auth: Auth
) -> None:
    client.get("/staff/login")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
        before = dict(session)
    response = auth.as_role("researcher")
    assert response.headers["Location"] == "/staff/"
    with client.session_transaction() as session:
        assert "planted" not in session and session["uid"]
        assert session.get("csrf_token") != before.get("csrf_token")
    assert client.get("/staff/").status_code == 200
    assert auth.logout().status_code == 303
    with client.session_transaction() as session:
        assert "uid" not in session
    assert client.get("/staff/").status_code == 302
    assert audit_actions(seeded)[-2:] == [
        ("researcher@alpha.example", "login"),
        ("researcher@alpha.example", "logout"),
    ]


def test_wrong_password_is_refused_and_logged(
    seeded: Engine, client: FlaskClient, auth: Auth
) -> None:
    response = auth.login("staff@alpha.example", "wrong password!")
    assert response.status_code == 200
    assert "klopt niet" in response.text
    assert auth.login("nobody@alpha.example", "wrong password!").status_code == 200
    assert audit_actions(seeded) == [
        ("staff@alpha.example", "login_failed"),
        ("unknown", "login_failed"),
    ]


def test_throttle_per_account(seeded: Engine, client: FlaskClient, auth: Auth) -> None:
    for _ in range(10):
        assert auth.login("staff@alpha.example", "wrong password!").status_code == 200
    blocked = auth.login("staff@alpha.example", PASSWORD)
    assert blocked.status_code == 429
    assert "Te veel mislukte pogingen" in blocked.text
    with client.session_transaction() as session:
        assert "uid" not in session


def test_an_attacked_account_does_not_lock_out_colleagues_at_its_address(
    seeded: Engine, app: Flask
) -> None:
    attacker, colleague = app.test_client(), app.test_client()  # one office address
    for _ in range(10):
        Auth(attacker).login("staff@alpha.example", "wrong password!")
    assert Auth(attacker).login("staff@alpha.example", PASSWORD).status_code == 429
    assert Auth(colleague).login("admin@alpha.example", PASSWORD).status_code == 303


def test_throttle_per_address(seeded: Engine, db_url: str) -> None:
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": db_url,
            "SECRET_KEY": "t",
            "LOGIN_THROTTLE_ADDRESS": "15 per 10 minutes",
        }
    )
    client = app.test_client()
    for number in range(15):  # 15 accounts guessed from one address, each only once
        assert Auth(client).login(f"guess{number}@alpha.example", "wrong!").status_code == 200
    assert Auth(client).login("admin@alpha.example", PASSWORD).status_code == 429
    other_address = app.test_client()
    other_address.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert Auth(other_address).login("admin@alpha.example", PASSWORD).status_code == 303
    app.extensions["mel.engine"].dispose()


@pytest.mark.parametrize("proxies", [0, 1])
def test_addresses_behind_a_trusted_proxy(seeded: Engine, db_url: str, proxies: int) -> None:
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": db_url,
            "SECRET_KEY": "t",
            "LOGIN_THROTTLE_ADDRESS": "3 per 10 minutes",
            "TRUSTED_PROXIES": proxies,
        }
    )
    first, second = app.test_client(), app.test_client()  # both arrive from the proxy
    first.environ_base["HTTP_X_FORWARDED_FOR"] = "192.0.2.1"
    second.environ_base["HTTP_X_FORWARDED_FOR"] = "192.0.2.2"
    for number in range(3):
        Auth(first).login(f"guess{number}@alpha.example", "wrong!")
    assert Auth(first).login("admin@alpha.example", PASSWORD).status_code == 429
    # Behind a proxy, the other visitor is told apart; without one, the header is ignored
    # (anyone could send it) and both are the proxy's address.
    expected = 303 if proxies else 429
    assert Auth(second).login("admin@alpha.example", PASSWORD).status_code == expected
    app.extensions["mel.engine"].dispose()


def test_addresses_never_reach_the_database(seeded: Engine, app: Flask) -> None:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "198.51.100.23"
    for _ in range(11):
        Auth(client).login("staff@alpha.example", "wrong password!")
    with seeded.connect() as connection:
        for table in ("auditevent", "useraccount", "response"):
            rows = connection.execute(text(f"SELECT * FROM {table}")).all()
            assert "198.51.100.23" not in repr(rows)


def test_throttle_window_expires(seeded: Engine, app: Flask) -> None:
    app.extensions["mel.login_throttle"] = Throttle("memory://", "2 per 1 second", "9 per 1 second")
    client = app.test_client()
    for _ in range(2):
        Auth(client).login("staff@alpha.example", "wrong password!")
    assert Auth(client).login("staff@alpha.example", PASSWORD).status_code == 429
    import time

    time.sleep(1.1)
    assert Auth(client).login("staff@alpha.example", PASSWORD).status_code == 303


def test_throttle_counts_can_live_in_redis(redis_url: str) -> None:
    """Several workers share the counts through Redis."""
    throttle = Throttle(redis_url, "3 per 10 minutes", "30 per 10 minutes")
    assert throttle.limiter.storage.check()
    app = Flask("x")
    app.config["SECRET_KEY"] = uuid.uuid4().hex  # fresh keys for every run
    email = "someone@example.org"
    with app.test_request_context():
        for _ in range(3):
            assert throttle.allowed(email)
            throttle.failed(email)
        assert not throttle.allowed(email)
        # another worker
        other = Throttle(redis_url, "3 per 10 minutes", "30 per 10 minutes")
        assert not other.allowed(email)
        throttle.succeeded(email)
        assert other.allowed(email)


def test_login_without_csrf_token_is_refused(seeded: Engine, client: FlaskClient) -> None:
    client.get("/staff/login")
    response = client.post(
        "/staff/login", data={"email": "admin@alpha.example", "password": PASSWORD}
    )
    assert response.status_code == 400
    with client.session_transaction() as session:
        assert "uid" not in session


def post_targets(engine: Engine) -> list[tuple[str, dict[str, str]]]:
    with Session(engine) as session:
        user = accounts.find_user(session, "staff@alpha.example")
        assert user is not None
        return [
            ("/staff/logout", {}),
            (
                "/staff/password",
                {
                    "current": PASSWORD,
                    "new": "another long password",
                    "confirm": "another long password",
                },
            ),
            (
                "/staff/admin/users",
                {"email": "new@alpha.example", "role": "staff", "programme": "alpha"},
            ),
            (f"/staff/admin/users/{user.id}/disable", {}),
            ("/staff/p/alpha/waves/w2025", {"status": "closed"}),
            ("/staff/p/alpha/waves/w2025/invitations", {"instrument": "alpha-meting"}),
        ]


def test_every_staff_post_needs_a_csrf_token(
    seeded: Engine, client: FlaskClient, auth: Auth
) -> None:
    auth.as_role("admin")
    for url, data in post_targets(seeded):
        response = client.post(url, data=data)
        assert response.status_code == 400, url
        assert client.post(url, data={**data, "csrf_token": "forged"}).status_code == 400
    with Session(seeded) as session:
        assert accounts.find_user(session, "new@alpha.example") is None
        assert accounts.find_user(session, "staff@alpha.example").active  # type: ignore
        assert session.exec(select(Wave).where(Wave.code == "w2025")).first().status == "open"  # type: ignore  # noqa: E501
    assert client.get("/staff/").status_code == 200  # still logged in


def test_every_staff_post_works_with_its_token(
    seeded: Engine, client: FlaskClient, auth: Auth
) -> None:
    auth.as_role("admin")
    for url, data in reversed(post_targets(seeded)):
        token = csrf_token(client.get("/staff/admin/users").text)
        response = client.post(url, data={**data, "csrf_token": token})
        assert response.status_code in (200, 303), (url, response.text[:300])
        if url.endswith("/invitations"):
            assert response.text.count("/i/") == 32  # one link per sampled unit
    with Session(seeded) as session:
        assert accounts.find_user(session, "new@alpha.example") is not None
        assert not accounts.find_user(session, "staff@alpha.example").active  # type: ignore


def test_disabling_an_account_ends_its_session(seeded: Engine, app: Flask, auth: Auth) -> None:
    auth.as_role("staff")
    assert auth.client.get("/staff/p/alpha/kpis").status_code == 200
    with session_scope(seeded) as session:
        accounts.set_active(session, "staff@alpha.example", False)
    assert auth.client.get("/staff/p/alpha/kpis").status_code == 302
    assert auth.login("staff@alpha.example").status_code == 200  # refused


def test_old_sessions_expire(seeded: Engine, client: FlaskClient, auth: Auth) -> None:
    auth.as_role("staff")
    with client.session_transaction() as session:
        session["at"] -= 9 * 3600
    assert client.get("/staff/").status_code == 302


def test_password_change_ends_other_sessions(seeded: Engine, app: Flask) -> None:
    first, second = Auth(app.test_client()), Auth(app.test_client())
    first.as_role("researcher")
    second.as_role("researcher")
    page = first.client.get("/staff/password")
    wrong = first.client.post(
        "/staff/password",
        data={
            "csrf_token": csrf_token(page.text),
            "current": "not it at all",
            "new": "a brand new password",
            "confirm": "a brand new password",
        },
    )
    assert wrong.status_code == 400
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
    assert first.client.get("/staff/").status_code == 200
    assert second.client.get("/staff/").status_code == 302
    assert second.login("researcher@alpha.example", "a brand new password").status_code == 303


@pytest.mark.parametrize(
    "target",
    ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"],
)
def test_login_never_redirects_off_site(seeded: Engine, client: FlaskClient, target: str) -> None:
    page = client.get("/staff/login", query_string={"next": target})
    response = client.post(
        "/staff/login",
        query_string={"next": target},
        data={
            "email": "admin@alpha.example",
            "password": PASSWORD,
            "csrf_token": csrf_token(page.text),
        },
    )
    assert response.headers["Location"] == "/staff/"


def test_login_returns_to_the_page_asked_for(seeded: Engine, client: FlaskClient) -> None:
    first = client.get("/staff/p/alpha/kpis?by=sector")
    login_url = first.headers["Location"]
    page = client.get(login_url)
    response = client.post(
        login_url,
        data={
            "email": "admin@alpha.example",
            "password": PASSWORD,
            "csrf_token": csrf_token(page.text),
        },
    )
    assert response.headers["Location"] == "/staff/p/alpha/kpis?by=sector"


def test_cookie_flags(seeded: Engine, client: FlaskClient, db_url: str) -> None:
    cookie = client.get("/staff/login").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    production = create_app({"DATABASE_URL": db_url, "SECRET_KEY": "x" * 32})
    assert production.config["SESSION_COOKIE_SECURE"] is True
    cookie = (
        production.test_client()
        .get("/staff/login", base_url="https://mel.example")
        .headers["Set-Cookie"]
    )
    assert "Secure" in cookie and "HttpOnly" in cookie
    production.extensions["mel.engine"].dispose()


def test_passwords_are_argon2_hashed(seeded: Engine) -> None:
    with Session(seeded) as session:
        for user in session.exec(select(User)).all():
            assert user.password_hash.startswith("$argon2id$")
            assert PASSWORD not in user.password_hash


def test_staff_pages_and_the_api_are_never_cached(
    seeded: Engine, client: FlaskClient, auth: Auth
) -> None:
    anonymous = [client.get("/staff/login"), client.get("/api/v1/programmes")]
    assert anonymous[1].status_code == 401
    auth.as_role("admin")
    pages = [
        client.get(url)
        for url in (
            "/staff/",
            "/staff/password",
            "/staff/admin/users",
            "/staff/p/alpha/kpis",
            "/staff/p/nope/kpis",
            "/api/v1/programmes",
            "/api/v1/programmes/alpha/kpis",
            "/api/v1/programmes/nope/kpis",
        )
    ]
    assert [page.status_code for page in pages] == [200, 200, 200, 200, 404, 200, 200, 404]
    for page in anonymous + pages:
        assert page.headers["Cache-Control"] == "no-store", page.request.path
    stylesheet = client.get("/staff/static/staff.css")
    assert stylesheet.status_code == 200 and "no-store" not in stylesheet.headers.get(
        "Cache-Control", ""
    )
    stylesheet.close()
