"""Where a participant request's CPU goes: mel's survey flow in-process, next to the floor.

Runs the load test's respondents (consent, four pages, final submit, thank-you page)
through Flask's test client, one after another, and times only the app (CPU time inside
the WSGI call, not the test client): per request type for mel, and per request for the
minimal Flask + WTForms + CSRF floor (`floor_app.py`). With `--profile` it also samples
mel's stacks on the CPU timer (SIGPROF, so little distortion from many small calls) and
prints the functions with the largest share, by their own time and with what they call.
No server, no network besides the database and Redis (when `BENCH_REDIS` or the local one
answers); the load test (`load_survey.py`) measures the served figures.

    python bench/survey_profile.py --respondents 300 --backend sqlite --profile
    python bench/survey_profile.py --backend postgresql --pg-url postgresql+psycopg://...
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from load_survey import postgres_database, prepare, server_env  # noqa: E402
from respondents import FLOOR_PAGES, INPUT, page_answers  # noqa: E402

Frame = tuple[str, str, int]


class Sampler:
    """Samples the main thread's stack every `interval` seconds of process CPU time."""

    def __init__(self, interval: float = 0.001) -> None:
        self.stacks: collections.Counter[tuple[Frame, ...]] = collections.Counter()
        self.on = False
        signal.signal(signal.SIGPROF, self._sample)
        signal.setitimer(signal.ITIMER_PROF, interval, interval)

    def _sample(self, _signal: int, frame: FrameType | None) -> None:
        if not self.on:
            return
        stack = []
        while frame is not None and frame.f_code.co_filename != __file__:  # up to the app
            code = frame.f_code
            stack.append((code.co_filename, code.co_name, code.co_firstlineno))
            frame = frame.f_back
        self.stacks[tuple(stack)] += 1

    def report(self, top: int) -> None:
        """Print the functions with the largest share of samples: own time, then inclusive."""
        signal.setitimer(signal.ITIMER_PROF, 0, 0)
        total = sum(self.stacks.values()) or 1
        own: collections.Counter[Frame] = collections.Counter()
        inclusive: collections.Counter[Frame] = collections.Counter()
        for stack, count in self.stacks.items():
            own[stack[0]] += count
            for frame in set(stack):
                inclusive[frame] += count
        print(f"samples {total}")
        for title, counter in (("own time", own), ("inclusive", inclusive)):
            print(f"-- {title}")
            for frame, count in counter.most_common(top):
                print(f"{100 * count / total:5.1f}%  {_name(frame)}")


def _name(frame: Frame) -> str:
    path = frame[0]
    for prefix in (*sys.path[::-1], str(ROOT)):
        if prefix and path.startswith(prefix.rstrip("/") + "/"):
            path = path[len(prefix.rstrip("/")) + 1 :]
    return f"{path}:{frame[2]}({frame[1]})"


class Timed:
    """A WSGI wrapper that records the CPU time of each call under a request label."""

    def __init__(self, app: Callable[..., Any], sampler: Sampler | None = None) -> None:
        self.app, self.sampler = app, sampler
        self.times: dict[str, list[float]] = collections.defaultdict(list)
        self.record = True

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        start = time.process_time()
        if self.sampler is not None:
            self.sampler.on = self.record
        try:
            return self.app(environ, start_response)
        finally:
            if self.sampler is not None:
                self.sampler.on = False
            if self.record:
                path = environ["PATH_INFO"]
                label = "consent" if path.startswith("/s/") else path.rsplit("/", 1)[-1]
                if label.isdigit():
                    label = "page"
                key = f"{environ['REQUEST_METHOD']} {label}"
                self.times[key].append(time.process_time() - start)


