"""Survey texts in further languages: keys checked, fallback, the languages a survey carries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from mel.i18n import interface_language, translate
from mel.surveys.language_checks import texts
from mel.surveys.languages import direction, is_language, language_name
from mel.surveys.loader import load_instrument
from mel.surveys.text import LocalText
from mel.surveys.yamlfile import FileProblems
from tests.factories import survey_dict, write_yaml


def _all_texts(value: Any, code: str, text: str) -> None:
    """Give every text in a survey dict a `code` version."""
    if isinstance(value, dict):
        if "nl" in value and isinstance(value["nl"], str):
            value[code] = f"{text}: {value['nl']}"
        for item in value.values():
            _all_texts(item, code, text)
    elif isinstance(value, list):
        for item in value:
            _all_texts(item, code, text)


def _problems(path: Path) -> list[str]:
    with pytest.raises(FileProblems) as info:
        load_instrument(path)
    return [str(p) for p in info.value.problems]


def test_further_languages_by_iso_code_and_the_fallback() -> None:
    text = LocalText.model_validate({"nl": "Ja", "en": "Yes", "tr": "Evet", "ar": "نعم"})
    assert (text.get("tr"), text.get("ar"), text.get("en"), text.get("nl")) == (
        "Evet",
        "نعم",
        "Yes",
        "Ja",
    )
    assert text.languages == {"nl", "en", "tr", "ar"}
    assert text.others == {"tr": "Evet", "ar": "نعم"}
    # A text lacking the language: English, then Dutch.
    assert text.get("pl") == "Yes"
    assert LocalText.model_validate({"nl": "Ja", "tr": "Evet"}).get("uk") == "Ja"
    assert LocalText.model_validate({"nl": "Ja", "tr": "Evet"}).get("en") == "Ja"
    assert text.model_dump(exclude_none=True) == {
        "nl": "Ja",
        "en": "Yes",
        "tr": "Evet",
        "ar": "نعم",
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"nl": "Ja", "xx": "?"}, "unknown language key 'xx'"),
        ({"nl": "Ja", "TR": "Evet"}, "unknown language key 'TR'"),
        ({"nl": "Ja", "tur": "Evet"}, "unknown language key 'tur'"),
        ({"nl": "Ja", "pt-BR": "Sim"}, "unknown language key 'pt-BR'"),
        ({"nl": "Ja", "tr": "  "}, "the tr text is empty"),
        ({"nl": "Ja", "tr": 3}, "the tr text is empty or not text"),
        ({"en": "Yes", "tr": "Evet"}, "nl"),
    ],
)
def test_unknown_or_empty_language_keys_are_refused(data: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message.replace("(", r"\(")):
        LocalText.model_validate(data)


def test_an_unknown_key_in_a_file_is_located(tmp_path: Path) -> None:
    data = survey_dict()
    data["pages"][0]["questions"][0]["label"]["xx"] = "?"
    path = write_yaml(tmp_path / "s.yaml", data)
    found = _problems(path)
    assert len(found) == 1, found
    assert found[0].startswith(f"{path}:")
    assert "pages[0].questions[0].label" in found[0] and "'xx'" in found[0]


def test_the_survey_knows_its_languages(tmp_path: Path) -> None:
    data = survey_dict()
    _all_texts(data, "tr", "TR")
    _all_texts(data, "ar", "AR")
    survey = load_instrument(write_yaml(tmp_path / "s.yaml", data))
    assert survey.languages == ("nl", "en", "ar", "tr")
    assert survey.question("verder").label.get("tr") == "TR: Verder?"
    assert all("tr" in text.languages for _, text in texts(survey))
    plain = load_instrument(write_yaml(tmp_path / "p.yaml", survey_dict()))
    assert plain.languages == ("nl", "en")


def test_a_text_missing_a_carried_language_is_listed_by_path(tmp_path: Path) -> None:
    data = survey_dict()
    _all_texts(data, "tr", "TR")
    del data["pages"][0]["questions"][1]["label"]["tr"]
    del data["choices"]["ja_nee"][1]["label"]["tr"]
    path = write_yaml(tmp_path / "s.yaml", data)
    found = _problems(path)
    assert len(found) == 2, found
    assert all("no text in tr (Türkçe)" in line for line in found)
    assert any("choices.ja_nee[1].label" in line for line in found)
    assert any("pages[0].questions[1].label" in line for line in found)


def test_language_helpers() -> None:
    assert is_language("tr") and is_language("uk") and not is_language("xx")
    assert [direction(c) for c in ("ar", "fa", "he", "ur", "tr", "nl")] == ["rtl"] * 4 + ["ltr"] * 2
    assert (interface_language("nl"), interface_language("en"), interface_language("tr")) == (
        "nl",
        "en",
        "en",
    )
    assert language_name("tr") == "Türkçe" and language_name("pl") == "Polski"
    assert translate("next", "tr") == translate("next", "en")
