"""Numbers in words: Dutch or English formatting, rounded to what the interval supports.

The one family of number formatters of mel: `format_number` (fixed decimals, thousands
separators, a true minus sign), `format_percent` (shares as percentages), `format_figure`
(dashboard figures, decimals by size) and `format_plain` (a stored answer as a participant
types it). Reports, charts, dashboards, exports and the survey pages use these; the
separators come from Babel's CLDR data for the language. Dates are written here too
(`format_date`, `month_name`), by Babel's CLDR patterns.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.dates import get_month_names
from babel.numbers import get_decimal_symbol, get_group_symbol

from mel.i18n import translate
from mel.surveys.programme_schema import Kpi

MINUS = "\u2212"
DASH = "\u2013"


def _locale(language: str) -> str:
    """The Babel locale of a report/dashboard language (anything but Dutch is English)."""
    return "nl" if language == "nl" else "en"


@lru_cache(maxsize=8)
def separators(language: str) -> tuple[str, str]:
    """The (decimal, group) separators of `language` from Babel's CLDR data (nl: "," and ".")."""
    locale = _locale(language)
    return get_decimal_symbol(locale), get_group_symbol(locale)


def _digits(value: float, decimals: int, language: str, grouping: bool = True) -> str:
    """|value| (already rounded) with the language's separators.

    Python writes the digits (as fast as an f-string: charts format every tick) and the
    separators are swapped for the language's; nl and en both group by three.
    """
    text = f"{abs(value):{',' if grouping else ''}.{decimals}f}"
    decimal, group = separators(language)
    return text.replace(",", "\x00").replace(".", decimal).replace("\x00", group)


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_number(
    value: float | None, decimals: int = 0, language: str = "nl", *, sign: bool = False
) -> str:
    """Format `value` with thousands separators (nl: 124.000,5; en: 124,000.5).

    The one number formatter of reports, dashboards and charts (the family below builds
    on it). Rounding is Python's ``round`` on the float (half to even on its binary
    value); the separators are the language's (Babel).

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
    if _missing(value):
        return "\u2014"
    rounded = round(float(value), decimals)  # type: ignore[arg-type]
    if rounded == 0:
        rounded = 0.0  # no "-0"
    if math.isinf(rounded):
        text = "\u221e"
    else:
        text = _digits(rounded, decimals, language)
    prefix = MINUS if rounded < 0 else ("+" if sign and rounded > 0 else "")
    return prefix + text


def format_percent(
    share: float | None, decimals: int = 0, language: str = "nl", *, sign: bool = False
) -> str:
    """Format a share (0.654) as a percentage ("65%"); None or NaN gives an em dash."""
    if _missing(share):
        return "\u2014"
    return format_number(float(share) * 100, decimals, language, sign=sign) + "%"  # type: ignore[arg-type]


def figure_decimals(value: float) -> int:
    """Decimals of a dashboard figure: none from 100, one from 10, else two."""
    size = abs(value)
    return 0 if size >= 100 else 1 if size >= 10 else 2


def format_figure(value: float | None, language: str = "nl") -> str:
    """Format a dashboard figure: fewer decimals for bigger numbers (1.234.568; 12,3; 0,65)."""
    if _missing(value):
        return "\u2014"
    return format_number(float(value), figure_decimals(float(value)), language)  # type: ignore[arg-type]


def format_plain(value: float | None, language: str = "nl") -> str:
    """Write a stored answer back as a participant would type it: every digit it has, no
    thousands separator, no trailing ".0", an ASCII minus; "" for None.

    What it writes, `mel.web.survey.values.parse_decimal` reads back to the same number.
    """
    if _missing(value):
        return ""
    number = float(value) if not isinstance(value, int) else value  # type: ignore[arg-type]
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    if isinstance(number, int):
        digits = str(abs(number))
    else:
        exact = Decimal(repr(abs(number)))  # the shortest decimal that reads back the same
        places = max(0, -int(exact.as_tuple().exponent))
        digits = _digits(abs(number), places, language, grouping=False)
    return ("-" if number < 0 else "") + digits


def format_exact(value: float | None, language: str = "nl", *, percent: bool = False) -> str:
    """Format a value exactly as it was set (a target): every decimal it has, none added."""
    if _missing(value):
        return "\u2014"
    shown = float(value) * 100 if percent else float(value)  # type: ignore[arg-type]
    exact = Decimal(repr(round(shown, 10))).normalize()
    places = max(0, -int(exact.as_tuple().exponent))
    text = format_number(shown, places, language)
    return f"{text}%" if percent else text


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

    def value(
        self, value: float | None, language: str = "nl", *, sign: bool = False, how: str = "round"
    ) -> str:
        """Format one value of the KPI (estimate, bound or difference) at the scale's
        precision; ``how="floor"`` / ``"ceil"`` round a lower / upper bound outward."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "\u2014"
        shown = value * 100 if self.percent else value
        step = self.step if self.step is not None and self.step >= 1 else 10.0**-self.decimals
        if how != "round" and math.isfinite(shown):
            move = math.floor if how == "floor" else math.ceil
            # a hair of tolerance: a bound that is a whole step stays where it is
            shown = move(round(shown / step, 9)) * step
        elif self.step is not None and self.step >= 1:
            shown = round(shown / self.step) * self.step
        text = format_number(shown, self.decimals, language, sign=sign)
        return f"{text}%" if self.percent else text

    def exact(self, value: float | None, language: str = "nl") -> str:
        """Format a value as it was set (a target, a baseline): never rounded to the
        scale's step, with the decimals it has (up to 4)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "\u2014"
        shown = value * 100 if self.percent else value
        decimals = next((d for d in range(5) if abs(round(shown, d) - shown) < 1e-9), 4)
        text = format_number(shown, decimals, language)
        return f"{text}%" if self.percent else text

    def for_se(self, se: float | None) -> Scale:
        """The same kind of scale with the precision of a row's own standard error."""
        step = step_for(se * 100 if self.percent and se is not None else se)
        if step is None:
            return self
        return Scale(self.percent, min(2, max(0, -int(math.floor(math.log10(step))))), step)

    def points(self, value: float | None, language: str = "nl") -> str:
        """Format a difference of percentages in percentage points (signed)."""
        text = Scale(False, self.decimals, self.step).value(
            None if value is None else value * 100, language, sign=True
        )
        return f"{text} {translate('percentage_points', language)}"

    def interval(
        self, low: float | None, high: float | None, language: str = "nl", *, sign: bool = False
    ) -> str:
        """Format an interval as "low–high" (with "tot"/"to" when a bound is negative),
        its bounds rounded outward; one dash when it has no bounds."""
        if _missing(low) and _missing(high):
            return "\u2014"
        a = self.value(low, language, sign=sign, how="floor")
        b = self.value(high, language, sign=sign, how="ceil")
        if a.startswith((MINUS, "+")) or b.startswith((MINUS, "+")):
            return f"{a} {translate('to', language)} {b}"
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


