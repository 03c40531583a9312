"""Two gunicorn groups behind nginx or HAProxy share the database and Redis; when one group's
master is killed mid-run, every answer is stored exactly once (no timing is asserted)."""

from __future__ import annotations

import asyncio
import functools
import secrets
import shutil
import time
from pathlib import Path
from types import ModuleType

import pytest
import redis
from sqlalchemy.engine import Engine

BENCH = Path(__file__).resolve().parents[2] / "bench"
RESPONDENTS = 30


@pytest.fixture
def bench(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The load test's modules (bench/ on the path): the cluster, respondents, checks."""
    monkeypatch.syspath_prepend(str(BENCH))
    import load_survey

    return load_survey


@pytest.mark.parametrize("proxy", ["nginx", "haproxy"])
def test_killing_one_group_loses_and_doubles_nothing(
    engine: Engine,
    db_url: str,
    redis_url: str,
    bench: ModuleType,
    proxy: str,
    tmp_path: Path,
) -> None:
    if shutil.which(proxy) is None and not Path(f"/usr/sbin/{proxy}").exists():
        pytest.skip(f"{proxy} is not installed")
    from cluster import cluster
    from http_client import Stats
    from respondents import respondent, run_load

    link = bench.prepare(db_url)
    prefix = f"test-{secrets.token_hex(4)}"
    env = {
        **bench.server_env(db_url),
        "MEL_REDIS_URL": redis_url,
        "MEL_RATELIMIT_KEY_PREFIX": prefix,
        "MEL_TRUSTED_PROXIES": "1",
    }
    seen: dict[str, int] = {}

    with cluster(
        "mel.wsgi:app",
        env,
        groups=2,
        proxy=proxy,
        workers=1,
        threads=2,
        cwd=BENCH.parent,
        folder=tmp_path,
    ) as running:
        stats = Stats()

        deadline = time.monotonic() + 240

        async def kill_one_group() -> None:
            # Some surveys done through both groups first (bounded: a run that fails at
            # once still ends, and then fails the assertions below).
            while (
                stats.completed < 3
                and len(stats.errors) < RESPONDENTS
                and time.monotonic() < deadline
            ):
                await asyncio.sleep(0.05)
            seen["completed_before"] = stats.completed
            await asyncio.to_thread(running.kill, 0)

        one = functools.partial(respondent, link=link)
        asyncio.run(
            run_load(running.port, one, RESPONDENTS, 6, deadline, 0.15, kill_one_group, stats)
        )
        assert running.groups[0].killed and running.groups[1].process.poll() is None
        assert running.proxy is not None and running.proxy.poll() is None

    # The kill fell mid-run: surveys were completed before it and after it.
    assert 3 <= seen["completed_before"] < RESPONDENTS
    assert stats.errors == [], stats.errors[:3]
    assert stats.completed == RESPONDENTS
    assert bench.check(db_url, stats, RESPONDENTS) == []
    client = redis.Redis.from_url(redis_url)
    try:
        counted = list(client.scan_iter(f"*{prefix}*"))  # the groups' shared rate limits
        assert counted
        client.delete(*counted)
    finally:
        client.close()
