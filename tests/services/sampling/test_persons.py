"""Persons within units: how many, which (reproducibly), and their inclusion probability."""

from __future__ import annotations

import pytest

from mel.services.sampling import SamplingError
from mel.services.sampling.persons import (
    choose_persons,
    person_probability,
    persons_spec,
    persons_to_invite,
)
from mel.services.sampling.wavefile import Persons, WaveFile
from tests.services.sampling.conftest import wave_dict


def test_how_many_and_which() -> None:
    sample = Persons(size="students", select="sample", per_unit=3)
    every = Persons(size="students")
    assert persons_to_invite(sample, 10) == 3 and persons_to_invite(sample, 2) == 2
    assert persons_to_invite(every, 10) == 10
    keys = [f"p{i}@example.org" for i in range(10)]
    chosen = choose_persons(keys, sample, 7, "school-1")
    assert len(chosen) == 3 and set(chosen) <= set(keys)
    assert choose_persons(list(reversed(keys)), sample, 7, "school-1") == chosen  # order-free
    others = {tuple(choose_persons(keys, sample, 7, f"school-{i}")) for i in range(2, 12)}
    assert len(others) > 1  # each unit its own stream
    assert choose_persons(keys, every, 7, "school-1") == sorted(keys)


def test_probability_and_spec() -> None:
    assert person_probability(0.5, 3, 12) == pytest.approx(0.125)
    assert person_probability(0.5, 12, 12) == 0.5
    with pytest.raises(SamplingError):
        person_probability(0.5, 0, 0)
    data = wave_dict()
    data["instruments"].append(
        {"code": "p", "persons": {"size": "students", "select": "sample", "per_unit": 4}}
    )
    spec = WaveFile.model_validate(data)
    assert persons_spec(spec, "p").per_unit == 4
    with pytest.raises(SamplingError, match="asks units"):
        persons_spec(spec, "test-survey")
    with pytest.raises(SamplingError, match="does not field"):
        persons_spec(spec, "x")
