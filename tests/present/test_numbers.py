"""The number formatting family: percentages, dashboard figures, values as typed."""

from __future__ import annotations

import math

import pytest

from mel.present.numbers import (
    MINUS,
    format_figure,
    format_number,
    format_percent,
    format_plain,
    separators,
)
from mel.web.survey.values import format_number as form_value
from mel.web.survey.values import parse_decimal, parse_integer


def test_separators_come_from_the_locale() -> None:
    assert separators("nl") == (",", ".") and separators("en") == (".", ",")
    assert separators("fr") == separators("en")  # anything but Dutch is English


@pytest.mark.parametrize(
    ("share", "language", "expected"),
    [(0.654, "nl", "65%"), (0.6549, "en", "65%"), (0.0, "nl", "0%"), (None, "nl", "\u2014")],
)
def test_format_percent(share: float | None, language: str, expected: str) -> None:
    assert format_percent(share, 0, language) == expected


def test_format_percent_rounds_like_format_number() -> None:
    for share in (0.12345, 0.5, 0.005, 0.0449999, 1.2345):
        assert format_percent(share, 1, "nl") == format_number(share * 100, 1, "nl") + "%"
    assert format_percent(-0.02, 0, "nl", sign=True) == f"{MINUS}2%"
    assert format_percent(0.02, 0, "en", sign=True) == "+2%"


@pytest.mark.parametrize(
    ("value", "language", "expected"),
    [
        (1234567.891, "nl", "1.234.568"),
        (0.6543, "nl", "0,65"),
        (12.345, "en", "12.3"),
        (-12.345, "nl", f"{MINUS}12,3"),
        (None, "en", "\u2014"),
        (math.nan, "nl", "\u2014"),
    ],
)
def test_format_figure(value: float | None, language: str, expected: str) -> None:
    assert format_figure(value, language) == expected


@pytest.mark.parametrize(
    ("value", "nl", "en"),
    [
        (7, "7", "7"),
        (7.0, "7", "7"),
        (7.5, "7,5", "7.5"),
        (-2.25, "-2,25", "-2.25"),
        (1234567.5, "1234567,5", "1234567.5"),  # was "1,23457e+06": six digits of %g
        (0.0000001, "0,0000001", "0.0000001"),
        (None, "", ""),
    ],
)
def test_format_plain(value: float | None, nl: str, en: str) -> None:
    assert format_plain(value, "nl") == nl and format_plain(value, "en") == en
    assert form_value(value, "nl") == nl


@pytest.mark.parametrize("typed", ["1234567,5", "123456789,125", "-0,5", "0,0001", "7"])
def test_a_stored_answer_reads_back_as_the_same_number(typed: str) -> None:
    stored = parse_decimal(typed)
    assert stored is not None
    assert parse_decimal(form_value(stored, "nl")) == stored
    assert parse_decimal(form_value(stored, "en")) == stored


def test_a_whole_number_reads_back() -> None:
    assert parse_integer(form_value(123456789012, "nl")) == 123456789012


def test_dates_are_written_by_babel_in_dutch_and_english() -> None:
    from datetime import date, datetime

    from mel.present.numbers import format_date, format_timestamp, month_name

    day = date(2025, 3, 7)
    assert format_date(day, "nl") == "7 maart 2025"
    assert format_date(day, "en") == "7 March 2025"
    assert format_date(day, "nl", "numeric") == "07-03-2025"
    assert format_date(day, "en", "numeric") == "2025-03-07"
    assert format_date(None, "nl") == ""
    assert [month_name(m, "nl") for m in (1, 12)] == ["januari", "december"]
    assert month_name(5, "en") == "May"
    assert format_timestamp(datetime(2026, 12, 7, 4, 24, 59), "en") == "2026-12-07 04:24"
    assert format_timestamp(None) == "\u2014"
