"""Settings come from MEL_* variables; production refuses to start without a secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from mel.app import create_app
from mel.settings import ConfigError, environment_settings


def test_environment_variables_become_settings() -> None:
    values = environment_settings(
        {
            "MEL_DATABASE_URL": "sqlite:///x.db",
            "MEL_MIN_GROUP_SIZE": "5",
            "MEL_DEMO": "true",
            "OTHER": "1",
            "MEL_TEST_DATABASE_URL": "ignored",
        }
    )
    assert values == {"DATABASE_URL": "sqlite:///x.db", "MIN_GROUP_SIZE": 5, "DEMO": True}


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
