"""Security: headers, tampered posts, size and rate limits, error pages, no IP stored."""

from __future__ import annotations

import json

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine

from tests.factories import open_survey
from tests.web.conftest import DATA, Participant, only_response


def test_security_headers(engine: Engine, client: FlaskClient) -> None:
    page = client.get(open_survey(engine, DATA / "skip.yaml"))
    csp = page.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    assert "<script" not in html and "style=" not in html and "<style" not in html
    assert "http://" not in html.replace('xmlns="http://', "")  # nothing from elsewhere


def test_stylesheet_is_served(client: FlaskClient) -> None:
    css = client.get("/static/mel.css")
    assert css.status_code == 200 and css.mimetype == "text/css"
    css.close()


@pytest.mark.parametrize(
    ("extra", "why"),
    [
        ({"cijfer": "7", "welke": "smuggled"}, "a field of another page"),
        ({"cijfer": "7", "onbekend": "x"}, "an unknown field"),
        ({"cijfer": ["7", "8"]}, "two values for one answer"),
    ],
)
def test_tampered_posts_are_refused(
    engine: Engine, participant: Participant, extra: dict[str, object], why: str
) -> None:
    participant.start(open_survey(engine, DATA / "skip.yaml"))
    page = participant.post({"vervolg": "ja", **extra})
    assert page.status_code == 400, why
    assert "niet bij deze pagina horen" in participant.html
    assert only_response(engine).answers == {}


def test_request_size_limit(engine: Engine, participant: Participant) -> None:
    participant.start(open_survey(engine, DATA / "skip.yaml"))
    page = participant.post({"vervolg": "ja", "cijfer": "7" * 300_000}, follow=False)
    assert page.status_code == 413
    assert "Uw antwoord is te groot" in page.get_data(as_text=True)


@pytest.fixture
def app_config(app_config: dict[str, object]) -> dict[str, object]:
    """A tight submission limit, so that the test needs only a few posts."""
    return {**app_config, "RATELIMIT_SURVEY": "5 per minute"}


def test_rate_limit_on_submissions(engine: Engine, participant: Participant) -> None:
    participant.start(open_survey(engine, DATA / "skip.yaml"))
    codes = [participant.post({"vervolg": ""}, follow=False).status_code for _ in range(6)]
    assert codes[:5] == [200] * 5 and codes[5] == 429
    assert "Te veel verzoeken" in participant.html and participant.page is not None
    assert participant.page.headers["Retry-After"] == "60"
    assert participant.client.get(participant.path).status_code == 200  # reading still works


def test_no_ip_address_is_stored(engine: Engine, participant: Participant) -> None:
    participant.client.environ_base["REMOTE_ADDR"] = "203.0.113.77"
    participant.start(open_survey(engine, DATA / "skip.yaml"))
    participant.post({"vervolg": "nee"})
    row = only_response(engine).model_dump(mode="json")
    assert "203.0.113" not in json.dumps(row)


def test_friendly_500(app: Flask, client: FlaskClient) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("boom")

    page = client.get("/boom")
    html = page.get_data(as_text=True)
    assert page.status_code == 500 and "Er ging iets mis aan onze kant" in html
    assert "Something went wrong on our side" in html and "boom" not in html


def test_method_not_allowed_page(client: FlaskClient) -> None:
    page = client.delete("/r/abc")
    assert page.status_code == 405 and "Dat kan hier niet" in page.get_data(as_text=True)


def test_error_page_in_english(client: FlaskClient) -> None:
    page = client.get("/nope?lang=en")
    html = page.get_data(as_text=True)
    assert page.status_code == 404 and '<html lang="en">' in html
    assert html.index("Page not found") < html.index("Pagina niet gevonden")


def test_rate_limits_can_live_in_redis(engine: Engine, app_config: dict[str, object]) -> None:
    import secrets
    import socket

    from mel.app import create_app

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    app = create_app(
        {
            **app_config,
            "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379",
            "RATELIMIT_KEY_PREFIX": f"mel-test-{secrets.token_hex(4)}",
        }
    )
    participant = Participant(app.test_client())
    participant.start(open_survey(engine, DATA / "skip.yaml"))
    codes = [participant.post({"vervolg": ""}, follow=False).status_code for _ in range(6)]
    assert codes[5] == 429
    app.extensions["mel.engine"].dispose()


@pytest.mark.parametrize(
    ("code", "nl", "en"),
    [
        (400, "Er ging iets mis met uw verzoek", "Something was wrong with your request"),
        (403, "Geen toegang", "No access"),
        (404, "Pagina niet gevonden", "Page not found"),
        (409, "Al verstuurd", "Already submitted"),
        (413, "Uw antwoord is te groot", "Your answer is too large"),
        (429, "Te veel verzoeken", "Too many requests"),
    ],
)
def test_every_error_status_has_a_bilingual_page(app: Flask, code: int, nl: str, en: str) -> None:
    from flask import abort

    @app.get("/status")
    def status() -> str:
        abort(code)

    page = app.test_client().get("/status")
    html = page.get_data(as_text=True)
    assert page.status_code == code and nl in html and en in html
    assert "Content-Security-Policy" in page.headers
