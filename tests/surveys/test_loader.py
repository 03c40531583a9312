"""The loader turns files into typed definitions and locates every problem."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from mel.surveys.conditions import evaluate
from mel.surveys.loader import load_catalogue, load_instrument
from mel.surveys.yamlfile import FileProblems
from tests.factories import programme_dict, survey_dict, write_catalogue, write_yaml


def date_question(**limits: object) -> dict[str, object]:
    """A date question with the given min/max."""
    return {"name": "datum", "type": "date", "label": {"nl": "Datum"}, **limits}


def problems_of(path: Path) -> list[str]:
    with pytest.raises(FileProblems) as info:
        load_instrument(path)
    return [str(p) for p in info.value.problems]


def test_valid_survey_loads(tmp_path: Path) -> None:
    survey = load_instrument(write_yaml(tmp_path / "s.yaml", survey_dict()))
    assert [q.name for q in survey.questions()] == ["cijfer", "verder", "toelichting"]
    assert survey.question("cijfer").bounds() == (1, 10)
    assert survey.title.get("en") == "Test survey"


def test_real_surveys_validate(surveys_dir: Path) -> None:
    catalogue = load_catalogue([surveys_dir])
    assert catalogue.problems == []
    assert set(catalogue.programmes) == {"katapult", "digitale-werkplaatsen", "techkwadraat"}
    assert len(catalogue.instruments) >= 5


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda s: s["pages"][0]["questions"][0].update(type="slider"),
            ":24: pages[0].questions[0].type: unknown value 'slider'; expected one of 'select_one'",
        ),
        (
            lambda s: s["pages"][1]["questions"][0].update(name="cijfer"),
            "pages[1].questions[0].name: duplicate question name 'cijfer'",
        ),
        (
            lambda s: s["pages"][1]["relevant"].update(question="bestaat_niet"),
            "pages[1].relevant.question: refers to unknown question 'bestaat_niet'",
        ),
        (
            lambda s: s["pages"][0]["questions"][1].update(choices="onbekend"),
            "pages[0].questions[1].choices: unknown choice list 'onbekend'",
        ),
        (
            lambda s: s["pages"][0]["questions"][0].update(min=11),
            "pages[0].questions[0].min: min (11) is greater than max (10)",
        ),
        (
            lambda s: s["pages"][0]["questions"][0]["label"].pop("nl"),
            "pages[0].questions[0].label.nl: missing required field 'nl'",
        ),
        (
            lambda s: s["pages"][0]["questions"][0].update(label="Cijfer"),
            "pages[0].questions[0].label: needs language keys",
        ),
        (
            lambda s: s["pages"][1]["relevant"].update(equals="misschien"),
            "pages[1].relevant.equals: value 'misschien' is not in choice list 'ja_nee'",
        ),
        (
            lambda s: s["pages"][0]["questions"][0].update(lable="x"),
            "pages[0].questions[0].lable: unknown field 'lable'",
        ),
        (
            lambda s: s.update(address_form="jij"),
            "address_form: unknown value 'jij'; expected one of 'je' or 'u'",
        ),
        (
            lambda s: s["pages"][1]["questions"].append(date_question(min="2020-13-01")),
            "pages[1].questions[1].min: expected a number, a date like 2025-12-31 or 'today', "
            "not '2020-13-01'",
        ),
        (
            lambda s: s["pages"][1]["questions"].append(date_question(min=2020)),
            "pages[1].questions[1]: 'min'/'max' of a date question are dates like 2025-12-31",
        ),
        (
            lambda s: s["pages"][0]["questions"][0].update(max="today"),
            "pages[0].questions[0]: 'min'/'max' of a rating question are numbers",
        ),
        (
            lambda s: s["pages"][1]["questions"].append(
                date_question(min=date(2025, 1, 1), max=date(2024, 12, 31))
            ),
            "pages[1].questions[1].min: min (2025-01-01) is greater than max (2024-12-31)",
        ),
    ],
)
def test_each_problem_is_located(tmp_path: Path, change, expected: str) -> None:
    data = survey_dict()
    change(data)
    path = write_yaml(tmp_path / "s.yaml", data)
    found = problems_of(path)
    assert len(found) == 1, found
    assert found[0].startswith(str(path) + ":")
    assert expected in found[0]


def test_date_limits_and_address_form(tmp_path: Path) -> None:
    data = survey_dict(address_form="je")
    data["pages"][1]["questions"] += [
        date_question(min=date(2019, 1, 1), max="today"),  # written unquoted, read as a date
        {**date_question(), "name": "open"},
    ]
    survey = load_instrument(write_yaml(tmp_path / "s.yaml", data))
    assert "min: 2019-01-01" in (tmp_path / "s.yaml").read_text()
    today = date(2025, 6, 30)
    assert survey.question("datum").date_bounds(today) == (date(2019, 1, 1), today)
    assert survey.question("open").date_bounds(today) == (date(1900, 1, 1), date(2100, 12, 31))
    assert survey.question("datum").bounds() == (None, None)
    assert survey.address == "je"
    assert load_instrument(write_yaml(tmp_path / "u.yaml", survey_dict())).address == "u"


def test_relevant_on_a_later_question_is_refused(tmp_path: Path) -> None:
    data = survey_dict()
    data["pages"][0]["questions"][0]["relevant"] = {"question": "toelichting", "answered": True}
    found = problems_of(write_yaml(tmp_path / "s.yaml", data))
    assert found == [
        f"{tmp_path / 's.yaml'}:32: pages[0].questions[0].relevant.question: "
        "refers to question 'toelichting' which is not on an earlier page"
    ]


def test_several_problems_are_all_reported(tmp_path: Path) -> None:
    data = survey_dict()
    data["pages"][0]["questions"][0]["type"] = "slider"
    data["pages"][0]["questions"][1]["label"] = {"en": "No Dutch"}
    assert len(problems_of(write_yaml(tmp_path / "s.yaml", data))) == 2


def test_yes_and_no_stay_strings(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    write_yaml(path, survey_dict())
    text = path.read_text().replace("value: ja", "value: yes").replace("value: nee", "value: no")
    text = text.replace("equals: ja", "equals: yes")
    path.write_text(text)
    survey = load_instrument(path)
    assert [c.value for c in survey.choices["ja_nee"]] == ["yes", "no"]


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("instrument: x\npages: [\n  - {name: a\n")
    [message] = problems_of(path)
    assert message.startswith(f"{path}:") and "invalid YAML" in message


def test_duplicate_yaml_key_is_reported(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "s.yaml", survey_dict())
    path.write_text(path.read_text().replace("version: 1\n", "version: 1\nversion: 2\n"))
    assert any("duplicate key 'version'" in p for p in problems_of(path))


def test_catalogue_checks_kpis_against_instruments(tmp_path: Path) -> None:
    programme = programme_dict()
    programme["kpis"][0]["question"] = "bestaat_niet"
    write_catalogue(tmp_path, programme=programme)
    catalogue = load_catalogue([tmp_path])
    assert [p.location for p in catalogue.problems] == ["kpis[0].question"]
    assert "unknown question 'bestaat_niet'" in catalogue.problems[0].message


def test_catalogue_reports_unknown_programme(tmp_path: Path) -> None:
    write_catalogue(tmp_path, survey=survey_dict(programme="elders"))
    messages = [p.message for p in load_catalogue([tmp_path]).problems]
    assert any("unknown programme 'elders'" in m for m in messages)
    assert any("belongs to programme 'elders'" in m for m in messages)


def test_missing_path_is_a_problem(tmp_path: Path) -> None:
    catalogue = load_catalogue([tmp_path / "nope.yaml"])
    assert [p.message for p in catalogue.problems] == ["no such file or folder"]


@pytest.mark.parametrize(
    ("relevant", "answers", "expected"),
    [
        ({"question": "a", "equals": "x"}, {"a": "x"}, True),
        ({"question": "a", "equals": "x"}, {}, False),
        ({"question": "a", "not_equals": "x"}, {}, True),
        ({"question": "n", "ge": 6}, {"n": 6}, True),
        ({"question": "n", "lt": 6}, {"n": "7"}, False),
        ({"question": "m", "selected": "b"}, {"m": ["a", "b"]}, True),
        ({"question": "a", "in": ["x", "y"]}, {"a": "y"}, True),
        ({"question": "a", "answered": True}, {"a": ""}, False),
        (
            {"all": [{"question": "a", "equals": "x"}, {"question": "n", "gt": 1}]},
            {"a": "x", "n": 2},
            True,
        ),
        (
            {"any": [{"question": "a", "equals": "z"}, {"question": "n", "gt": 1}]},
            {"a": "x", "n": 0},
            False,
        ),
        ({"not": {"question": "a", "equals": "x"}}, {"a": "y"}, True),
        ({"question": "b", "equals": True}, {"b": True}, True),
    ],
)
def test_conditions(relevant: dict, answers: dict, expected: bool) -> None:
    from mel.surveys.conditions import Condition

    assert evaluate(Condition.model_validate(relevant), answers) is expected


DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parents[2]


def _expected(folder: Path) -> list[str]:
    lines = (folder / "expected.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


@pytest.mark.parametrize("path", sorted((DATA / "broken").glob("*.yaml")), ids=lambda p: p.stem)
def test_each_broken_file_gives_exactly_its_expected_message(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    relative = path.relative_to(ROOT)
    expected = [line for line in _expected(DATA / "broken") if line.startswith(f"{relative}:")]
    assert len(expected) == 1
    assert problems_of(relative) == expected


def test_broken_programme_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    catalogue = load_catalogue([Path("tests/surveys/data/broken_programme")])
    assert [str(p) for p in catalogue.problems] == _expected(DATA / "broken_programme")


def test_minimal_survey_has_every_question_type() -> None:
    from mel.surveys.schema import QUESTION_TYPES

    catalogue = load_catalogue([DATA / "minimal.yaml", DATA / "minimal"])
    assert catalogue.problems == []
    [(_, survey)] = catalogue.instruments.values()
    assert {q.type for q in survey.questions()} == set(QUESTION_TYPES)
