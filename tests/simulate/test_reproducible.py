"""The same seed gives identical rows (ids included); another seed gives other data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine

from mel.demo import simulate
from tests.simulate.helpers import database, publish

TABLES = (
    "unit",
    "wave",
    "waveinstrument",
    "wavestratum",
    "frameunit",
    "contact",
    "wavecase",
    "invitation",
    "mail",
    "response",
)
# Each run writes its units, wave and contacts files in a folder of its own.
PER_RUN = {"source_path"}
Dump = dict[str, list[dict[str, Any]]]


def _dump(engine: Engine) -> Dump:
    with engine.connect() as connection:
        return {
            table: [
                {k: v for k, v in row._mapping.items() if k not in PER_RUN}
                for row in connection.execute(text(f'SELECT * FROM "{table}" ORDER BY 1, 2'))
            ]
            for table in TABLES
        }


def _simulated(folder: Path, **options: Any) -> Dump:
    folder.mkdir()
    with database("sqlite", folder) as engine:
        publish(engine)
        simulate(engine, scale=0.03, **options)
        return _dump(engine)


def test_same_seed_same_rows(tmp_path: Path) -> None:
    programmes = ["digitale-werkplaatsen", "katapult"]
    first = _simulated(tmp_path / "a", seed=11, programmes=programmes)
    second = _simulated(tmp_path / "b", seed=11, programmes=programmes)
    assert all(first[t] for t in TABLES)
    assert first == second


def test_other_seed_other_data(tmp_path: Path) -> None:
    first = _simulated(tmp_path / "a", seed=11, programmes=["digitale-werkplaatsen"])
    other = _simulated(tmp_path / "b", seed=12, programmes=["digitale-werkplaatsen"])
    for key in ("public_id", "respondent_id"):
        assert not {r[key] for r in first["response"]} & {r[key] for r in other["response"]}
    assert [r["answers"] for r in first["response"]] != [r["answers"] for r in other["response"]]
    assert [r["sampled"] for r in first["frameunit"]] != [r["sampled"] for r in other["frameunit"]]


def test_a_programme_does_not_depend_on_the_others(tmp_path: Path) -> None:
    alone = _simulated(tmp_path / "a", seed=3, programmes=["digitale-werkplaatsen"])
    together = _simulated(tmp_path / "b", seed=3)
    answers = {r["public_id"]: r["answers"] for r in together["response"]}
    assert all(answers.get(r["public_id"]) == r["answers"] for r in alone["response"])
