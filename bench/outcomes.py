"""Benchmark: a wave's case outcomes and AAPOR rates at national scale.

Fills (once) a database with one wave of `--cases` respondent cases, half of a unit survey
and half of a person survey, each with a contact and an invitation and, in the shares a real
wave has, a complete or started response, an opt-out, a bounce or an outcome set by staff;
some units also answer by the open link. Then times, each in a fresh process with its peak
memory:

- ``before``: the derivation mel used until December 2026, kept here as the baseline: every
  case, contact and response loaded as an object, the rules applied case by case;
- ``outcomes``: `mel.services.fieldwork.outcomes.current_outcomes`, each case's outcome
  by one query (the facts and the rules in SQL), as mailings read them;
- ``status``: `mel.services.fieldwork.status.wave_status`, what the wave's fieldwork page,
  the API, `mel fieldwork status` and the report show (cases counted by the database);
- ``store``: `mel.services.fieldwork.outcomes.refresh` with every automatic outcome to be
  written (rolled back afterwards, so each run stores the same);

and checks that ``before`` and ``status`` give every case the same outcome.

    python bench/outcomes.py                   # 476,250 cases on PostgreSQL
    python bench/outcomes.py --cases 20000 --database-url sqlite:////tmp/outcomes.sqlite
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import resource
import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CHUNK = 20_000
PROGRAMME = "bench-outcomes"


def fill(url: str, cases: int, seed: int = 2026) -> None:
    """Create the wave of `cases` respondent cases in the database at `url`, unless it is there."""
    from sqlalchemy import insert
    from sqlmodel import Session, select

    from mel.db import make_engine, upgrade
    from mel.models import (
        Case,
        Contact,
        Instrument,
        InstrumentVersion,
        Invitation,
        Mail,
        Programme,
        Response,
        Unit,
        Wave,
        utcnow,
    )

    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session:
        if session.exec(select(Programme).where(Programme.code == PROGRAMME)).first():
            return
        programme = Programme(code=PROGRAMME, label_nl="bench", label_en="bench", content_hash="")
        session.add(programme)
        session.flush()
        assert programme.id is not None
        wave = Wave(
            programme_id=programme.id,
            code="w",
            label_nl="w",
            label_en="w",
            year=2025,
            fieldwork_end=date(2025, 6, 30),
        )
        instruments = [
            Instrument(
                programme_id=programme.id,
                code=f"{PROGRAMME}-{kind}",
                title_nl=kind,
                title_en=kind,
                respondent=kind,
            )
            for kind in ("unit", "person")
        ]
        session.add_all([wave, *instruments])
        session.flush()
        versions = [
            InstrumentVersion(instrument_id=i.id or 0, version=1, content_hash="")
            for i in instruments
        ]
        session.add_all(versions)
        session.commit()
        wave_id, programme_id = wave.id, programme.id
        instrument_ids = [i.id for i in instruments]
        version_ids = [v.id for v in versions]
    rng = random.Random(seed)
    started = time.perf_counter()
    units = cases // 2
    rows: dict[Any, list[dict[str, Any]]] = {
        t: [] for t in (Unit, Contact, Invitation, Case, Response, Mail)
    }
    now = utcnow()
    for n in range(cases):
        kind = 0 if n < units else 1  # a unit case, then person cases of the same units
        unit = n % units + 1
        instrument, version = instrument_ids[kind], version_ids[kind]
        if kind == 0:
            rows[Unit].append(
                dict(id=unit, programme_id=programme_id, code=f"u{unit}", name=f"u{unit}",
                     kind="school", stratum=f"s{unit % 12}")
            )  # fmt: skip
        draw = rng.random()
        rows[Contact].append(
            dict(id=n + 1, wave_id=wave_id, instrument_id=instrument, unit_id=unit,
                 email=f"c{n}@bench.invalid", language="nl",
                 opted_out_at=now if 0.50 < draw < 0.53 else None,
                 bounced_at=now if 0.53 < draw < 0.56 else None)
        )  # fmt: skip
        rows[Invitation].append(
            dict(id=n + 1, token_hash=f"{n:064d}", wave_id=wave_id, instrument_id=instrument,
                 unit_id=unit)
        )  # fmt: skip
        staff = 0.56 < draw < 0.57
        rows[Case].append(
            dict(id=n + 1, wave_id=wave_id, instrument_id=instrument,
                 key=f"u:{unit}" if kind == 0 else f"c:{n + 1}", unit_id=unit,
                 contact_id=n + 1, stratum=f"s{unit % 12}", invitation_id=n + 1,
                 outcome="not_eligible" if staff else None,
                 outcome_source="staff" if staff else None)
        )  # fmt: skip
        rows[Mail].append(
            dict(contact_id=n + 1, case_id=n + 1, kind="invitation", status="sent", sent_at=now)
        )
        if draw < 0.50:  # complete 45%, started with answers 3%, without 2%
            status = "complete" if draw < 0.45 else "in_progress"
            answers = {} if 0.48 < draw < 0.50 else {"q": 1}
            open_link = kind == 0 and draw < 0.02  # the unit answered by the open link
            rows[Response].append(
                dict(public_id=f"r{n}", wave_id=wave_id, instrument_version_id=version,
                     unit_id=unit, invitation_id=None if open_link else n + 1,
                     respondent_id=f"p{n}", status=status, answers=answers)
            )  # fmt: skip
    with engine.begin() as connection:
        for table, values in rows.items():
            for start in range(0, len(values), CHUNK):
                connection.execute(insert(table), values[start : start + CHUNK])
        if engine.dialect.name == "postgresql":
            for table in ("unit", "contact", "invitation", "wavecase", "response", "mail"):
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")
    print(f"filled {cases:,} cases in {time.perf_counter() - started:.0f} s", flush=True)
    engine.dispose()


def before(session: Any, wave: Any, today: date) -> dict[int, str | None]:
    """Each case's outcome as mel derived it until December 2026: objects, case by case."""
    from collections import defaultdict

    from sqlalchemy import Text, cast
    from sqlmodel import col, select

    from mel.models import Contact, InstrumentVersion, Response
    from mel.services.fieldwork.outcomes import respondent_cases

    cases = respondent_cases(session, wave)
    contacts = session.exec(select(Contact).where(Contact.wave_id == wave.id)).all()
    by_id = {c.id: c for c in contacts}
    by_unit: dict[tuple, list] = defaultdict(list)
    for contact in contacts:
        by_unit[(contact.instrument_id, contact.unit_id)].append(contact)
    responses = session.exec(
        select(
            Response.invitation_id,
            Response.unit_id,
            InstrumentVersion.instrument_id,
            Response.status,
            cast(Response.answers, Text) != "{}",
        )
        .join(InstrumentVersion, col(InstrumentVersion.id) == Response.instrument_version_id)
        .where(Response.wave_id == wave.id)
    ).all()
    by_invitation = {r[0]: r for r in responses if r[0] is not None}
    by_unit_response: dict[tuple, list] = defaultdict(list)
    for r in responses:
        if r[1] is not None:
            by_unit_response[(r[2], r[1])].append(r)
    found: dict[int, str | None] = {}
    for case in cases:
        if case.key.startswith("c:"):
            own = by_id.get(case.contact_id)
            its = [own] if own else []
            got = [by_invitation[case.invitation_id]] if case.invitation_id in by_invitation else []
        else:
            its = by_unit[(case.instrument_id, case.unit_id)]
            got = by_unit_response.get((case.instrument_id, case.unit_id or 0), [])
            if case.invitation_id in by_invitation:
                got = [*got, by_invitation[case.invitation_id]]
        if case.outcome_source == "staff":
            outcome = case.outcome
        elif any(r[3] == "complete" for r in got):
            outcome = "complete"
        elif any(c.opted_out_at is not None for c in its):
            outcome = "opted_out"
        elif got:
            outcome = "partial" if any(bool(r[4]) for r in got) else "refusal"
        elif its and all(c.bounced_at is not None for c in its):
            outcome = "undeliverable"
        elif wave.fieldwork_end is not None and today > wave.fieldwork_end:
            outcome = "non_contact"
        else:
            outcome = None
        case.outcome = outcome  # as the old code did, in the session only
        found[case.id] = outcome
    return found


