"""count(), sum(), min(), max(), join() and indexed-repeat() over repeat groups: ODK's
node-set semantics, and where an instrument may read a group's rows."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from mel.surveys.expr import Expression, ExpressionError
from mel.surveys.loader import load_instrument
from mel.surveys.yamlfile import FileProblems
from tests.factories import write_yaml

ROWS = {"naam": "partners", "aantal": "partners", "partners": "partners"}
ANSWERS = {
    "partners": [{"naam": "A", "aantal": 2}, {"naam": "B", "aantal": 5.5}, {"naam": "C"}],
    "gewoon": 4,
}


def value(source: str, answers: dict = ANSWERS) -> object:
    expression = Expression(source)
    expression.bind_rows(ROWS)
    return expression.value(answers)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("count(${partners})", 3.0),  # one node per row
        ("count(${naam})", 3.0),
        ("count(${aantal})", 3.0),  # an unanswered cell is still a node (ODK)
        ("count-non-empty(${aantal})", 2.0),
        ("max(${aantal}, 1)", math.nan),  # an empty node is NaN, as in JavaRosa
        ("join('-', ${naam})", "A-B-C"),
        ("join('-', ${naam}, 'D')", "A-B-C-D"),
        ("indexed-repeat(${naam}, ${partners}, 2)", "B"),
        ("indexed-repeat(${aantal}, ${partners}, 3)", ""),
        ("indexed-repeat(${naam}, ${partners}, 4)", ""),  # no such row
        ("indexed-repeat(${naam}, ${partners}, 0)", ""),
        ("count(${gewoon})", 1.0),  # an ordinary question is a node-set of one
        ("sum(${gewoon})", 4.0),
        ("count(${naam}) > 2 and selected('A B', indexed-repeat(${naam}, ${partners}, 1))", True),
    ],
)
def test_node_sets_as_odk(source: str, expected: object) -> None:
    found = value(source)
    if isinstance(expected, float) and math.isnan(expected):
        assert isinstance(found, float) and math.isnan(found)
    else:
        assert found == expected


def test_sum_is_nan_with_an_empty_cell_and_zero_without_rows() -> None:
    assert math.isnan(value("sum(${aantal})"))  # JavaRosa: '' is NaN, and so the sum
    full = {"partners": [{"aantal": 2}, {"aantal": 5.5}]}
    assert value("sum(${aantal})", full) == 7.5
    assert value("max(${aantal})", full) == 5.5
    assert value("min(${aantal})", full) == 2
    for none in ({}, {"partners": []}, {"partners": None}):
        assert value("count(${naam})", none) == 0
        assert value("sum(${aantal})", none) == 0
        assert math.isnan(value("max(${aantal})", none))
        assert value("join(' ', ${naam})", none) == ""


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("count(1)", "count() reads the rows of a repeat group: write count(${name}) (column 1)"),
        ("1 + sum(2 * ${a})", "sum() reads the rows of a repeat group: write sum(${name})"),
        (
            "indexed-repeat(${a}, 2, 1)",
            "indexed-repeat() reads the rows of a repeat group: "
            "write indexed-repeat(${name}, ${group}, row)",
        ),
        ("count(${a}, ${b})", "count() takes 1 argument(s), not 2"),
    ],
)
def test_node_set_arguments_are_questions(source: str, message: str) -> None:
    with pytest.raises(ExpressionError) as info:
        Expression(source)
    assert str(info.value).startswith(message)


def survey(later: dict, row_rule: str | None = None) -> dict:
    """A roster page and a later page with one question carrying a rule."""
    inner = {"name": "stagiairs", "type": "integer", "label": {"nl": "Stagiairs"}}
    if row_rule:
        inner["required"] = row_rule
    return {
        "instrument": "roster",
        "programme": "test-programme",
        "version": 1,
        "title": {"nl": "Roster"},
        "pages": [
            {
                "name": "rooster",
                "questions": [
                    {
                        "name": "partners",
                        "type": "repeat",
                        "label": {"nl": "Partners"},
                        "questions": [
                            {"name": "naam", "type": "text", "label": {"nl": "Naam"}},
                            inner,
                        ],
                    }
                ],
            },
            {"name": "later", "questions": [{"label": {"nl": "Later"}, **later}]},
        ],
    }


def test_rules_outside_the_group_read_its_rows(tmp_path: Path) -> None:
    later = {
        "name": "totaal",
        "type": "calculate",
        "calculation": "sum(${stagiairs}) div count(${partners})",
        "relevant": "count-non-empty(${naam}) > 0",
    }
    loaded = load_instrument(write_yaml(tmp_path / "s.yaml", survey(later)))
    rule = loaded.question("totaal").calculation
    assert rule is not None
    assert rule.value({"partners": [{"stagiairs": 3}, {"stagiairs": 4}]}) == 3.5
    assert loaded.question("totaal").relevant_now({"partners": [{"naam": "A"}]})
    assert not loaded.question("totaal").relevant_now({"partners": []})
    # a page's dependence on the group counts as on the group's page
    assert [n for _, n, _ in rule.questions()] == ["partners"]


@pytest.mark.parametrize(
    ("later", "row_rule", "message"),
    [
        (
            {"name": "x", "type": "integer", "relevant": "${naam} = 'A'"},
            None,
            "pages[1].questions[0].relevant: ${naam} (column 1) is asked once per row of "
            "repeat 'partners': read it with count(), sum(), min(), max(), join() or "
            "indexed-repeat()",
        ),
        (
            {"name": "x", "type": "integer", "relevant": "${partners} != ''"},
            None,
            "pages[1].questions[0].relevant: ${partners} (column 1) is a repeat group: "
            "count its rows with count(${partners})",
        ),
        (
            {"name": "x", "type": "integer"},
            "count(${naam}) > 1",
            "pages[0].questions[0].questions[1].required: ${naam} (column 7): the rows of "
            "repeat 'partners' cannot be read inside the repeat itself",
        ),
    ],
)
def test_a_group_is_read_as_rows_from_outside_only(
    tmp_path: Path, later: dict, row_rule: str | None, message: str
) -> None:
    with pytest.raises(FileProblems) as info:
        load_instrument(write_yaml(tmp_path / "s.yaml", survey(later, row_rule)))
    assert [str(p).split(": ", 1)[1] for p in info.value.problems] == [message]


def test_a_group_on_a_later_page_is_not_answered_yet(tmp_path: Path) -> None:
    data = survey({"name": "x", "type": "integer"})
    data["pages"][0]["questions"].insert(
        0, {"name": "vooraf", "type": "integer", "label": {"nl": "V"}, "max": 3}
    )
    data["pages"].insert(0, data["pages"].pop(1))
    data["pages"][0]["questions"][0]["relevant"] = "count(${naam}) > 1"
    with pytest.raises(FileProblems) as info:
        load_instrument(write_yaml(tmp_path / "s.yaml", data))
    assert [str(p).split(": ", 1)[1] for p in info.value.problems] == [
        "pages[0].questions[0].relevant: ${naam} (column 7) reads repeat 'partners', which is "
        "not answered before this point"
    ]


def test_a_constraint_on_the_groups_page_reads_its_rows(tmp_path: Path) -> None:
    data = survey({"name": "x", "type": "integer"})
    data["pages"][0]["questions"].append(
        {
            "name": "grootste",
            "type": "integer",
            "label": {"nl": "Grootste"},
            "constraint": {"expression": ". = max(${stagiairs})"},
        }
    )
    loaded = load_instrument(write_yaml(tmp_path / "s.yaml", data))
    rule = loaded.question("grootste").constraint
    assert rule is not None and isinstance(rule.expression, Expression)
    posted = {"partners": [{"stagiairs": 3}, {"stagiairs": 9}]}
    assert rule.expression.holds(posted, 9)
    assert not rule.expression.holds(posted, 3)


def test_position_is_the_row_and_belongs_in_a_rows_rules(tmp_path: Path) -> None:
    loaded = load_instrument(
        write_yaml(
            tmp_path / "s.yaml", survey({"name": "x", "type": "integer"}, "position(..) = 1")
        )
    )
    group = loaded.question("partners")
    assert group.questions is not None
    rule = group.questions[1]
    assert rule.required_now({"__row": 1}) and not rule.required_now({"__row": 2})
    assert not rule.required_now({})  # outside a row: NaN
    later = {"name": "x", "type": "integer", "relevant": "position(..) > 1"}
    with pytest.raises(FileProblems) as info:
        load_instrument(write_yaml(tmp_path / "t.yaml", survey(later)))
    assert [str(p).split(": ", 1)[1] for p in info.value.problems] == [
        "pages[1].questions[0].relevant: position(..) is the number of a row: it only belongs "
        "in the rules of the questions of a repeat group"
    ]
