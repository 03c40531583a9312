"""A page's figures are kept on disk: a freshly started process shows them without waiting."""

from __future__ import annotations

import logging
import pickle
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlalchemy.engine import Engine

from mel.data import frame_cache
from mel.db import make_engine
from mel.services import dashboard_cache, figure_pool, figure_store

from .conftest import Auth
from .test_figure_process import _change_every_answer

PAGE = "/api/v1/programmes/alpha/kpis?by=sector"

# A process of its own: the figures of a slot for data version argv[2], made as argv[3].
# Figures made in the background wait until the page has been shown.
FRESH_PROCESS = """
import sys, threading, time
from pathlib import Path
from mel.services import dashboard_cache
path, version, value = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
shown_event = threading.Event()
def make():
    if threading.current_thread() is not threading.main_thread():
        shown_event.wait(60)
    print("made", flush=True)
    return value
shown = dashboard_cache.latest(("test", "fresh"), (version,), make, 0, store=lambda: path)
print("shown", shown.value, shown.as_of.isoformat() if shown.as_of else None, flush=True)
shown_event.set()
deadline = time.monotonic() + 120
while dashboard_cache.peek(("test", "fresh", version)) is None and time.monotonic() < deadline:
    time.sleep(0.01)
print("current", dashboard_cache.peek(("test", "fresh", version)), flush=True)
"""


def in_a_fresh_process(path: Path, version: int, value: str) -> list[str]:
    """The lines the script above prints in a new Python process."""
    done = subprocess.run(
        [sys.executable, "-c", FRESH_PROCESS, str(path), str(version), value],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return done.stdout.splitlines()


def test_a_new_process_shows_the_stored_figures_and_makes_new_ones(tmp_path: Path) -> None:
    path = tmp_path / "figures" / "slot.figures"
    assert in_a_fresh_process(path, 1, "one") == ["made", "shown one None", "current one"]
    made = figure_store.load(path, ("test", "fresh"))
    assert made is not None and made[0] == ("test", "fresh", 1)
    # The same data version: the stored figures are the current ones, nothing is made.
    assert in_a_fresh_process(path, 1, "other") == ["shown one None", "current one"]
    # New data: the stored figures, with their time, while the new ones are made.
    shown = f"shown one {made[2].isoformat()}"
    assert in_a_fresh_process(path, 2, "two") == [shown, "made", "current two"]
    assert in_a_fresh_process(path, 2, "other") == ["shown two None", "current two"]


def forget_figures() -> None:
    """As in a server process that has just started: no figures in memory."""
    with dashboard_cache._CACHE_LOCK:
        dashboard_cache._CACHE.clear()
        dashboard_cache._PREVIOUS.clear()
        dashboard_cache._READ.clear()


def _other_mel(path: Path) -> None:
    record = (figure_store.FORMAT, "0.0.1", ("test", "bad", 1), "old", datetime.now(UTC))
    path.write_bytes(pickle.dumps(record))


def _gone_class(path: Path) -> None:
    path.write_bytes(b"cmel.no_such_module\nFigures\n)R.")  # a class mel no longer has


@pytest.mark.parametrize(
    "spoil",
    [
        lambda path: path.write_bytes(b"not a pickle"),
        lambda path: path.write_bytes(path.read_bytes()[:20]),  # cut short
        _gone_class,
        _other_mel,
    ],
    ids=["garbage", "truncated", "gone-class", "other-version"],
)
def test_a_bad_file_is_skipped_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, spoil: Any
) -> None:
    slot = ("test", "bad", uuid.uuid4().hex)
    path = tmp_path / "slot.figures"
    figure_store.save(path, (*slot, 1), "old", datetime.now(UTC))
    spoil(path)
    forget_figures()
    with caplog.at_level(logging.WARNING, logger="mel.services.figure_store"):
        shown = dashboard_cache.latest(slot, (1,), lambda: "made", 0, store=lambda: path)
    assert shown.value == "made" and not shown.updating
    assert "skipped" in caplog.text
    assert figure_store.load(path, slot) is not None  # written again


def test_an_unwritable_folder_only_warns(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "file").write_text("a file, not a folder")
    path = tmp_path / "file" / "slot.figures"
    slot = ("test", "unwritable", uuid.uuid4().hex)
    with caplog.at_level(logging.WARNING, logger="mel.services.figure_store"):
        shown = dashboard_cache.latest(slot, (1,), lambda: "made", 0, store=lambda: path)
    assert shown.value == "made" and "not kept" in caplog.text


