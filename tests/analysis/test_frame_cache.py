"""The columnar frame cache: equal to a built frame, fresh after every change, shared safely."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from mel.data import frame_cache
from mel.data.frame import build_frame, frame
from mel.db import make_engine, session_scope
from mel.models import FrameUnit, Instrument, InstrumentVersion, Response, Wave
from tests.factories import copy_complete_response

FRAMES = [
    ("katapult", "impactmeting-2025", "katapult-impactmeting"),
    ("digitale-werkplaatsen", "monitor-2025", "dw-impactmonitor"),
    ("techkwadraat", "meting-2025", "tk-leerlingen"),
    ("techkwadraat", "meting-2025", "tk-docenten"),
]
KATAPULT = {
    "programme": "katapult",
    "wave": "impactmeting-2025",
    "instrument": "katapult-impactmeting",
}
PUPILS = {"programme": "techkwadraat", "wave": "meting-2025", "instrument": "tk-leerlingen"}


@pytest.fixture
def cached(demo: Engine, tmp_path: Path) -> Engine:
    """The demo database with a cache folder of its own."""
    frame_cache.use_folder(demo, tmp_path / "frames")
    return demo


def files(engine: Engine) -> list[Path]:
    """The cached frame files of `engine` (no lock or temporary files)."""
    folder = frame_cache.folder_for(engine)
    assert folder is not None
    return sorted(p for p in folder.rglob("*") if p.suffix in (".parquet", ".pickle"))


def same(left: pd.DataFrame, right: pd.DataFrame) -> None:
    """Equal frames, labels and left-out counts."""
    pd.testing.assert_frame_equal(left, right)
    assert dict(left.attrs["variable_labels"]) == dict(right.attrs["variable_labels"])
    assert {k: dict(v) for k, v in left.attrs["value_labels"].items()} == {
        k: dict(v) for k, v in right.attrs["value_labels"].items()
    }
    for key in ("outside_frame", "without_unit", "duplicate_unit", "response_rates"):
        assert str(left.attrs.get(key)) == str(right.attrs.get(key))
    pd.testing.assert_frame_equal(
        left.attrs["sampled_units"].table, right.attrs["sampled_units"].table
    )


@pytest.mark.parametrize(("programme", "wave", "instrument"), FRAMES)
def test_cached_frame_equals_the_built_one(
    cached: Engine, programme: str, wave: str, instrument: str
) -> None:
    names = {"programme": programme, "wave": wave, "instrument": instrument}
    first = frame(cached, **names)
    assert len(files(cached)) == 1
    second = frame(cached, **names)  # read from the Parquet file
    built = build_frame(cached, **names)
    same(second, built)
    same(first, built)


def test_english_labels_are_a_frame_of_their_own(cached: Engine) -> None:
    dutch, english = frame(cached, **KATAPULT), frame(cached, **KATAPULT, language="en")
    assert len(files(cached)) == 2
    same(frame(cached, **KATAPULT, language="en"), english)
    assert dict(dutch.attrs["variable_labels"]) != dict(english.attrs["variable_labels"])


def _complete(engine: Engine, wave: str, instrument: str) -> Response:
    """The first complete response to `instrument` in `wave`."""
    with Session(engine) as session:
        query = (
            select(Response)
            .join(Wave)
            .join(InstrumentVersion, col(InstrumentVersion.id) == Response.instrument_version_id)
            .join(Instrument, col(Instrument.id) == InstrumentVersion.instrument_id)
            .where(Wave.code == wave, Instrument.code == instrument, Response.status == "complete")
            .order_by(col(Response.id))
        )
        found = session.exec(query).first()
        assert found is not None
        return found


def _copy_response(engine: Engine, wave: str, instrument: str) -> None:
    """A new complete response of another respondent of the same unit, as a submission."""
    template = _complete(engine, wave, instrument)
    with session_scope(engine) as session:
        copy_complete_response(session, template)


def test_a_new_response_gives_a_fresh_frame(cached: Engine) -> None:
    before = frame(cached, **PUPILS)
    _copy_response(cached, "meting-2025", "tk-leerlingen")
    after = frame(cached, **PUPILS)
    assert len(after) == len(before) + 1
    same(after, build_frame(cached, **PUPILS))
    assert len(files(cached)) == 1  # the old version's file is gone


def test_an_erased_response_gives_a_fresh_frame(cached: Engine) -> None:
    before = frame(cached, **KATAPULT)
    with session_scope(cached) as session:
        gone = session.get(
            Response, _complete(cached, "impactmeting-2025", "katapult-impactmeting").id
        )
        session.delete(gone)
    after = frame(cached, **KATAPULT)
    assert len(after) == len(before) - 1
    same(after, build_frame(cached, **KATAPULT))


def test_a_frame_built_while_an_answer_is_erased_is_not_left_on_disk(
    cached: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An erasure that commits (and clears the cache) while a frame is being built: the
    file of the older data, written after the clear, is removed at once."""
    import mel.data.frame as frame_module

    real = frame_module.build_frame

    def build_then_erase(engine: Engine, **names: str) -> pd.DataFrame:
        built = real(engine, **names)
        with session_scope(engine) as session:
            gone = session.get(
                Response, _complete(engine, "impactmeting-2025", "katapult-impactmeting").id
            )
            session.delete(gone)
        frame_cache.clear(engine)  # what the erasure does after its commit
        return built

    monkeypatch.setattr(frame_module, "build_frame", build_then_erase)
    before = frame(cached, **KATAPULT)
    assert files(cached) == []
    monkeypatch.setattr(frame_module, "build_frame", real)
    after = frame(cached, **KATAPULT)
    assert len(after) == len(before) - 1
    assert len(files(cached)) == 1


