"""XLSForm features the engine has: each converts, validates and comes back from export."""

from __future__ import annotations

from pathlib import Path

import pytest

from mel.surveys.expr import Expression
from mel.surveys.loader import load_instrument
from mel.surveys.xlsform.convert import XlsformResult, convert_xlsform
from mel.surveys.xlsform.export import export_xlsform
from tests.surveys.xlsform_features import CHOICES, HEAD, SETTINGS, row, write


def notes(result: XlsformResult) -> list[tuple[str, str]]:
    return [(p.location, p.message) for p in result.unconverted]


@pytest.fixture
def converted(tmp_path: Path) -> XlsformResult:
    return convert_xlsform(write(tmp_path / "features.xlsx"), programme="katapult")


def test_only_the_nested_repeat_is_listed(converted: XlsformResult) -> None:
    assert converted.valid
    assert notes(converted) == [
        (
            "survey row 21",
            "repeat 'contacten' inside repeat 'partners' not converted: mel has no nested repeats",
        ),
        ("survey row 22", "text 'contact' not converted: inside nested repeat 'contacten'"),
    ]


def test_each_feature_converts_and_loads(tmp_path: Path, converted: XlsformResult) -> None:
    path = tmp_path / "features.yaml"
    path.write_text(converted.to_yaml(), encoding="utf-8")
    survey = load_instrument(path)
    assert [q.type for q in survey.pages[0].questions][-3:] == ["time", "datetime", "range"]
    assert survey.question("tevreden").steps() == [0, 2, 4, 6, 8, 10]
    assert str(survey.question("gemeente").choice_filter) == "provincie = ${provincie}"
    assert [c.attributes for c in survey.choices["gemeente"]] == [
        {"provincie": "ut"},
        {"provincie": "ut"},
        {"provincie": "nh"},
    ]
    assert survey.question("per_tien").calculation == Expression("${werknemers} div 10")
    mkb = survey.question("mkb")
    assert mkb.required == Expression("${werknemers} > 0")
    assert mkb.relevant == Expression("${werknemers} + 1 > 1")
    assert mkb.constraint is not None
    assert mkb.constraint.expression == Expression(". <= ${werknemers}")
    assert mkb.label.nl == "Hoeveel van de ${werknemers} werknemers werken in het mkb?"
    assert survey.choices["jn"][0].label.nl == "Ja, ik ben ${naam}"
    partners = survey.question("partners")
    assert partners.type == "repeat"
    assert partners.repeat_count == Expression("${aantal_partners}")
    assert [q.name for q in partners.questions or []] == ["partner_naam", "partner_provincie"]


def test_import_export_import_gives_the_same_instrument(
    tmp_path: Path, converted: XlsformResult
) -> None:
    first = tmp_path / "first.yaml"
    first.write_text(converted.to_yaml(), encoding="utf-8")
    original = load_instrument(first)
    export_xlsform(original, tmp_path / "again.xlsx")
    again = convert_xlsform(tmp_path / "again.xlsx")
    assert again.unconverted == [] and again.valid
    second = tmp_path / "second.yaml"
    second.write_text(again.to_yaml(), encoding="utf-8")
    assert load_instrument(second).model_dump() == original.model_dump()


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (
            {"calculation": "jr:choice-name(${naam}, '${naam}')"},
            "calculation \"jr:choice-name(${naam}, '${naam}')\" not converted (outside mel's "
            "expressions: unknown function jr:choice-name() (column 1))",
        ),
        (
            {"calculation": "format-date(today(), '%Y')"},
            "calculation \"format-date(today(), '%Y')\" not converted (outside mel's "
            "expressions: unknown function format-date() (column 1))",
        ),
        (
            {"calculation": "once(${naam})"},
            "calculation 'once(${naam})' not converted (outside mel's expressions: "
            "unknown function once() (column 1))",
        ),
        (
            {"calculation": "/data/naam"},
            "calculation '/data/naam' not converted (outside mel's expressions: paths are not "
            "supported: write a question as ${name} (column 1))",
        ),
    ],
)
def test_a_calculation_mel_cannot_read_is_listed(
    tmp_path: Path, cells: dict, expected: str
) -> None:
    survey = [HEAD, row("text", "naam", "Naam"), row("calculate", "berekend", **cells)]
    path = write(tmp_path / "f.xlsx", {"survey": survey, "settings": SETTINGS})
    result = convert_xlsform(path, programme="katapult")
    assert notes(result) == [
        ("survey row 3", expected),
        (
            "survey row 3",
            "calculate 'berekend' not converted: its calculation is missing or not converted",
        ),
    ]
    assert result.valid


