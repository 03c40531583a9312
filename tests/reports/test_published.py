"""The report reads the published KPI definitions, never the YAML working copy."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner
from sqlmodel import Session

from mel.cli import main
from mel.kpi.definitions import load_published, published_kpi
from tests.reports.conftest import Filled

ARGS = ["report", "--programme", "werk", "--wave", "meting-2025", "--no-pdf"]
NEW_LABEL = "Tevredenheid (herzien, nog niet gepubliceerd)"


def _html(runner: CliRunner, out: Path) -> str:
    result = runner.invoke(main, [*ARGS, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return (out / "werk-meting-2025-nl.html").read_text(encoding="utf-8")


def test_an_unpublished_edit_changes_the_report_only_after_publishing(
    two_waves: Filled, db_url: str, tmp_path: Path
) -> None:
    runner = CliRunner(env={"MEL_DATABASE_URL": db_url, "MEL_SURVEYS_DIR": str(two_waves.surveys)})
    before = _html(runner, tmp_path / "before")
    assert NEW_LABEL not in before
    path = two_waves.surveys / "werk" / "programme.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    kpi = next(k for k in data["kpis"] if k["code"] == "tevreden")
    kpi["label"]["nl"] = NEW_LABEL
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    edited = _html(runner, tmp_path / "edited")
    assert NEW_LABEL not in edited  # the working copy is not what the report shows
    with Session(two_waves.engine) as session:
        assert published_kpi(session, "werk", "tevreden").label.get("nl") != NEW_LABEL

    published = runner.invoke(main, ["surveys", "publish", str(two_waves.surveys)])
    assert published.exit_code == 0, published.output
    assert NEW_LABEL in _html(runner, tmp_path / "published")
    with Session(two_waves.engine) as session:
        assert published_kpi(session, "werk", "tevreden").label.get("nl") == NEW_LABEL


def test_the_published_programme_is_the_file_as_published(two_waves: Filled) -> None:
    with Session(two_waves.engine) as session:
        published = load_published(session, "werk")
    expected = two_waves.programme
    assert [k.model_dump() for k in published.programme.kpis] == [
        k.model_dump() for k in expected.kpis
    ]

    def pathways(definition: object) -> list[object]:
        return [
            (
                p.code,
                [(n.code, n.level, n.label.get("nl"), n.label.get("en")) for n in p.nodes],
                [(x.source, x.target, x.relation, x.confidence) for x in p.links],
            )
            for p in definition.pathways  # type: ignore[attr-defined]
        ]

    assert pathways(published.programme) == pathways(expected)
    assert published.programme.label.get("en") == expected.label.get("en")
    assert set(published.instruments) == set(two_waves.instruments)