def test_a_frame_change_gives_a_fresh_frame(cached: Engine) -> None:
    before = frame(cached, **KATAPULT)
    answered = _complete(cached, "impactmeting-2025", "katapult-impactmeting")
    with session_scope(cached) as session:
        row = session.exec(
            select(FrameUnit).where(
                FrameUnit.unit_id == answered.unit_id, FrameUnit.wave_id == answered.wave_id
            )
        ).one()
        row.sampled = False
    after = frame(cached, **KATAPULT)
    assert after.attrs["not_sampled"] == before.attrs["not_sampled"] + 1
    same(after, build_frame(cached, **KATAPULT))


def test_a_new_instrument_version_gives_a_fresh_frame(cached: Engine) -> None:
    frame(cached, **KATAPULT)
    old = files(cached)
    with session_scope(cached) as session:
        version = session.get(
            InstrumentVersion,
            _complete(cached, "impactmeting-2025", "katapult-impactmeting").instrument_version_id,
        )
        assert version is not None
        session.add(
            InstrumentVersion(
                instrument_id=version.instrument_id,
                version=version.version + 1,
                definition=version.definition,
                content_hash="new-" + version.content_hash[:40],
            )
        )
    after = frame(cached, **KATAPULT)
    assert files(cached) != old
    same(after, build_frame(cached, **KATAPULT))


def test_saving_an_unfinished_response_keeps_the_cached_frame(cached: Engine) -> None:
    """Exactly: only what a frame holds changes its version, not a page save in progress."""
    frame(cached, **PUPILS)
    stored = files(cached)
    with session_scope(cached) as session:
        busy = session.exec(
            select(Response).where(Response.status != "complete").order_by(col(Response.id))
        ).first()
        assert busy is not None
        busy.answers = {**busy.answers, "extra": 1}
        busy.current_page += 1
    with Session(cached) as session:
        wave_id = session.exec(select(Wave.id).where(Wave.code == "meting-2025")).one()
        version = frame_cache.data_version(session.connection(), wave_id)
    assert stored[0].name == f"{version}.parquet"
    frame(cached, **PUPILS)
    assert files(cached) == stored


@pytest.mark.parametrize("damage", ["cut", "garbage", "empty"])
def test_a_damaged_cache_file_is_ignored_and_rebuilt(cached: Engine, damage: str) -> None:
    frame(cached, **PUPILS)
    (path,) = files(cached)
    content = path.read_bytes()
    broken = {
        "cut": content[: len(content) // 2],
        "garbage": content[:100] + bytes(len(content) - 200) + content[-100:],
        "empty": b"",
    }[damage]
    path.write_bytes(broken)
    same(frame(cached, **PUPILS), build_frame(cached, **PUPILS))
    assert path.read_bytes() == content  # written again, whole


def _child(url: str, folder: str, names: dict[str, str], start: object, queue: object) -> None:
    engine = make_engine(url)
    frame_cache.use_folder(engine, folder)
    start.wait()  # type: ignore[attr-defined]
    queue.put(frame(engine, **names))  # type: ignore[attr-defined]
    engine.dispose()


def test_two_processes_share_one_cache_file(cached: Engine, tmp_path: Path) -> None:
    folder = str(frame_cache.folder_for(cached))
    url = cached.url.render_as_string(hide_password=False)
    context = multiprocessing.get_context("spawn")
    start, queue = context.Event(), context.Queue()
    children = [
        context.Process(target=_child, args=(url, folder, PUPILS, start, queue)) for _ in range(2)
    ]
    for child in children:
        child.start()
    start.set()
    results = [queue.get(timeout=120) for _ in children]
    for child in children:
        child.join(timeout=60)
        assert child.exitcode == 0
    built = build_frame(cached, **PUPILS)
    for result in results:
        same(result, built)
    assert len(files(cached)) == 1
    assert not [p for p in Path(folder).rglob("*.tmp")]
    same(frame(cached, **PUPILS), built)


def test_no_folder_no_cache(demo: Engine) -> None:
    frame_cache.use_folder(demo, "off")
    assert frame_cache.folder_for(demo) is None
    same(frame(demo, **KATAPULT), build_frame(demo, **KATAPULT))
