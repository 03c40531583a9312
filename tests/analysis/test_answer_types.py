"""Answer columns of the newer question types: time, date-time, range, calculate, repeat."""

from __future__ import annotations

import json

import pandas as pd

from mel.data.answers import answer_columns
from mel.surveys.schema import InstrumentDefinition


def definition() -> InstrumentDefinition:
    label = {"nl": "x"}
    return InstrumentDefinition.model_validate(
        {
            "instrument": "t",
            "programme": "p",
            "version": 1,
            "title": label,
            "pages": [
                {
                    "name": "p",
                    "questions": [
                        {"name": "begin", "type": "time", "label": label},
                        {"name": "moment", "type": "datetime", "label": label},
                        {
                            "name": "schaal",
                            "type": "range",
                            "min": 0,
                            "max": 1,
                            "step": 0.25,
                            "label": label,
                        },
                        {
                            "name": "som",
                            "type": "calculate",
                            "calculation": "1 + 1",
                            "label": label,
                        },
                        {
                            "name": "tekst",
                            "type": "calculate",
                            "calculation": "'a'",
                            "label": label,
                        },
                        {
                            "name": "rij",
                            "type": "repeat",
                            "label": label,
                            "questions": [{"name": "n", "type": "integer", "label": label}],
                        },
                    ],
                }
            ],
        }
    )


def test_types_of_the_columns() -> None:
    answers = [
        {
            "begin": "09:15",
            "moment": "2026-04-03T13:30",
            "schaal": 0.75,
            "som": 2,
            "tekst": "a",
            "rij": [{"n": 1}, {"n": 2}],
        },
        {"begin": None, "moment": None, "schaal": None, "som": None, "tekst": None, "rij": []},
        {},
    ]
    texts = [json.dumps(a) for a in answers]
    columns = answer_columns(texts, pd.RangeIndex(3), [definition()])
    assert list(columns.columns) == ["begin", "moment", "schaal", "som", "tekst", "rij__rows"]
    assert columns["begin"].tolist() == ["09:15", None, None]
    assert columns["moment"].iloc[0] == pd.Timestamp("2026-04-03 13:30")
    assert columns["moment"].isna().tolist() == [False, True, True]
    assert columns["schaal"].dtype == float and columns["som"].dtype == float
    assert columns["tekst"].tolist() == ["a", None, None]
    assert columns["rij__rows"].tolist()[:2] == [2.0, 0.0] and pd.isna(columns["rij__rows"][2])
