"""One KPI in words: its sentence with interval, target, status and change, or why it has
no figure to show (`mel.disclosure`)."""

from __future__ import annotations

from mel.disclosure.rules import shown_alone, why_hidden
from mel.i18n import translate
from mel.kpi.evaluate import KpiResult
from mel.present.numbers import Scale, scale_for, unit_text
from mel.reports.text import decision_words, status_words
from mel.reports.trajectory import pace_sentence, result_trajectory


def shown(result: KpiResult, k: int) -> bool:
    """True when the KPI's overall estimate may be shown (`mel.disclosure`)."""
    return shown_alone(result.estimate, k)


def status_css(result: KpiResult, k: int) -> str:
    """CSS class of the KPI's status (none when it is not shown)."""
    if not shown(result, k) or result.status is None:
        return "status-none"
    return "status-" + result.status.name.lower().replace("_", "-")


def kpi_scale(result: KpiResult) -> Scale:
    return scale_for(result.kpi, result.estimate.se if result.estimate else None)


def unit_suffix(result: KpiResult, language: str) -> str:
    unit = unit_text(result.kpi, language)
    return f" {unit}" if unit else ""


def missing_text(result: KpiResult, language: str, k: int) -> str | None:
    """Why the KPI has no estimate to show, or None when it has one."""
    if result.estimate is None:
        if result.note in (None, "no answers"):
            return translate("no_answers", language)
        return translate("kpi_error", language, error=result.note)
    hidden = why_hidden(result.estimate, k)
    if hidden is not None and hidden[0] == "too_few":
        return translate("too_few", language, k=k, n=result.estimate.n)
    if hidden is not None:
        return translate("too_uncertain", language, reason=hidden[1])
    return None


def sentence(result: KpiResult, language: str, k: int, wave_labels: dict[str, str]) -> str:
    """The KPI in one or more sentences with its interval, target, status and change."""
    label = result.kpi.label.get(language)
    missing = missing_text(result, language, k)
    if missing is not None:
        return f"{label}: {missing}"
    est = result.estimate
    assert est is not None
    scale = kpi_scale(result)
    parts = [
        f"{label}: "
        + translate(
            "estimated",
            language,
            value=scale.value(est.estimate, language),
            unit=unit_suffix(result, language),
            ci=translate("ci", language),
            interval=scale.interval(est.ci_low, est.ci_high, language),
        )
        + "."
    ]
    if result.target is not None:
        parts.append(
            translate(
                "target_sentence",
                language,
                year=result.year,
                target=scale.exact(result.target, language),
                status=status_words(result.status, language),
            )
        )
    path = result_trajectory(result, k)
    if path is not None:
        parts.append(pace_sentence(path, scale, language, wave_labels))
    change = change_text(result, language, k, wave_labels)
    if change:
        parts.append(change)
    if result.decision is not None and result.kpi.go_no_go is not None:
        gng = result.kpi.go_no_go
        parts.append(
            translate(
                "go_no_go_sentence",
                language,
                year=gng.year,
                go=scale.exact(gng.go, language),
                no_go=scale.exact(gng.no_go, language),
                decision=decision_words(result.decision, language),
            )
        )
    return " ".join(parts)


def difference_text(scale: Scale, value: float, language: str) -> str:
    return (
        scale.points(value, language) if scale.percent else scale.value(value, language, sign=True)
    )


def change_text(
    result: KpiResult, language: str, k: int, wave_labels: dict[str, str]
) -> str | None:
    """The change since the previous wave in words, or None when there is none to show."""
    change = result.change
    if change is None or not shown_alone(change.previous, k):
        return None
    scale, diff = kpi_scale(result), change.difference
    interval = Scale(False, scale.decimals, scale.step).interval(
        diff.ci_low * (100 if scale.percent else 1),
        diff.ci_high * (100 if scale.percent else 1),
        language,
        sign=True,
    )
    if scale.percent:
        interval += " " + (translate("percentage_points", language))
    significance = (
        translate("significant", language)
        if change.significant
        else translate("not_significant", language)
    )
    return translate(
        "change_sentence",
        language,
        wave=wave_labels.get(change.previous_wave, change.previous_wave),
        diff=difference_text(scale, diff.estimate, language),
        ci=translate("ci", language),
        interval=interval,
        significance=significance,
    )