def test_a_choice_filter_mel_cannot_read_is_listed_and_all_choices_offered(
    tmp_path: Path,
) -> None:
    survey = [
        HEAD,
        row("select_one provincie", "provincie", "Provincie"),
        row("select_one gemeente", "gemeente", "Gemeente", choice_filter="instance('x')/a = 1"),
    ]
    sheets = {"survey": survey, "choices": CHOICES, "settings": SETTINGS}
    result = convert_xlsform(write(tmp_path / "f.xlsx", sheets), programme="katapult")
    assert [where for where, _ in notes(result)] == ["survey row 3"]
    assert notes(result)[0][1].startswith("choice_filter \"instance('x')/a = 1\" not converted")
    assert "choice_filter" not in result.definition["pages"][0]["questions"][1]
    assert result.valid


def test_a_repeat_count_mel_cannot_read_is_listed(tmp_path: Path) -> None:
    survey = [
        HEAD,
        row("integer", "n", "Aantal"),
        row("begin repeat", "rij", "Rijen", repeat_count="count(/data/x)"),
        row("text", "wie", "Wie"),
        row("end repeat"),
    ]
    path = write(tmp_path / "f.xlsx", {"survey": survey, "settings": SETTINGS})
    result = convert_xlsform(path, programme="katapult")
    assert [where for where, _ in notes(result)] == ["survey row 3"]
    assert notes(result)[0][1].startswith("repeat_count 'count(/data/x)' not converted")
    assert result.valid  # an "add another" repeat instead, and listed


def test_a_constraint_with_limits_and_an_expression_comes_back(tmp_path: Path) -> None:
    yaml_text = """
instrument: grenzen
programme: katapult
version: 1
title: {nl: Grenzen}
pages:
  - name: een
    questions:
      - {name: totaal, type: integer, label: {nl: Totaal}}
  - name: twee
    questions:
      - name: deel
        type: integer
        label: {nl: Deel}
        constraint: {min: 0, max: 100, expression: ". <= ${totaal}", message: {nl: Te veel}}
      - {name: klaar, type: yes_no, label: {nl: Klaar?},
         relevant: "${totaal} > 2 and ${totaal} != ''"}
"""
    path = tmp_path / "grenzen.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    original = load_instrument(path)
    export_xlsform(original, tmp_path / "grenzen.xlsx")
    result = convert_xlsform(tmp_path / "grenzen.xlsx")
    assert result.unconverted == []
    again = tmp_path / "again.yaml"
    again.write_text(result.to_yaml(), encoding="utf-8")
    assert load_instrument(again).model_dump() == original.model_dump()


def test_a_repeat_in_a_group_reads_its_own_row_and_splits_the_page(tmp_path: Path) -> None:
    survey = [
        HEAD,
        row("begin group", "g", "G"),
        row("text", "naam", "Naam"),
        row("select_one jn", "ok", "Ok?"),  # 4: its choice label pipes ${naam}
        row("integer", "n", "Aantal"),
        row("begin repeat", "r", "Rij van ${naam}", repeat_count="${n}"),  # 6
        row("text", "x", "X"),
        row("integer", "y", "Y", constraint=". < ${n}", required="${x} != ''"),
        row("end repeat"),
        row("end group"),
        row("text", "na", "Na ${x}"),  # 11
    ]
    sheets = {"survey": survey, "choices": CHOICES, "settings": SETTINGS}
    result = convert_xlsform(write(tmp_path / "f.xlsx", sheets), programme="katapult")
    split = "its piped text or repeat count refers to {} on the same page"
    assert notes(result) == [
        (
            "survey row 4",
            f"page 'g' split before 'ok': {split.format('naam')} "
            "(mel conditions refer to earlier pages)",
        ),
        (
            "survey row 6",
            f"page 'g_2' split before 'r': {split.format('n')} "
            "(mel conditions refer to earlier pages)",
        ),
        ("survey row 11", "label: ${x} not piped (${x} is inside repeat 'r'); shown as 'x'"),
    ]
    assert result.valid
    path = tmp_path / "f.yaml"
    path.write_text(result.to_yaml(), encoding="utf-8")
    repeat = load_instrument(path).question("r")
    assert repeat.questions is not None
    assert str(repeat.questions[1].required) == "${x} != ''"
    assert [p["name"] for p in result.definition["pages"]] == ["g", "g_2", "g_3", "page_4"]


