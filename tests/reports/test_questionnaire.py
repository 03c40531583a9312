"""Skip logic in words for the questionnaire appendix."""

from __future__ import annotations

from mel.reports.questionnaire import condition_words
from mel.surveys.conditions import Condition

QUESTIONS = {"stappen": "Vervolgstappen gezet?", "cijfer": "Cijfer", "hulp": "Onderwerpen"}
CHOICES = {"ja": "Ja", "cyber": "Cybersecurity"}


def words(data: dict, language: str = "nl") -> str:
    return condition_words(Condition.model_validate(data), QUESTIONS, CHOICES, language)


def test_each_operator_in_words() -> None:
    assert (
        words({"question": "stappen", "equals": "ja"}) == "\u2018Vervolgstappen gezet?\u2019 = Ja"
    )
    assert words({"question": "cijfer", "ge": 6}) == "\u2018Cijfer\u2019 \u2265 6"
    assert (
        words({"question": "hulp", "selected": "cyber"})
        == "\u2018Onderwerpen\u2019 omvat Cybersecurity"
    )
    assert words({"question": "cijfer", "answered": True}, "en") == "\u2018Cijfer\u2019 is answered"
    assert words({"question": "stappen", "in": ["ja", "nee"]}) == (
        "\u2018Vervolgstappen gezet?\u2019 is een van Ja, nee"
    )


def test_combinations_in_words() -> None:
    both = {
        "all": [{"question": "stappen", "equals": "ja"}, {"not": {"question": "cijfer", "lt": 5}}]
    }
    assert words(both) == (
        "(\u2018Vervolgstappen gezet?\u2019 = Ja) en (niet (\u2018Cijfer\u2019 < 5))"
    )
    either = {"any": [{"question": "cijfer", "gt": 8}, {"question": "cijfer", "lt": 3}]}
    assert words(either, "en") == "(\u2018Cijfer\u2019 > 8) or (\u2018Cijfer\u2019 < 3)"
