"""The management summary in words: how many KPIs met their targets, are on track, failed."""

from __future__ import annotations

from collections import Counter

from mel.i18n import translate
from mel.kpi.evaluate import KpiResult
from mel.kpi.status import Status
from mel.reports.kpi_text import shown
from mel.reports.trajectory import result_trajectory


def headline(results: list[KpiResult], language: str, k: int, year: int) -> list[str]:
    """A few sentences that count the KPIs by status, by pace and by what is missing."""
    lang = language
    visible = [r for r in results if shown(r, k)]
    judged = Counter(r.status for r in visible if r.status is not None)
    lines = [translate("headline_count", lang, n=len(results), shown=len(visible))]
    if judged:
        lines.append(
            translate(
                "headline_status",
                lang,
                year=year,
                n=sum(judged.values()),
                met=judged[Status.MET],
                not_met=judged[Status.NOT_MET],
                uncertain=judged[Status.UNCERTAIN],
            )
        )
    paces = Counter(
        p.pace.value for p in (result_trajectory(r, k) for r in visible) if p and p.pace
    )
    if paces:
        lines.append(
            translate(
                "headline_pace",
                lang,
                n=sum(paces.values()),
                on=paces["on_track"],
                behind=paces["behind"],
                undecided=paces["undecided"],
            )
        )
    failed = [r.kpi.label.get(lang) for r in results if r.failed]
    if failed:
        lines.append(translate("headline_failed", lang, n=len(failed), kpis="; ".join(failed)))
    few = [r.kpi.label.get(lang) for r in results if not r.failed and not shown(r, k)]
    if few:
        lines.append(translate("headline_not_shown", lang, n=len(few), kpis="; ".join(few), k=k))
    return lines


__all__ = ["headline"]