def test_pyxform_accepts_the_exported_features(tmp_path: Path, converted: XlsformResult) -> None:
    pyxform = pytest.importorskip("pyxform.xls2xform")
    path = tmp_path / "features.yaml"
    path.write_text(converted.to_yaml(), encoding="utf-8")
    export_xlsform(load_instrument(path), tmp_path / "features.xlsx")
    xform = pyxform.convert(xlsform=str(tmp_path / "features.xlsx"), validate=False).xform
    assert (
        '<repeat nodeset="/data/page_3/partners" jr:count=" /data/gegevens/aantal_partners ">'
        in xform
    )
    assert 'calculate=" /data/gegevens/werknemers  div 10"' in xform
    assert "item[provincie =  /data/gegevens/provincie ]" in xform  # the choice filter


def test_count_and_sum_over_a_repeat_import_and_a_bare_row_question_is_listed(
    tmp_path: Path,
) -> None:
    survey = [
        HEAD,
        row("begin repeat", "Partners", "Partners"),
        row("text", "partner_naam", "Naam"),
        row("integer", "Stagiairs", "Stagiairs"),
        row("text", "verschil", "Verschil", relevant="position(..) > 1"),
        row("integer", "extra", "Extra", required="count(${Stagiairs}) > 1"),  # 6
        row("end repeat"),
        row("calculate", "totaal", calculation="sum(${Stagiairs})"),  # 8
        row("calculate", "tweede", calculation="indexed-repeat(${partner_naam}, ${Partners}, 2)"),
        row("integer", "zelf", "Zelf", constraint=". <= max(${Stagiairs})"),
        row("text", "meer", "Meer", relevant="count(${Partners}) > 1"),
        row("text", "fout", "Fout", relevant="${Stagiairs} > 1"),  # 12
        row("text", "fout2", "Fout", relevant="${Partners} != ''"),
        row("text", "fout3", "Fout", relevant="position(..) = 1"),
    ]
    sheets = {"survey": survey, "choices": CHOICES, "settings": SETTINGS}
    result = convert_xlsform(write(tmp_path / "f.xlsx", sheets), programme="katapult")
    inside = (
        "${Stagiairs} is inside repeat 'partners' (mel reads a repeat's rows with count(), "
        "sum(), min(), max(), join() or indexed-repeat())"
    )
    assert [n for n in notes(result) if "renamed" not in n[1]] == [
        (
            "survey row 6",
            "required 'count(${Stagiairs}) > 1' not converted (${Stagiairs}: the rows of "
            "repeat 'partners' are not read inside it); the question is optional",
        ),
        ("survey row 12", f"relevant '${{Stagiairs}} > 1' not converted ({inside}); always shown"),
        (
            "survey row 13",
            "relevant \"${Partners} != ''\" not converted (${Partners} is a repeat: count its "
            "rows with count()); always shown",
        ),
        (
            "survey row 14",
            "relevant 'position(..) = 1' not converted (position(..) is only read in the rules "
            "of a repeat's questions); always shown",
        ),
    ]
    assert result.valid
    path = tmp_path / "f.yaml"
    path.write_text(result.to_yaml(), encoding="utf-8")
    loaded = load_instrument(path)
    assert str(loaded.question("totaal").calculation) == "sum(${stagiairs})"
    assert str(loaded.question("tweede").calculation) == (
        "indexed-repeat(${partner_naam}, ${partners}, 2)"
    )
    assert str(loaded.question("meer").relevant) == "count(${partners}) > 1"
    partners = loaded.question("partners").questions or []
    assert str(partners[2].relevant) == "position(..) > 1"
    zelf = loaded.question("zelf").constraint
    assert zelf is not None and str(zelf.expression) == ". <= max(${stagiairs})"
    rows = {"partners": [{"partner_naam": "A", "stagiairs": 1}, {"partner_naam": "B"}]}
    assert loaded.question("meer").relevant_now(rows)
    assert loaded.question("tweede").calculation.value(rows) == "B"  # type: ignore[union-attr]


def test_aggregates_over_a_repeat_round_trip(tmp_path: Path) -> None:
    source = Path(__file__).parents[1] / "web" / "data" / "aggregates.yaml"
    original = load_instrument(source)
    export_xlsform(original, tmp_path / "aggregates.xlsx")
    result = convert_xlsform(tmp_path / "aggregates.xlsx")
    assert result.unconverted == []
    again = tmp_path / "again.yaml"
    again.write_text(result.to_yaml(), encoding="utf-8")
    assert load_instrument(again).model_dump() == original.model_dump()
    pyxform = pytest.importorskip("pyxform.xls2xform")  # ODK reads them as node-sets
    xform = pyxform.convert(xlsform=str(tmp_path / "aggregates.xlsx"), validate=False).xform
    assert 'calculate="sum( /data/partners_page/partners/stagiairs )"' in xform
    assert 'relevant="position(..) &gt; 1"' in xform
