"""How the report marks a status: symbol, colour and words (the words come from the catalogue)."""

from __future__ import annotations

from mel.i18n import translate
from mel.kpi.status import Decision, Status

STATUS_SYMBOL = {Status.MET: "\u2714", Status.NOT_MET: "\u2718", Status.UNCERTAIN: "?"}
STATUS_COLOUR = {Status.MET: "#1a7f37", Status.NOT_MET: "#b42318", Status.UNCERTAIN: "#8a5300"}
NO_STATUS_SYMBOL = "\u2013"
NO_STATUS_COLOUR = "#52606d"


def status_words(status: Status | None, language: str) -> str:
    """Return the status as symbol and words, e.g. "✔ gehaald"."""
    if status is None:
        return f"{NO_STATUS_SYMBOL} {translate('no_judgement', language)}"
    return f"{STATUS_SYMBOL[status]} {status.label(language)}"


def decision_words(decision: Decision, language: str) -> str:
    """Return a go/no-go decision in words."""
    return decision.label(language)
