"""Codes that end up in URLs, file names and headers are refused unless safe, with a place."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mel.surveys.loader import load_catalogue
from tests.factories import programme_dict, survey_dict, write_catalogue

LOCATED = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): (?P<where>[^:]+): (?P<what>.+)$")


def problems(folder: Path) -> list[str]:
    return [str(p) for p in load_catalogue([folder]).problems]


@pytest.mark.parametrize(
    "code",
    ['kpi"1', "kpi\nx", "kpi 1", "kpi;x", "kpi\u00eb", "1kpi", "k/p", "k.p", "k" * 65, ""],
)
def test_an_unsafe_kpi_code_is_refused_with_its_place(tmp_path: Path, code: str) -> None:
    programme = programme_dict()
    programme["kpis"][0]["code"] = code
    write_catalogue(tmp_path, programme=programme)
    found = problems(tmp_path)
    assert len(found) == 1, found
    match = LOCATED.match(found[0].replace("\n", "\\n"))
    assert match, found[0]
    assert match["file"].endswith("programme.yaml") and int(match["line"]) > 1
    assert match["where"] == "kpis[0].code"
    assert match["what"].startswith("invalid code ") and "letters, digits, _ and -" in match["what"]


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda p: p.update(programme='test"programme'), "programme"),
        (lambda p: p["pathways"][0].update(code="pad 1"), "pathways[0].code"),
        (lambda p: p["pathways"][0]["nodes"][1].update(code="r.s"), "pathways[0].nodes[1].code"),
        (lambda p: p["kpis"][0].update(instrument="test survey"), "kpis[0].instrument"),
    ],
)
def test_other_programme_codes_are_checked(tmp_path: Path, change, where: str) -> None:  # type: ignore[no-untyped-def]
    programme = programme_dict()
    change(programme)
    write_catalogue(tmp_path, programme=programme)
    found = [p for p in load_catalogue([tmp_path]).problems if p.location == where]
    assert found and found[0].line and "invalid code" in found[0].message, problems(tmp_path)


@pytest.mark.parametrize("code", ["test survey", "test\r\nx", "test_survey", "t" * 65])
def test_an_unsafe_instrument_code_is_refused(tmp_path: Path, code: str) -> None:
    write_catalogue(tmp_path, survey=survey_dict(instrument=code))
    found = [p for p in load_catalogue([tmp_path]).problems if p.location == "instrument"]
    assert found and found[0].line == 1 and "invalid code" in found[0].message


def test_safe_codes_load(tmp_path: Path) -> None:
    programme = programme_dict()
    programme["kpis"][0]["code"] = "KPI_1-b"
    write_catalogue(tmp_path, programme=programme)
    assert problems(tmp_path) == []
