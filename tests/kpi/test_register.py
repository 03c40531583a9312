"""Register KPIs: counts and shares checked by hand, the register year, targets, provenance."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from mel.data.registers import import_register
from mel.db import session_scope
from mel.kpi.definitions import published_programme
from mel.kpi.register import MISSING, NO_IMPORT, evaluate_register_kpis
from mel.kpi.status import Status
from mel.surveys.loader import load_catalogue
from mel.surveys.programme_schema import ProgrammeDefinition
from mel.surveys.publish import publish_programme
from tests.factories import (
    REGISTER_CSV,
    programme_dict,
    register_kpis,
    register_source,
    survey_dict,
    write_catalogue,
)


def definition(**changes: object) -> dict:
    parts = {
        "kpis": [],
        "registers": [register_source()],
        "register_kpis": register_kpis("pad.res"),
    }
    return programme_dict(**{**parts, **changes})


@pytest.fixture
def imported(engine: Engine, tmp_path: Path) -> Engine:
    """The test programme published with its register KPIs, and REGISTER_CSV imported."""
    path = tmp_path / "duo.csv"
    path.write_text(REGISTER_CSV, encoding="utf-8")
    with session_scope(engine) as session:
        publish_programme(session, ProgrammeDefinition.model_validate(definition()))
        import_register(session, "duo_test", path, "tester")
    return engine


def evaluate(engine: Engine, year: int) -> dict:
    with Session(engine) as session:
        programme = published_programme(session, "test-programme")
        return {r.kpi.code: r for r in evaluate_register_kpis(session, programme, year)}


def test_count_and_share_by_hand(imported: Engine) -> None:
    results = evaluate(imported, 2025)
    count, share = results["reg_techniek"], results["reg_aandeel"]
    # 2025: 250 + 900 + 90 pupils choose technology, of 1100 + 2900 + 450
    assert (count.year, count.value) == (2025, 1240)
    assert share.value == pytest.approx(1240 / 4450)
    assert (share.numerator, share.denominator) == (1240, 4450)
    assert count.history == ((2024, 1200), (2025, 1240))
    assert share.history[0] == (2024, pytest.approx(1200 / 4500))
    assert share.by["regio"] == [
        ("Gelderland", pytest.approx(900 / 2900)),
        ("Utrecht", pytest.approx(250 / 1100)),
        ("Zeeland", pytest.approx(90 / 450)),
    ]
    # no sampling error: the status compares the figure itself with the target
    assert (count.target, count.status) == (1300, Status.NOT_MET)
    assert (share.target, share.status) == (0.25, Status.MET)
    assert count.version is not None and count.version.version == 1
    assert count.version.imported_by == "tester" and count.source is not None


def test_the_latest_register_year_up_to_the_year_asked(imported: Engine) -> None:
    later = evaluate(imported, 2027)["reg_techniek"]
    # the target is that of the register year shown (2025), not of the year asked
    assert (later.asked, later.year, later.value, later.target) == (2027, 2025, 1240, 1300)
    earlier = evaluate(imported, 2024)["reg_techniek"]
    assert (earlier.year, earlier.value, earlier.status) == (2024, 1200, None)
    none = evaluate(imported, 2020)["reg_aandeel"]
    assert none.value is None and none.note == "no register year up to 2020"


def test_where_selects_rows(engine: Engine, tmp_path: Path) -> None:
    kpis = register_kpis("pad.res")
    kpis[0]["where"] = {"regio": "Utrecht"}
    path = tmp_path / "duo.csv"
    path.write_text(REGISTER_CSV, encoding="utf-8")
    with session_scope(engine) as session:
        publish_programme(
            session, ProgrammeDefinition.model_validate(definition(register_kpis=kpis))
        )
        import_register(session, "duo_test", path, "tester")
    assert evaluate(engine, 2025)["reg_techniek"].value == 250


def test_the_latest_version_is_read(imported: Engine, tmp_path: Path) -> None:
    path = tmp_path / "v2.csv"
    path.write_text(REGISTER_CSV.replace("Zeeland,2025,450,90", "Zeeland,2025,450,100"), "utf-8")
    with session_scope(imported) as session:
        import_register(session, "duo_test", path, "tester")
    result = evaluate(imported, 2025)["reg_techniek"]
    assert result.value == 1250 and result.version is not None and result.version.version == 2


def test_without_an_import(engine: Engine) -> None:
    with session_scope(engine) as session:
        publish_programme(session, ProgrammeDefinition.model_validate(definition()))
    result = evaluate(engine, 2025)["reg_aandeel"]
    assert result.value is None and result.note == NO_IMPORT and result.status is None


def test_survey_kpis_and_register_kpis_are_published_apart(imported: Engine) -> None:
    with Session(imported) as session:
        programme = published_programme(session, "test-programme")
    assert programme.kpis == []
    assert [k.code for k in programme.register_kpis] == ["reg_techniek", "reg_aandeel"]
    assert programme.registers[0].column("regio").values == [
        "Utrecht",
        "Gelderland",
        "Zeeland",
        "Limburg",
    ]


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        ({"source": "cbs"}, "register_kpis[0].source", "unknown register 'cbs' (duo_test)"),
        ({"value": "regio"}, "register_kpis[0].value", "column 'regio' is not a number to sum"),
        ({"value": "jaar"}, "register_kpis[0].value", "column 'jaar' is not a number to sum"),
        ({"node": "pad.x"}, "register_kpis[0].node", "unknown pathway node 'pad.x'"),
        (
            {"where": {"regio": "Friesland"}},
            "register_kpis[0].where.regio",
            "'Friesland' is not a value of 'regio'",
        ),
        (
            {"disaggregations": ["leerlingen"]},
            "register_kpis[0].disaggregations[0]",
            "'leerlingen' is not a choice or text column",
        ),
        ({"code": "cijfer"}, "register_kpis[0].code", "duplicate KPI code 'cijfer'"),
        ({"denominator": "leerlingen"}, "register_kpis[0]", "a share needs 'denominator'"),
    ],
)
def test_programme_file_problems_are_located(
    tmp_path: Path, change: dict, where: str, message: str
) -> None:
    kpis = register_kpis("pad.res")
    kpis[0].update(change)
    data = programme_dict(registers=[register_source()], register_kpis=kpis)
    write_catalogue(tmp_path, survey_dict(), data)
    found = [str(p) for p in load_catalogue([tmp_path]).problems]
    assert any(where in p and message in p for p in found), found


def test_the_shipped_techkwadraat_file_declares_its_register(surveys_dir: Path) -> None:
    loaded = load_catalogue([surveys_dir / "techkwadraat"])
    assert loaded.ok, loaded.problems
    programme = loaded.programmes["techkwadraat"][1]
    assert [r.code for r in programme.registers] == ["duo_instroom_techniek"]
    assert {k.measure for k in programme.register_kpis} == {"count", "share"}


def test_a_source_code_names_one_source_across_programmes(tmp_path: Path) -> None:
    for code in ("een", "twee"):
        data = programme_dict(programme=code, kpis=[], registers=[register_source()])
        write_catalogue(tmp_path / code, survey_dict(programme=code, instrument=f"{code}-s"), data)
    found = [str(p) for p in load_catalogue([tmp_path]).problems]
    assert found == [
        f"{tmp_path / 'twee' / 'programme.yaml'}: registers[0].code: register 'duo_test' is "
        "also declared by programme 'een'"
    ]


def test_a_column_declared_after_the_import_is_named_not_raised(imported: Engine) -> None:
    source = register_source()
    source["columns"].append({"name": "meisjes", "type": "integer", "required": False})
    kpis = register_kpis("pad.res")
    kpis[0]["value"] = "meisjes"
    changed = definition(registers=[source], register_kpis=kpis)
    with session_scope(imported) as session:
        publish_programme(session, ProgrammeDefinition.model_validate(changed))
    results = evaluate(imported, 2025)
    assert results["reg_techniek"].note == MISSING
    assert results["reg_techniek"].missing == ("meisjes",)
    assert results["reg_aandeel"].value == pytest.approx(1240 / 4450)  # still computable
    from mel.i18n import translate
    from mel.services.register_cards import _card

    card = _card(results["reg_techniek"], "en")
    assert card.message == translate("register_missing", "en", version=1, columns="meisjes")
    assert card.message.startswith("Import version 1 has no column meisjes")


def test_analysing_a_register_kpi_says_what_it_is(imported: Engine) -> None:
    from mel.kpi.definitions import NotPublished, published_kpi

    with Session(imported) as session, pytest.raises(NotPublished, match="is a register KPI"):
        published_kpi(session, "test-programme", "reg_aandeel")
