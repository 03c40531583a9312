"""The columns `mel surveys export-xlsform` adds for what XLSForm has no place for.

An exported workbook is a valid XLSForm (pyxform ignores these columns); on import they
give back what XLSForm cannot say: mel's own question types (`mel_type`: nps, yes_no),
a question's own min/max (`mel_min`, `mel_max`), reversed likert statements
(`mel_reverse`), sensitive questions (`mel_sensitive`), a census question's plausible
range (`mel_plausible`, as YAML), and on the settings sheet the programme, respondent,
address form, English title, description, consent, census settings and a review's
`review:` part (as YAML).
"""

from __future__ import annotations

import re
from typing import Any

import yaml

YES_NO_LIST = "mel_yes_no"
YES_NO_CHOICES = [("1", "Ja", "Yes"), ("0", "Nee", "No")]
SETTING_TEXTS = ("mel_title", "mel_description", "mel_consent", "mel_review", "mel_census")


def bound(text: str) -> str | int | float:
    """Read a min/max cell: a number, a date (2025-12-31) or 'today'."""
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    try:
        return float(text)
    except ValueError:
        return text


def mel_settings(settings: dict[str, str]) -> dict[str, Any]:
    """Return the definition keys the mel_* settings carry (title, respondent, …)."""
    found: dict[str, Any] = {}
    for key in ("respondent", "address_form"):
        if settings.get(f"mel_{key}"):
            found[key] = settings[f"mel_{key}"]
    for key in SETTING_TEXTS:
        if settings.get(key):
            found[key.removeprefix("mel_")] = yaml.safe_load(settings[key])
    return found


def dump(value: Any) -> str:
    """Write a setting value as one-line YAML."""
    return yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10**6).strip()
