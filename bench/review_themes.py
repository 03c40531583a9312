"""Theme counts and quotes of peer reviews at Katapult's full size.

    python bench/review_themes.py [--units 450] [--waves 3] [--codings 8] [--repeat 3]

Builds a SQLite database with Katapult's peer review published, `--units` pps reviewed in
each of `--waves` rounds and `--codings` codings per review (parts of answers, several
codes on a passage), then times what the themes page and its downloads do: the theme
report (counts under disclosure control, scrubbed pseudonymous quotes), with and without
the breakdown by region, and the two CSVs. The baseline, measured in the same run, is
reading the reviews and their codings alone (what any page of the reviews must do).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sqlmodel import Session, select

from mel.db import make_engine, upgrade
from mel.models import Programme, ReviewCoding, Unit
from mel.services.reviews.coding import codings_of
from mel.services.reviews.passages import codable
from mel.services.reviews.report import counts_csv, quotes_csv, theme_report
from mel.services.reviews.store import review_responses
from mel.surveys.loader import load_codebook

ROOT = Path(__file__).resolve().parents[1]
REGIONS = ["Noord", "Oost", "Zuid", "West", "Midden", "Randstad"]


def build(path: Path, units: int, waves: int, per_review: int, seed: int = 1) -> None:
    """Fill a database with the reviews and codings."""
    import sys

    sys.path.insert(0, str(ROOT))
    from tests.review_factories import add_review, make_wave, publish_review, review_answers

    rng = np.random.default_rng(seed)
    book = load_codebook(ROOT / "surveys" / "katapult" / "codebook.yaml")
    codes = list(book.codes())
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with Session(engine) as session:
        version = publish_review(session)
        programme = session.exec(select(Programme).where(Programme.code == "katapult")).one()
        pps = []
        for i in range(units):
            unit = Unit(
                programme_id=programme.id or 0,
                code=f"pps-{i:04d}",
                name=f"Pps Techniek {i}",
                kind="pps",
                region=REGIONS[i % len(REGIONS)],
            )
            session.add(unit)
            pps.append(unit)
        session.flush()
        for w in range(waves):
            wave = make_wave(session, f"review-{2022 + 2 * w}", 2022 + 2 * w)
            for unit in pps:
                text = (
                    f"Het mkb doet actief mee bij {unit.name}. Contact: Jan de Vries, "
                    "jan@voorbeeld.nl, 06-12345678. De financiering na 2027 is onzeker."
                )
                answers = review_answers(
                    {"bevinding_samenwerking": text, "bevinding_borging": text},
                    [("Financiering regelen", "borging", "Jan de Vries")],
                )
                response = add_review(session, version, wave, unit, answers)
                found = codable(_survey(session, version), answers)
                seen: set[tuple[str, int, int, str]] = set()
                for n in range(per_review):
                    answer = found[int(rng.integers(len(found)))]
                    start = int(rng.integers(0, max(1, len(answer.text) // 2)))
                    end = len(answer.text) - n % 3
                    for code in rng.choice(codes, size=int(rng.integers(1, 3)), replace=False):
                        if (answer.key, start, end, str(code)) in seen:
                            continue
                        seen.add((answer.key, start, end, str(code)))
                        session.add(
                            ReviewCoding(
                                response_id=response.id or 0,
                                answer_key=answer.key,
                                span_start=start,
                                span_end=end,
                                code=str(code),
                                coded_at=datetime.now(UTC),
                            )
                        )
                session.flush()
        session.commit()
    engine.dispose()


_SURVEYS: dict[int, object] = {}


def _survey(session: Session, version_id: int):  # type: ignore[no-untyped-def]
    if version_id not in _SURVEYS:
        from mel.models import InstrumentVersion
        from mel.surveys.publish import load_version

        _SURVEYS[version_id] = load_version(session.get(InstrumentVersion, version_id))
    return _SURVEYS[version_id]


def timed(work: Callable[[], object], repeat: int) -> float:
    """Median wall time of `work`, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    """Build, time, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=450)
    parser.add_argument("--waves", type=int, default=3)
    parser.add_argument("--codings", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "reviews.sqlite"
        start = time.perf_counter()
        build(path, args.units, args.waves, args.codings)
        print(
            f"built {args.units} pps x {args.waves} rounds in {time.perf_counter() - start:.1f} s"
        )
        engine = make_engine(f"sqlite:///{path}")
        book = load_codebook(ROOT / "surveys" / "katapult" / "codebook.yaml")
        with Session(engine) as session:
            programme = session.exec(select(Programme).where(Programme.code == "katapult")).one()
            pid = programme.id or 0
            codings = len(session.exec(select(ReviewCoding.id)).all())
            print(f"{codings} codings")

            def baseline() -> object:
                reviews = review_responses(session, pid)
                return codings_of(session, [r.id for r in reviews])

            def report(by: str | None) -> Callable[[], object]:
                return lambda: theme_report(
                    session, programme, book, secret="s", k=10, by=by, lang="nl"
                )

            built = theme_report(session, programme, book, secret="s", k=10)
            rows = [
                ("baseline: read reviews and codings", timed(baseline, args.repeat)),
                ("theme report", timed(report(None), args.repeat)),
                ("theme report by region", timed(report("region"), args.repeat)),
                ("counts.csv", timed(lambda: counts_csv(built, "nl"), args.repeat)),
                ("quotes.csv", timed(lambda: quotes_csv(built, "nl"), args.repeat)),
            ]
            print(f"{len(built.quotes)} quotes")
        engine.dispose()
    base = rows[0][1]
    for name, seconds in rows:
        print(f"{name:38} {seconds * 1000:9.0f} ms  ({seconds / base:5.1f} x baseline)")


if __name__ == "__main__":
    main()