def measure(url: str, what: str, today: date) -> tuple[float, float, Any]:
    """Run `what` in this (fresh) process: seconds, peak RSS in MB, and its result."""
    from sqlalchemy import update
    from sqlmodel import Session, select

    from mel.db import make_engine
    from mel.models import Case, Programme, Wave
    from mel.services.fieldwork.outcomes import current_outcomes, refresh
    from mel.services.fieldwork.status import wave_status

    engine = make_engine(url)
    with Session(engine) as session:
        wave = session.exec(select(Wave).join(Programme).where(Programme.code == PROGRAMME)).one()
        if what == "store":  # every automatic outcome to be written anew
            session.execute(
                update(Case)
                .where(Case.wave_id == wave.id, Case.outcome_source == "auto")
                .values(outcome=None, outcome_source=None, outcome_at=None)
            )
        start = time.perf_counter()
        result: Any = None
        if what == "before":
            result = before(session, wave, today)
        elif what == "status":
            status = wave_status(session, wave, today=today)
            result = {i["instrument"]: i["total"]["cases"] for i in status["instruments"]}
        elif what == "outcomes":
            result = current_outcomes(session, wave, today)
        elif what == "store":
            result = refresh(session, wave, today)
            session.flush()
        seconds = time.perf_counter() - start
        session.rollback()
    engine.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return seconds, peak, result


def run(url: str, what: str, today: date) -> tuple[float, float, Any]:
    """`measure` in a fresh process (spawned: nothing imported or cached beforehand)."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(measure, (url, what, today))


def main() -> None:
    """Fill the database if needed, then time each way and compare their outcomes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=476_250)
    parser.add_argument(
        "--database-url",
        help="default: postgresql+psycopg://postgres@127.0.0.1:5432/mel_bench_outcomes_<cases>",
    )
    parser.add_argument("--repeat", type=int, default=2, help="runs of each way")
    args = parser.parse_args()
    url = args.database_url or _postgres(args.cases)
    fill(url, args.cases)
    today = date(2025, 7, 1) + timedelta(days=1)  # fieldwork is over: non-contacts count
    print(f"{'way':<10}{'seconds':>10}{'peak MB':>10}")
    results = {}
    for what in ("before", "outcomes", "status", "store"):
        for _ in range(args.repeat):
            seconds, peak, results[what] = run(url, what, today)
            print(f"{what:<10}{seconds:>10.2f}{peak:>10.0f}", flush=True)
    same = results["before"] == results["outcomes"]
    counts = Counter(results["outcomes"].values())
    print(f"cases per outcome: {dict(sorted(counts.items(), key=str))}")
    print(f"before and now give every case the same outcome: {same}")
    if not same:
        raise SystemExit(1)


def _postgres(cases: int) -> str:
    """A PostgreSQL database for `cases` cases on the local server (made when missing)."""
    from sqlalchemy import create_engine, text

    base = "postgresql+psycopg://postgres@127.0.0.1:5432"
    name = f"mel_bench_outcomes_{cases}"
    admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if not connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
        ).first():
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"{base}/{name}"


if __name__ == "__main__":
    main()