# CLDR date patterns: "long" for people ("27 maart 2025", "27 March 2025"), "numeric" for
# tables (day first in Dutch, ISO order in English).
LONG_DATE = "d MMMM y"
NUMERIC_DATE = {"nl": "dd-MM-yyyy", "en": "yyyy-MM-dd"}
TIMESTAMP = "yyyy-MM-dd HH:mm"  # a moment on staff pages (last login), the same in both


def format_date(value: date | None, language: str = "nl", style: str = "long") -> str:
    """Write a date in Dutch or English, "long" or "numeric" ("" for None)."""
    if value is None:
        return ""
    locale = _locale(language)
    pattern = LONG_DATE if style == "long" else NUMERIC_DATE[locale]
    return babel_format_date(value, pattern, locale=locale)


def month_name(month: int, language: str = "nl") -> str:
    """The name of a month (1-12) as it stands in a date, e.g. "maart", "March"."""
    return str(get_month_names("wide", "format", _locale(language))[month])


def format_timestamp(value: datetime | None, language: str = "nl") -> str:
    """Write a moment as `TIMESTAMP` (a dash for None), e.g. "2026-12-07 04:24"."""
    if value is None:
        return "\u2014"
    return babel_format_datetime(value, TIMESTAMP, tzinfo=value.tzinfo, locale=_locale(language))
