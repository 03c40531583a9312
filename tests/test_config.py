"""Settings come from MEL_* variables; production refuses to start without a secret."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from mel.app import create_app
from mel.settings import ConfigError, default_instance_path, load_settings


def test_environment_variables_become_typed_settings() -> None:
    values = load_settings(
        environ={
            "MEL_DATABASE_URL": "sqlite:///x.db",
            "MEL_MIN_GROUP_SIZE": "5",
            "MEL_DEMO": "true",
            "MEL_STAFF_SESSION_HOURS": "1.5",
            "OTHER": "1",
            "MEL_TEST_DATABASE_URL": "ignored",
        }
    )
    assert values.database == "sqlite:///x.db"
    assert values.min_group_size == 5 and values.demo is True
    assert values.staff_session_hours == 1.5


def test_overrides_win_over_the_environment() -> None:
    values = load_settings({"MIN_GROUP_SIZE": 3}, environ={"MEL_MIN_GROUP_SIZE": "5"})
    assert values.min_group_size == 3


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"MEL_MIN_GROUP_SIZE": "ten"}, "MEL_MIN_GROUP_SIZE must be a whole number, not 'ten'"),
        ({"MEL_DEMO": "maybe"}, "MEL_DEMO must be true or false, not 'maybe'"),
        ({"MEL_DATABSE_URL": "sqlite:///x"}, "unknown setting MEL_DATABSE_URL"),
        ({"MEL_PDF_ENGINE": "word"}, "MEL_PDF_ENGINE must be one of auto, chromium, weasyprint"),
        ({"MEL_DB_STATEMENT_TIMEOUT": "-1"}, "MEL_DB_STATEMENT_TIMEOUT must be 0 or more"),
        ({"MEL_TRUSTED_PROXIES": "one"}, "MEL_TRUSTED_PROXIES must be a whole number"),
        ({"MEL_REDIS_URL": "127.0.0.1:6379"}, "MEL_REDIS_URL must start with redis://"),
        ({"MEL_DASHBOARD_WORKER": "fork"}, "MEL_DASHBOARD_WORKER must be one of process, thread"),
    ],
)
def test_wrong_settings_are_refused_by_name(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_settings(environ=environ)


def test_the_default_database_does_not_depend_on_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MEL_DATABASE_URL", raising=False)
    monkeypatch.delenv("MEL_INSTANCE_PATH", raising=False)
    seen = set()
    for folder in (tmp_path, Path(__file__).parent):
        monkeypatch.chdir(folder)
        seen.add(load_settings().database)
        seen.add(create_app({"TESTING": True}).config["DATABASE_URL"])
    assert seen == {f"sqlite:///{default_instance_path() / 'mel.sqlite'}"}
    assert default_instance_path() == Path(__file__).resolve().parents[1] / "instance"


def test_production_needs_a_secret_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("MEL_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="MEL_SECRET_KEY is not set"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}"})


def test_secret_key_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MEL_SECRET_KEY", "s" * 40)
    monkeypatch.setenv("MEL_DATABASE_URL", f"sqlite:///{tmp_path / 'b.db'}")
    app = create_app()
    assert app.config["SECRET_KEY"] == "s" * 40
    assert app.config["DATABASE_URL"].endswith("b.db")


def test_testing_runs_get_a_throwaway_key(tmp_path: Path) -> None:
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}"})
    assert len(app.config["SECRET_KEY"]) == 64


def test_bad_group_size_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="MEL_MIN_GROUP_SIZE"):
        create_app({"TESTING": True, "MIN_GROUP_SIZE": 0})


def test_bad_database_url_is_named() -> None:
    with pytest.raises(ConfigError, match="not a database URL: 'nonsense'"):
        create_app({"TESTING": True, "DATABASE_URL": "nonsense"})


def test_health_check_answers(tmp_path: Path) -> None:
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'd.db'}"})
    assert app.test_client().get("/healthz").get_json() == {"status": "ok"}


def test_cookies_are_secure_except_on_this_machines_development_server(tmp_path: Path) -> None:
    base = {"DATABASE_URL": f"sqlite:///{tmp_path / 'e.db'}", "SECRET_KEY": "s" * 40}
    assert create_app(base).config["SESSION_COOKIE_SECURE"] is True
    # `mel serve`: Flask's server over plain http, where Secure cookies would never come back.
    local = create_app({**base, "MEL_LOCAL_SERVER": True})
    assert local.config["SESSION_COOKIE_SECURE"] is False
    forced = create_app({**base, "MEL_LOCAL_SERVER": True, "SESSION_COOKIE_SECURE": True})
    assert forced.config["SESSION_COOKIE_SECURE"] is True


def test_redis_url_shares_rate_limits_and_throttles(tmp_path: Path, redis_url: str) -> None:
    assert load_settings(environ={}).ratelimit_store == "memory://"
    shared = load_settings(environ={"MEL_REDIS_URL": "redis://r:6379/2"})
    assert shared.flask_config()["RATELIMIT_STORAGE_URI"] == "redis://r:6379/2"
    own = {"MEL_REDIS_URL": "redis://r:6379/2", "MEL_RATELIMIT_STORAGE_URI": "memory://"}
    assert load_settings(environ=own).ratelimit_store == "memory://"  # a store set wins
    database = f"sqlite:///{tmp_path / 'x.sqlite'}"
    app = create_app({"TESTING": True, "DATABASE_URL": database, "REDIS_URL": redis_url})
    post_limits = app.extensions["mel.post_limits"].limiter.storage
    throttle = app.extensions["mel.login_throttle"].limiter.storage
    assert type(post_limits).__name__ == type(throttle).__name__ == "RedisStorage"
    app.extensions["mel.engine"].dispose()


def test_a_redis_url_without_the_redis_extra_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)  # as if the extra were not installed
    with pytest.raises(ConfigError, match=r"MEL_REDIS_URL needs the Redis client.*mel\[redis\]"):
        load_settings(environ={"MEL_REDIS_URL": "redis://127.0.0.1:6379/0"})
    assert load_settings(environ={}).ratelimit_store == "memory://"
