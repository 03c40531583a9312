"""A wave's declared nonresponse model (weighting classes, response propensities) reaches
the frame's weights and the KPI design alike, and agrees with R
(tests/kpi/data/nonresponse_model.R on nonresponse.csv with a region per unit)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mel.data.nonresponse import NonresponseModel, unit_factors
from mel.data.weights import SAMPLED_COLUMNS, SampledUnits, unit_weights
from mel.kpi.frames import design_for
from mel.services.sampling.wavefile import Nonresponse

DATA = Path(__file__).parent / "data"

# R (survey 4.1), tests/kpi/data/nonresponse_model.R:
#   classes: weighting classes = region across strata, Kim & Kim linearisation by hand,
#            vcov(svytotal(~u, svydesign(ids = ~unit, strata = ~stratum, fpc = ~fpc_units,
#                                        weights = ~d)))
#   propensity: fit <- svyglm(responded ~ region, design, family = quasibinomial())
#            svytotal(~y, subset(update-weights d / fitted(fit), responded == 1))
R_CLASSES = (3505.8333333333, 423.9322318724, 12)
R_PROPENSITY = (3505.8333333334, 618.4146959049)
REGIONS = ["noord", "zuid", "west"]


def _sample() -> tuple[pd.DataFrame, pd.DataFrame]:
    sample = pd.read_csv(DATA / "nonresponse.csv")
    sample["region"] = (REGIONS * 5)[: len(sample)]
    table = pd.DataFrame(
        {
            "unit": sample["unit"],
            "unit_kind": "pps",
            "province": None,
            "region": sample["region"],
            "sector": None,
            "stratum": sample["stratum"],
            "fpc_units": sample["fpc_units"].astype(float),
            "fpc_persons": float("nan"),
            "responded": sample["responded"] == 1,
        }
    )[SAMPLED_COLUMNS]
    rows = sample[sample["responded"] == 1].drop(columns="responded").reset_index(drop=True)
    return rows, table


def _frame(model: NonresponseModel) -> pd.DataFrame:
    rows, table = _sample()
    rows["weight"] = unit_weights(rows, table, model)
    rows.attrs.update(respondent="unit", sampled_units=SampledUnits(table), nonresponse=model)
    return rows


def test_weighting_classes_across_strata_match_r() -> None:
    model = NonresponseModel(groups="classes", variables=("region",), within_strata=False)
    data = _frame(model)
    design = design_for(data)
    total = design.total("y")
    assert (total.estimate, total.se, total.df) == pytest.approx(R_CLASSES, rel=1e-9)
    # the frame's weight column is the design's weight of every respondent
    np.testing.assert_allclose(design.weights[: len(data)], data["weight"], rtol=1e-12)
    assert float(design.weights.sum()) == pytest.approx(
        float(_sample()[1]["fpc_units"].groupby(_sample()[1]["stratum"]).first().sum())
    )


def test_inverse_propensities_match_r() -> None:
    model = NonresponseModel(groups="propensity", variables=("region",))
    data = _frame(model)
    design = design_for(data)
    total = design.total("y")
    assert (total.estimate, total.se) == pytest.approx(R_PROPENSITY, rel=1e-9)
    np.testing.assert_allclose(design.weights[: len(data)], data["weight"], rtol=1e-12)


def test_by_hand_classes_within_strata_give_each_cell_its_own_factor() -> None:
    _rows, table = _sample()
    table["region"] = list("nnnzznnnzzznnzz")
    model = NonresponseModel(groups="classes", variables=("region",))
    factors = unit_factors(table, model)
    for (stratum, region), cell in table.groupby(["stratum", "region"]):
        answered = cell[cell["responded"]]
        for unit in answered["unit"]:
            assert factors[unit] == pytest.approx(len(cell) / len(answered)), (stratum, region)


def test_the_default_is_the_strata_and_unchanged() -> None:
    rows, table = _sample()
    strata = unit_weights(rows, table)
    assert (unit_weights(rows, table, NonresponseModel()) == strata).all()
    sizes = table.groupby("stratum").agg(r=("responded", "sum"))
    np.testing.assert_allclose(strata, rows["fpc_units"] / rows["stratum"].map(sizes["r"]))


def test_a_class_without_respondents_is_a_clear_error() -> None:
    from mel.analysis.errors import DesignError

    _rows, table = _sample()
    table.loc[table["responded"], "sector"] = "techniek"
    table.loc[~table["responded"], "sector"] = "zorg"
    model = NonresponseModel(groups="classes", variables=("sector",), within_strata=False)
    with pytest.raises(DesignError, match="zorg"):
        unit_factors(table, model)


def test_an_unknown_value_is_its_own_class() -> None:
    _rows, table = _sample()
    table["region"] = table["region"].where(table["unit"] != "k02", None)
    model = NonresponseModel(groups="classes", variables=("region",), within_strata=False)
    factors = unit_factors(table, model)
    assert factors["k02"] == pytest.approx(1.0)  # alone in "(unknown)", and it answered


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"groups": "classes"}, "needs 'variables'"),
        ({"groups": "strata", "variables": ["region"]}, "go with groups"),
        ({"groups": "classes", "variables": ["region"], "classes": 5}, "goes with groups"),
        ({"groups": "classes", "variables": ["postcode"]}, "postcode"),
        ({"groups": "propensity", "variables": ["region", "region"]}, "twice"),
        ({"groups": "weights"}, "weights"),
    ],
)
def test_the_wave_file_refuses_a_model_it_cannot_use(spec: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Nonresponse.model_validate(spec)


def test_the_model_is_read_back_from_the_stored_wave_design() -> None:
    stored = {
        "nonresponse": Nonresponse.model_validate(
            {"groups": "propensity", "variables": ["region", "sector"], "classes": 5}
        ).model_dump(mode="json")
    }
    model = NonresponseModel.of_wave(stored)
    assert model == NonresponseModel("propensity", ("region", "sector"), True, 5)
    assert NonresponseModel.of_wave({}).by_strata and NonresponseModel.of_wave(None).by_strata