def test_the_files_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(figure_store, "MAX_FILES", 3)
    for n in range(5):
        figure_store.save(tmp_path / f"{n}{figure_store.SUFFIX}", ("s", n), n, datetime.now(UTC))
    assert len(list(tmp_path.glob(f"*{figure_store.SUFFIX}"))) == 3


def test_another_database_has_other_files(tmp_path: Path) -> None:
    engines = [make_engine(f"sqlite:///{tmp_path / name}") for name in ("a.sqlite", "b.sqlite")]
    for engine in engines:
        frame_cache.use_folder(engine, tmp_path / "frames")
    folders = [figure_store.folder_for(engine) for engine in engines]
    assert folders[0] is not None and folders[1] is not None and folders[0] != folders[1]
    slot = ("kpis", "alpha")
    assert figure_store.path_for(folders[0], 1, slot) != figure_store.path_for(folders[0], 2, slot)
    for engine in engines:
        engine.dispose()


@pytest.fixture
def app_config(app_config: dict[str, object]) -> dict[str, object]:
    """Pages that never wait for new figures."""
    return {**app_config, "DASHBOARD_WAIT": 0}


def _kpis(client: FlaskClient) -> tuple[float, str | None]:
    body = client.get(PAGE).json
    assert body is not None
    card = next(k for k in body["kpis"] if k["code"] == "cijfer")
    return float(card["result"]["estimate"]), body["figures_as_of"]


def stored_files(app: Flask) -> list[Path]:
    """The figures files of the app's database."""
    folder = figure_store.folder_for(app.extensions["mel.background_engine"])
    assert folder is not None
    return sorted(folder.glob(f"*{figure_store.SUFFIX}"))


def test_after_a_restart_the_page_shows_its_last_figures_while_new_ones_are_made(
    seeded: Engine, app: Flask, client: FlaskClient, auth: Auth
) -> None:
    auth.as_role("staff")
    before, as_of = _kpis(client)
    assert as_of is None and len(stored_files(app)) == 1
    _change_every_answer(seeded, 10)
    forget_figures()
    shown, as_of = _kpis(client)
    assert shown == pytest.approx(before) and as_of is not None
    deadline = time.monotonic() + 300
    while as_of is not None and time.monotonic() < deadline:
        time.sleep(0.05)
        shown, as_of = _kpis(client)
    assert as_of is None and shown == pytest.approx(10.0)


def test_after_a_restart_unchanged_figures_are_current_and_not_made_again(
    seeded: Engine, app: Flask, client: FlaskClient, auth: Auth
) -> None:
    auth.as_role("staff")
    before, _ = _kpis(client)
    (stored,) = stored_files(app)
    written = stored.read_bytes()
    forget_figures()
    figure_pool.last_pid = None
    assert _kpis(client) == (pytest.approx(before), None)
    assert stored.read_bytes() == written  # not made again (that would store them again)
    assert figure_pool.last_pid is None


def test_a_corrupt_file_does_not_break_the_page(
    seeded: Engine,
    app: Flask,
    client: FlaskClient,
    auth: Auth,
    caplog: pytest.LogCaptureFixture,
) -> None:
    auth.as_role("staff")
    before, _ = _kpis(client)
    (stored,) = stored_files(app)
    stored.write_bytes(stored.read_bytes()[:-40])
    forget_figures()
    with caplog.at_level(logging.WARNING, logger="mel.services.figure_store"):
        assert _kpis(client) == (pytest.approx(before), None)
    assert "skipped" in caplog.text


def test_figures_of_a_recreated_database_are_not_shown(
    seeded: Engine, app: Flask, client: FlaskClient, auth: Auth
) -> None:
    """A database recreated or restored at the same URL has a new token: other figures."""
    auth.as_role("staff")
    _kpis(client)
    _change_every_answer(seeded, 10)
    with seeded.begin() as connection:
        connection.execute(text("UPDATE dataversion SET version = 7 WHERE scope = 'database'"))
    forget_figures()
    assert _kpis(client) == (pytest.approx(10.0), None)  # made in the request, none shown
    assert len(stored_files(app)) == 2
