"""Each KPI's page stands in its pathway's section; a KPI of no pathway gets a final one."""

from __future__ import annotations

from mel.reports.build import build_report
from mel.reports.render import render_html
from tests.reports.conftest import Built, Filled


def test_each_pathway_section_holds_its_kpis_in_programme_order(built: Built) -> None:
    report = built.report
    [pathway] = report.pathways
    assert [k.code for k in pathway.kpis] == [k.code for k in built.filled.programme.kpis]
    assert report.unlinked == []
    # the diagram comes first, then the KPIs one after another
    html = built.html
    diagram = html.index('id="pathway-pad-figure"')
    places = [html.index(f'id="kpi-{k.code}"') for k in built.filled.programme.kpis]
    assert diagram < places[0] and places == sorted(places)
    # the contents list the KPIs under their pathway
    nav = html.split("<nav", 1)[1].split("</nav>", 1)[0]
    assert nav.index('href="#pathway-pad"') < nav.index(f'href="#kpi-{pathway.kpis[0].code}"')


def test_a_kpi_of_no_pathway_stands_in_a_final_section(two_waves: Filled) -> None:
    programme = two_waves.programme
    first, *rest = programme.kpis
    moved = programme.model_copy(
        update={"kpis": [first.model_copy(update={"node": "elders.ergens"}), *rest]}
    )
    report = build_report(two_waves.engine, moved, two_waves.instruments, "meting-2025")
    assert [k.code for k in report.unlinked] == [first.code]
    assert first.code not in [k.code for p in report.pathways for k in p.kpis]
    html = render_html(report)
    final = html.split('<section id="kpis">', 1)[1].split("</section>", 1)[0]
    assert "buiten de impactpaden" in final
    assert f'id="kpi-{first.code}"' in final
    assert html.index('id="pathway-pad"') < html.index('<section id="kpis">')
