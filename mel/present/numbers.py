"""Numbers in words: Dutch or English formatting, rounded to what the interval supports."""

from __future__ import annotations

import math
from dataclasses import dataclass

from mel.surveys.programme_schema import Kpi

MINUS = "\u2212"
DASH = "\u2013"


def format_number(
    value: float | None, decimals: int = 0, language: str = "nl", *, sign: bool = False
) -> str:
    """Format `value` with thousands separators (nl: 124.000,5; en: 124,000.5).

    Parameters
    ----------
    value : float or None
        The number; None or NaN gives an em dash.
    decimals : int
        Digits after the decimal separator.
    language : {"nl", "en"}
        Dutch or English separators.
    sign : bool
        Show a plus sign before positive numbers (for changes).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "\u2014"
    rounded = round(float(value), decimals)
    if rounded == 0:
        rounded = 0.0  # no "-0"
    text = f"{abs(rounded):,.{decimals}f}"
    if language == "nl":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    prefix = MINUS if rounded < 0 else ("+" if sign and rounded > 0 else "")
    return prefix + text


def step_for(se: float | None) -> float | None:
    """Return the rounding step for a figure with standard error `se` (one digit of se)."""
    if se is None or not math.isfinite(se) or se <= 0:
        return None
    return float(10 ** math.floor(math.log10(se)))


@dataclass(frozen=True)
class Scale:
    """How to show the values of one KPI: as a percentage or a number, with a precision."""

    percent: bool
    decimals: int
    step: float | None

    def value(self, value: float | None, language: str = "nl", *, sign: bool = False) -> str:
        """Format one value of the KPI (estimate, bound, target or difference)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "\u2014"
        shown = value * 100 if self.percent else value
        if self.step is not None and self.step >= 1:
            shown = round(shown / self.step) * self.step
        text = format_number(shown, self.decimals, language, sign=sign)
        return f"{text}%" if self.percent else text

    def points(self, value: float | None, language: str = "nl") -> str:
        """Format a difference of percentages in percentage points (signed)."""
        text = Scale(False, self.decimals, self.step).value(
            None if value is None else value * 100, language, sign=True
        )
        return f"{text} {'procentpunt' if language == 'nl' else 'percentage points'}"

    def interval(
        self, low: float | None, high: float | None, language: str = "nl", *, sign: bool = False
    ) -> str:
        """Format an interval as "low–high" (with "tot"/"to" when a bound is negative)."""
        a, b = self.value(low, language, sign=sign), self.value(high, language, sign=sign)
        if a.startswith((MINUS, "+")) or b.startswith((MINUS, "+")):
            return f"{a} {'tot' if language == 'nl' else 'to'} {b}"
        return f"{a}{DASH}{b}"


def is_share(kpi: Kpi) -> bool:
    """True when the KPI is a share shown as a percentage (proportions, 0–1 ratios)."""
    unit = kpi.unit.get("en") if kpi.unit else ""
    return kpi.estimator == "proportion" or "0\u20131" in unit or "0-1" in unit


def scale_for(kpi: Kpi, se: float | None) -> Scale:
    """Choose the display of a KPI from its kind and the precision of its estimate."""
    percent = is_share(kpi)
    step = step_for(se * 100 if percent and se is not None else se)
    if step is None:
        decimals = 0 if kpi.estimator == "total" else 1
    else:
        decimals = min(2, max(0, -int(math.floor(math.log10(step)))))
    return Scale(percent, decimals, step)


def unit_text(kpi: Kpi, language: str) -> str:
    """Return the KPI's unit for after a number ("" for percentages)."""
    if is_share(kpi) or kpi.unit is None:
        return ""
    return kpi.unit.get(language)
