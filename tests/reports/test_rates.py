"""The report's outcomes and AAPOR rates table: from a wave's status, in nl and en."""

from __future__ import annotations

import pytest

from mel.i18n import translate
from mel.reports.rates import rates_section
from mel.services.fieldwork.rates import rates_row


def status() -> dict:
    """A wave's status as `wave_status` gives it: two strata of one instrument."""
    a = ["complete", "complete", "refusal", None]
    b = ["complete", "undeliverable", "not_eligible"]
    return {
        "instruments": [
            {
                "instrument": "survey",
                "respondent": "unit",
                "total": rates_row(a + b),
                "strata": [{"stratum": "a", **rates_row(a)}, {"stratum": "b", **rates_row(b)}],
            }
        ]
    }


def test_no_cases_no_table() -> None:
    assert rates_section(None, "nl") is None
    assert rates_section({"instruments": []}, "en") is None


@pytest.mark.parametrize(("lang", "rr1", "e"), [("nl", "50%", "0,83"), ("en", "50%", "0.83")])
def test_rates_per_stratum_and_total(lang: str, rr1: str, e: str) -> None:
    table = rates_section(status(), lang)
    assert table is not None
    assert [row[0] for row in table.rows] == ["a", "b", translate("total", lang)]
    assert table.emphasis == [False, False, True]
    total = dict(zip(table.header, table.rows[-1], strict=True))
    # 7 cases: I 3, R 1, NC 1 (pending), U 1, NE 1; RR1 = 3 / 6, e = 5 / 6.
    assert (total[translate("aapor_cases", lang)], total["RR1"], total["e"]) == ("7", rr1, e)
    assert total["COOP1"] == "75%"
    numbers = table.data[table.data["stratum"].isna()].iloc[0]
    assert numbers["RR3"] == pytest.approx(3 / (3 + 1 + 1 + 5 / 6 * 1))
    assert table.title == translate("aapor_rates", lang, instrument="survey")
    assert "RR3" in translate("aapor_rates_intro", lang)
