"""The `progress:` block of programme.yaml is checked against the instrument and pathways."""

from __future__ import annotations

from pathlib import Path

import yaml

from mel.surveys.checks import check_programme
from mel.surveys.loader import load_instrument
from mel.surveys.programme_schema import ProgrammeDefinition

KATAPULT = Path(__file__).parents[2] / "surveys" / "katapult"


def findings(change: dict) -> list[str]:
    data = yaml.safe_load((KATAPULT / "programme.yaml").read_text(encoding="utf-8"))
    data["progress"]["indicators"][0].update(change)
    programme = ProgrammeDefinition.model_validate(data)
    instruments = {
        s.instrument: s
        for s in (load_instrument(KATAPULT / n) for n in ("voortgangsmeting.yaml",
                                                            "impactmeting.yaml"))
    }  # fmt: skip
    return [f"{'.'.join(map(str, where))}: {what}" for where, what in
            check_programme(programme, instruments)]  # fmt: skip


def test_the_shipped_block_is_sound() -> None:
    assert findings({}) == []


def test_unknown_node_question_and_non_numbers_are_named() -> None:
    assert findings({"node": "vakmensen.nergens"}) == [
        "progress.indicators.0.node: unknown pathway node 'vakmensen.nergens'"
    ]
    assert findings({"question": "fte_typo"}) == [
        "progress.indicators.0.question: unknown question 'fte_typo' in 'katapult-voortgang'"
    ]
    assert findings({"question": "studenten_telwijze"}) == [
        "progress.indicators.0.question: 'studenten_telwijze' is select_one, not a number"
    ]
