"""A survey imported from XLSForm is served: cascading choices, calculation, piping, repeat."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from mel.surveys.xlsform.convert import convert_xlsform
from tests.factories import open_survey
from tests.surveys.xlsform_features import write
from tests.web.conftest import Participant, only_response


def test_an_imported_form_is_asked_page_by_page(
    tmp_path: Path, engine: Engine, participant: Participant
) -> None:
    result = convert_xlsform(write(tmp_path / "features.xlsx"), programme="web-test")
    assert result.valid
    survey = tmp_path / "features.yaml"
    survey.write_text(result.to_yaml(), encoding="utf-8")
    participant.start(open_survey(engine, survey))
    html = participant.html
    assert 'name="begintijd"' in html and 'name="tevreden"' in html, html
    participant.post(
        {
            "naam": "Bakker",
            "provincie": "ut",
            "werknemers": "250",
            "aantal_partners": "2",
            "tevreden": "6",
        }
    )
    html = participant.html
    assert participant.path.endswith("/p/verder"), html
    assert "Amersfoort" in html and "Haarlem" not in html  # choice_filter on the province
    assert "Hoeveel van de 250 werknemers werken in het mkb?" in html  # piped
    assert "Ja, ik ben Bakker" in html and "Dag Bakker, nog één pagina." in html
    assert "${" not in html
    participant.post({"gemeente": "amersfoort", "mkb": "300", "akkoord": "ja"})
    assert participant.path.endswith("/p/verder")  # the constraint . <= ${werknemers}
    participant.post({"mkb": "200"})
    html = participant.html
    # repeat_count ${aantal_partners}: two rows, each with its name and province
    assert 'name="partners__2__partner_naam"' in html and "partners__3__" not in html
    participant.post(
        {
            "partners__1__partner_naam": "Smit",
            "partners__1__partner_provincie": "nh",
            "partners__2__partner_naam": "Jansen",
        }
    )
    answers = only_response(engine).answers
    assert answers["per_tien"] == 25  # the calculation
    assert answers["tevreden"] == 6
    assert answers["partners"] == [
        {"partner_naam": "Smit", "partner_provincie": "nh"},
        {"partner_naam": "Jansen", "partner_provincie": None},
    ]
