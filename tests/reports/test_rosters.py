"""The report's roster table: involvements and different companies per sector."""

from __future__ import annotations

import pandas as pd

from mel.reports.rosters import roster_table
from mel.surveys.schema import InstrumentDefinition


def survey() -> InstrumentDefinition:
    return InstrumentDefinition.model_validate(
        {
            "instrument": "r",
            "programme": "p",
            "version": 1,
            "title": {"nl": "R"},
            "choices": {
                "sector": [
                    {"value": "bouw", "label": {"nl": "Bouw", "en": "Construction"}},
                    {"value": "zorg", "label": {"nl": "Zorg", "en": "Care"}},
                ]
            },
            "pages": [
                {
                    "name": "p",
                    "questions": [
                        {
                            "name": "partners",
                            "type": "repeat",
                            "label": {"nl": "Partners"},
                            "questions": [
                                {"name": "partner_naam", "type": "text", "label": {"nl": "Naam"}},
                                {
                                    "name": "partner_sector",
                                    "type": "select_one",
                                    "choices": "sector",
                                    "label": {"nl": "Sector", "en": "Sector"},
                                },
                            ],
                        }
                    ],
                }
            ],
        }
    )


def test_companies_named_twice_count_once_and_small_groups_are_hidden() -> None:
    long = pd.DataFrame(
        {
            "unit": ["a", "b", "c", "a", "d"],
            "partner_naam": ["Smit BV", "smit  bv", "Bos", "Kok", "Visser"],
            "partner_sector": ["bouw", "bouw", "bouw", "bouw", "zorg"],
        }
    )
    definition = survey()
    group = definition.questions()[0]
    table = roster_table(long, definition, group, "en", k=2)
    assert table is not None
    assert table.title == "Different companies by sector"
    assert table.rows == [
        # hidden too: with the total shown it would give away Care (mel.disclosure.protect)
        ["Construction", "–", "–", "–"],
        ["Care", "–", "–", "–"],  # one unit: suppressed
        ["Total", "5", "4", "4"],  # Smit named by two units: one company
    ]
    assert table.data["companies"].tolist()[-1] == 4
