"""Every shipped instrument exports to Stata and SPSS: valid, stable, labelled names."""

from __future__ import annotations

import re
from pathlib import Path

import pyreadstat
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from mel.models import Instrument, Programme, Wave, WaveInstrument
from mel.services import exports as export
from mel.settings import project_path
from mel.surveys.loader import load_catalogue

STATA_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,31}$")
SHIPPED = sorted(load_catalogue([project_path("surveys")]).instruments)


def waves_of(engine: Engine, instrument: str) -> list[tuple[str, str]]:
    """(programme, wave) of every wave that fields `instrument`."""
    with Session(engine) as session:
        return list(
            session.exec(
                select(Programme.code, Wave.code)
                .join(Wave, Wave.programme_id == Programme.id)
                .join(WaveInstrument, WaveInstrument.wave_id == Wave.id)
                .join(Instrument, Instrument.id == WaveInstrument.instrument_id)
                .where(Instrument.code == instrument)
                .order_by(Wave.code)
            ).all()
        )


@pytest.mark.parametrize("instrument", SHIPPED)
def test_stata_file_of_every_shipped_instrument(
    simulated_with_reviews: Engine, tmp_path: Path, instrument: str
) -> None:
    names_per_wave = []
    for programme, wave in waves_of(simulated_with_reviews, instrument):
        built = export.build_export(
            simulated_with_reviews, programme=programme, wave=wave, instrument=instrument
        )
        path = tmp_path / f"{wave}.dta"
        path.write_bytes(export.write(built, "dta"))
        data, meta = pyreadstat.read_dta(str(path))
        book = export.codebook(built)
        book = book[book["table"] == "data"].set_index("variable")  # not the long tables
        names = book["stata_name"].to_dict()
        assert list(data.columns) == [names[c] for c in built.data.columns]
        assert all(STATA_NAME.match(n) for n in data.columns), data.columns
        assert len(set(data.columns)) == len(data.columns)
        labels = meta.column_names_to_labels
        for column, name in names.items():
            label = str(book.loc[column, "label"])
            if name != column:  # shortened: the full name leads the variable label
                assert labels[name].startswith(f"{column}: "), (column, labels[name])
            elif len(label) <= 80:
                assert labels[name] == label
            else:
                assert labels[name] == label[:79] + "\u2026"
        for column, name in names.items():  # renamed only when too long for Stata
            limit = 28 if built.value_labels.get(column) else 32
            assert (name != column) == (len(column) > limit), column
        assert len(data) == len(built.data) > 0
        names_per_wave.append(names)
    assert names_per_wave, f"no wave fields {instrument}"
    first = names_per_wave[0]
    for names in names_per_wave[1:]:  # the same column has the same name in every wave
        assert all(names[c] == first[c] for c in set(names) & set(first))


@pytest.mark.parametrize("instrument", SHIPPED)
def test_spss_file_of_every_shipped_instrument(
    simulated_with_reviews: Engine, tmp_path: Path, instrument: str
) -> None:
    programme, wave = waves_of(simulated_with_reviews, instrument)[-1]
    built = export.build_export(
        simulated_with_reviews, programme=programme, wave=wave, instrument=instrument
    )
    path = tmp_path / "x.sav"
    path.write_bytes(export.write(built, "sav"))
    data, meta = pyreadstat.read_sav(str(path))
    assert list(data.columns) == list(built.data.columns)  # SPSS takes every name as it is
    survey = load_catalogue([project_path("surveys")]).instruments[instrument][1]
    with_other = [q.name for q in survey.questions() if q.has_other and q.type == "select_one"]
    for name in with_other:  # "other" is a coded choice, not a missing value
        codes = meta.variable_value_labels[name]
        assert "Anders" in codes.values()
        assert f"{name}__other_text" in data.columns
