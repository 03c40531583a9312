"""Benchmark: staff KPI pages on the demo database, cold and cached (target < 500 ms).

The KPI page of each programme (`/staff/p/<code>/kpis`) is requested through the Flask
test client: first with an empty dashboard cache (the baseline of this run: every frame
and estimate computed), then again (cached per published data state: the cache key holds
`mel.services.dashboard_cache.fingerprint`, so new answers or a new version make a new
entry), then with a filter. After a response is changed the next request is cold again:
that is timed too, to show the cache never serves stale figures.

    python bench/staff_kpis.py                        # a fresh demo database (mel demo)
    python bench/staff_kpis.py --database demo.sqlite # an existing demo database (a copy
                                                      # is used: an account is added)
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 500.0
PASSWORD = "bench password 123"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def demo(path: Path) -> None:
    """Fill `path` with `mel demo` (its default seed and scale)."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "mel.cli",
            "demo",
            "--no-serve",
            "--database-url",
            f"sqlite:///{path}",
        ],
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )


def timed(client, url: str) -> float:  # type: ignore[no-untyped-def]
    """Milliseconds for one GET of `url` (which must succeed)."""
    start = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def main() -> None:
    """Time the KPI pages and print a table against the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, help="an existing demo SQLite database")
    parser.add_argument("--repeat", type=int, default=5, help="cached requests per page")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="mel-bench-kpis-"))
    path = folder / "demo.sqlite"
    if args.database:
        shutil.copyfile(args.database, path)
    else:
        demo(path)

    from sqlmodel import Session, select

    from mel.app import create_app
    from mel.db import make_engine, session_scope, upgrade
    from mel.models import Programme, Response
    from mel.services import accounts
    from mel.services import dashboard_cache as cache

    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        accounts.create_user(
            session,
            email="bench@mel.example",
            password=PASSWORD,
            role="staff",
            programmes=["*"],
        )
    with Session(engine) as session:
        codes = [p.code for p in session.exec(select(Programme).order_by(Programme.code))]
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "SECRET_KEY": "bench",
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    client = app.test_client()
    page = client.get("/staff/login").text
    token = CSRF.search(page).group(1)  # type: ignore[union-attr]
    client.post(
        "/staff/login",
        data={"email": "bench@mel.example", "password": PASSWORD, "csrf_token": token},
    )
    print(f"staff KPI pages on the demo database ({path.stat().st_size / 1e6:.1f} MB)")
    print(f"{'page':<44}{'cold ms':>10}{'cached ms':>11}{'<500?':>7}")
    worst = 0.0
    for code in codes:
        for query in ("", "?by=province", "?by=sector"):
            target = f"/staff/p/{code}/kpis{query}"
            with cache._CACHE_LOCK:
                cache._CACHE.clear()  # the baseline: nothing computed yet
            cold = timed(client, target)
            warm = statistics.median(timed(client, target) for _ in range(args.repeat))
            worst = max(worst, warm)
            ok = "yes" if warm < TARGET_MS else "NO"
            print(f"{target:<44}{cold:>10.0f}{warm:>11.0f}{ok:>7}")
    # A changed answer changes the fingerprint: the next request computes afresh.
    code = codes[0]
    with session_scope(engine) as session:
        response = session.exec(select(Response).where(Response.status == "complete")).first()
        assert response is not None
        response.updated_at = response.updated_at.replace(microsecond=1)
        session.add(response)
    changed = timed(client, f"/staff/p/{code}/kpis")
    again = timed(client, f"/staff/p/{code}/kpis")
    print(f"after a changed response ({code}): {changed:.0f} ms, then {again:.0f} ms cached")
    print(f"slowest cached page: {worst:.0f} ms (target < {TARGET_MS:.0f} ms)")
    engine.dispose()
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
