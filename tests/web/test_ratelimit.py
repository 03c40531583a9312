"""Rate limits count participants' posts only, and never stop answers when the store is down."""

from __future__ import annotations

import logging
import threading
import time

import pytest
from flask import Flask
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy.engine import Engine

from mel.app import create_app
from mel.web.ratelimit import PostLimits, Serialised, make_limiter
from tests.conftest import closed_port
from tests.factories import open_survey
from tests.web.conftest import DATA, Participant, only_response


@pytest.fixture
def app_config(app_config: dict[str, object]) -> dict[str, object]:
    """Three posts a minute per link."""
    return {**app_config, "RATELIMIT_SURVEY": "3 per minute"}


def test_reading_pages_is_not_counted(engine: Engine, participant: Participant) -> None:
    participant.start(open_survey(engine, DATA / "skip.yaml"))
    page = participant.path
    for _ in range(10):
        assert participant.client.get(page).status_code == 200
    codes = [participant.post({"vervolg": ""}, follow=False).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_limits_are_per_link(engine: Engine, app: Flask) -> None:
    link = open_survey(engine, DATA / "skip.yaml")
    first, second = Participant(app.test_client()), Participant(app.test_client())
    for participant in (first, second):
        participant.start(link)
    assert [first.post({"vervolg": ""}, follow=False).status_code for _ in range(4)][-1] == 429
    assert second.post({"vervolg": ""}, follow=False).status_code == 200


def test_answers_still_saved_when_the_limit_store_is_down(
    engine: Engine, app_config: dict[str, object], caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app({**app_config, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:9/0"})
    participant = Participant(app.test_client())
    with caplog.at_level(logging.WARNING):
        participant.start(open_survey(engine, DATA / "skip.yaml"))
        participant.post({"vervolg": "nee"})
    assert participant.page is not None and participant.page.status_code == 200
    assert only_response(engine).answers["vervolg"] == "nee"
    assert "rate-limit store unavailable" in caplog.text
    app.extensions["mel.engine"].dispose()


def test_posts_are_still_limited_when_the_limit_store_is_down(
    engine: Engine, app_config: dict[str, object]
) -> None:
    app = create_app({**app_config, "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{closed_port()}"})
    participant = Participant(app.test_client())
    participant.start(open_survey(engine, DATA / "skip.yaml"))
    codes = [participant.post({"vervolg": ""}, follow=False).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]  # counted in the process meanwhile
    app.extensions["mel.engine"].dispose()


class _Overlap:
    """A stand-in limiter that records whether two calls ever ran at the same time."""

    def __init__(self) -> None:
        self.running = 0
        self.overlapped = False

    def hit(self, *_args: object) -> bool:
        self.running += 1
        self.overlapped |= self.running > 1
        time.sleep(0.002)
        self.running -= 1
        return True


def test_in_memory_counts_run_one_at_a_time() -> None:
    # limits' MemoryStorage starts one expiry timer from two threads when two requests
    # count at once ("threads can only be started once"); mel serialises its calls.
    limiter = make_limiter(FixedWindowRateLimiter, "memory://")
    assert isinstance(limiter, Serialised)
    stand_in = _Overlap()
    limiter._limiter = stand_in
    threads = [
        threading.Thread(target=lambda: [limiter.hit() for _ in range(20)]) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not stand_in.overlapped


def test_many_threads_count_in_memory_without_error() -> None:
    limits = PostLimits("memory://")
    errors: list[BaseException] = []

    def count() -> None:
        try:
            for n in range(200):
                limits.allow("1000 per minute", f"k{n % 7}", "scope")
        except BaseException as exc:  # noqa: BLE001 - any error fails the test
            errors.append(exc)

    threads = [threading.Thread(target=count) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_redis_limits_are_not_serialised() -> None:
    assert not isinstance(
        make_limiter(FixedWindowRateLimiter, "redis://127.0.0.1:6379/0"), Serialised
    )
