"""Answer shares behind the distribution charts are the weighted shares per answer."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mel.reports.charts import answer_shares
from mel.surveys.schema import InstrumentDefinition
from tests.reports.factory import survey


def test_weighted_shares_per_statement_and_mark() -> None:
    definition = InstrumentDefinition.model_validate(survey())
    data = pd.DataFrame(
        {
            "weight": [1.0, 3.0, 2.0, 2.0],
            "tevreden__hulp": [5, 4, np.nan, 5],
            "tevreden__snel": [1, 1, 2, np.nan],
            "tevreden__lastig": [np.nan] * 4,
            "cijfer": [7, 8, 8, np.nan],
        }
    )
    found = answer_shares(data, definition, "tevreden", None, "nl")
    assert found is not None
    items, categories, shares, n = found
    assert items == ["De hulp was goed", "Het ging snel", "Het was lastig"]
    assert categories == ["nl1", "nl2", "nl3", "nl4", "nl5"]
    assert shares[0].tolist() == pytest.approx([0, 0, 0, 3 / 6, 3 / 6])
    assert shares[1].tolist() == pytest.approx([4 / 6, 2 / 6, 0, 0, 0])
    assert np.isnan(shares[2]).all()
    assert n == 4
    marks = answer_shares(data, definition, "cijfer", None, "en")
    assert marks is not None and marks[1] == [str(v) for v in range(1, 11)]
    assert marks[2][0][6:8].tolist() == pytest.approx([1 / 6, 5 / 6])
    assert answer_shares(data, definition, "deelnemers", None, "nl") is None