def mel_respondent(client: Any, link: str, rng: random.Random) -> None:
    """Fill in the DW survey once, as `respondents.respondent` does."""
    steps_yes = rng.random() < 0.8
    page = client.get(link)
    page = client.post(link, data=dict(INPUT.findall(page.get_data(as_text=True))))
    path = page.headers["Location"]
    while "/p/" in path:
        html = client.get(path).get_data(as_text=True)
        answers = page_answers(path.rsplit("/", 1)[1], rng, steps_yes)
        page = client.post(path, data={**dict(INPUT.findall(html)), **answers, "_action": "next"})
        assert page.status_code == 303, (path, page.status_code)
        path = page.headers["Location"]
    assert "Bedankt!" in client.get(path).get_data(as_text=True)


def floor_respondent(client: Any, rng: random.Random) -> None:
    """Fill in the floor's five pages (11 requests)."""
    path = "/f/1"
    html = client.get(path).get_data(as_text=True)
    for _ in range(FLOOR_PAGES):
        form = {**dict(INPUT.findall(html)), "choice": "kort", "score": str(rng.randint(0, 10))}
        path = client.post(path, data=form).headers["Location"]
        html = client.get(path).get_data(as_text=True)


def run(timed: Timed, respond: Callable[[Any, random.Random], None], count: int) -> None:
    """Let `count` respondents answer, each in a browser of its own."""
    for number in range(count):
        respond(timed_client(timed), random.Random(number))


def timed_client(timed: Timed) -> Any:
    """A fresh test client (cookie jar) of the app `timed` wraps."""
    return timed.flask.test_client()  # type: ignore[attr-defined]


@contextmanager
def database(backend: str, pg_url: str) -> Iterator[str]:
    """Yield a fresh database URL of `backend`."""
    if backend == "postgresql":
        with postgres_database(pg_url) as url:
            yield url
        return
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{folder}/profile.sqlite"


def main() -> None:
    """Time mel's survey requests and the floor's in-process; optionally sample mel."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=200)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--profile", action="store_true", help="sample mel's stacks too")
    parser.add_argument("--top", type=int, default=40, help="functions listed per profile")
    args = parser.parse_args()
    with database(args.backend, args.pg_url) as url:
        link = prepare(url)
        os.environ.update(server_env(url))
        from floor_app import app as floor_flask

        from mel.app import create_app

        mel_flask = create_app()
        sampler = Sampler() if args.profile else None
        mel, floor = Timed(mel_flask.wsgi_app, sampler), Timed(floor_flask.wsgi_app)
        mel.flask, floor.flask = mel_flask, floor_flask  # type: ignore[attr-defined]
        mel_flask.wsgi_app, floor_flask.wsgi_app = mel, floor  # type: ignore[method-assign]
        mel.record = floor.record = False  # warm up: definitions, templates, statements
        run(mel, lambda c, r: mel_respondent(c, link, r), 5)
        run(floor, floor_respondent, 5)
        mel.record = floor.record = True
        for _ in range(2):  # alternately, so that a change in the machine's load hits both
            run(mel, lambda c, r: mel_respondent(c, link, r), args.respondents // 2)
            run(floor, floor_respondent, args.respondents // 2)
        for engine in ("mel.engine", "mel.autocommit_engine", "mel.background_engine"):
            mel_flask.extensions[engine].dispose()
    print(f"{args.respondents} respondents on {args.backend}, CPU per request in the app")
    for key, times in mel.times.items():
        print(f"  mel {key:24s} {1000 * sum(times) / len(times):.3f} ms  ({len(times)})")
    mel_mean = _mean(mel.times)
    floor_mean = _mean(floor.times)
    print(f"mel   {1000 * mel_mean:.3f} ms per request")
    print(f"floor {1000 * floor_mean:.3f} ms per request")
    print(f"mel / floor (app only, no server) {mel_mean / floor_mean:.2f} x")
    if sampler is not None:
        sampler.report(args.top)


def _mean(times: dict[str, list[float]]) -> float:
    every = [t for values in times.values() for t in values]
    return sum(every) / len(every)


if __name__ == "__main__":
    main()
