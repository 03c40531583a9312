"""Review instruments and code books: shipped files load; each mistake is located."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from mel.surveys.loader import load_catalogue, load_codebook, load_instrument
from mel.surveys.yamlfile import FileProblems

SURVEYS = Path(__file__).parents[2] / "surveys"
PEER = SURVEYS / "katapult" / "peerreview.yaml"


def test_shipped_reviews_and_code_books_load() -> None:
    catalogue = load_catalogue([SURVEYS])
    assert catalogue.ok, catalogue.problems
    assert set(catalogue.codebooks) == {"katapult", "techkwadraat"}
    for path in (PEER, SURVEYS / "techkwadraat" / "reflectie.yaml"):
        survey = load_instrument(path)
        assert survey.review is not None and survey.review.follow_up is not None
        assert [c.value for c in survey.choices[survey.review.rubric]] == [1, 2, 3, 4]
        for level in survey.choices[survey.review.rubric]:
            assert " — " in level.label.nl and level.label.en  # a level and its description
    book = catalogue.codebooks["katapult"][1]
    assert book.theme_of("mkb_betrokken") == "samenwerking" and book.theme_of("x") is None


def _broken(tmp_path: Path, change: Any) -> str:
    data = yaml.safe_load(PEER.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "review.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(FileProblems) as caught:
        load_instrument(path)
    return str(caught.value)


def _set(path: tuple[Any, ...], value: Any) -> Any:
    def change(data: dict[str, Any]) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (_set(("review", "rubric"), "schaal"), "review.rubric: unknown choice list 'schaal'"),
        (
            _set(("review", "themes", 1, "score"), "zelf_visie"),
            "review.themes[1].score: question 'zelf_visie' must be a select_one question, not text",
        ),
        (
            _set(("review", "themes", 0, "finding"), "bevinding_x"),
            "review.themes[0].finding: no question 'bevinding_x' in the instrument",
        ),
        (
            _set(("review", "themes", 2, "score"), "score_visie"),
            "review.themes[2].score: question 'score_visie' is named by two themes",
        ),
        (
            _set(("review", "actions", "due"), "actie_eigenaar"),
            "review.actions.due: question 'actie_eigenaar' must be a date question",
        ),
        (
            _set(("review", "actions", "group"), "panelleden"),
            "review.actions.group: no repeat group 'panelleden' in the instrument",
        ),
        (
            _set(("choices", "actiestatus", 2, "value"), "gestopt"),
            "review.follow_up.status: the choices of 'vorige_actie_status' need the values done, "
            "in_progress, dropped (missing: dropped)",
        ),
        (
            _set(("choices", "themas", 0, "value"), "visioen"),
            "review.actions.theme: the choices of 'actie_thema' must be theme names, not visioen",
        ),
        (
            _set(("choices", "rubriek", 0, "value"), "laag"),
            "choices.rubriek[0].value: a rubric level is a whole number, not 'laag'",
        ),
        (
            _set(("review", "follow_up", "earlier"), "panelleden"),
            "review.follow_up.earlier: question 'panelleden' must be a yes_no question",
        ),
        (_set(("review", "rubic"), "x"), "review.rubic: unknown field 'rubic'"),
    ],
)
def test_each_review_mistake_is_located(tmp_path: Path, change: Any, expected: str) -> None:
    message = _broken(tmp_path, change)
    assert expected in message
    assert "review.yaml:" in message  # with its line


def test_code_book_mistakes_are_located(tmp_path: Path) -> None:
    path = tmp_path / "codebook.yaml"
    path.write_text(
        "programme: katapult\n"
        "themes:\n"
        "  - theme: a\n"
        "    label: {nl: A}\n"
        "    codes:\n"
        "      - {code: een, label: {nl: Een}}\n"
        "  - theme: b\n"
        "    label: {nl: B}\n"
        "    codes:\n"
        "      - {code: een, label: {nl: Een}}\n"
        "      - {code: Twee, label: {nl: Twee}}\n",
        encoding="utf-8",
    )
    with pytest.raises(FileProblems) as caught:
        load_codebook(path)
    assert f"{path}:11: themes[1].codes[1].code: invalid name 'Twee'" in str(caught.value)
    path.write_text(path.read_text().replace("Twee", "twee"), encoding="utf-8")
    with pytest.raises(FileProblems) as caught:
        load_codebook(path)
    assert f"{path}:10: themes[1].codes[0].code: duplicate code 'een'" in str(caught.value)


def test_a_code_book_of_an_unknown_programme_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "x"
    folder.mkdir()
    (folder / "programme.yaml").write_text((SURVEYS / "katapult" / "programme.yaml").read_text())
    for name in ("impactmeting.yaml", "peerreview.yaml", "voortgangsmeting.yaml"):
        (folder / name).write_text((SURVEYS / "katapult" / name).read_text())
    (folder / "codebook.yaml").write_text(
        (SURVEYS / "katapult" / "codebook.yaml")
        .read_text()
        .replace("programme: katapult", "programme: andere")
    )
    catalogue = load_catalogue([tmp_path])
    assert [p.message for p in catalogue.problems] == ["unknown programme 'andere'"]
