"""The design of a KPI: nonresponse model over the sampled units, and a census first stage
whose df comes from the persons (checked against R, tests/kpi/data/census.R)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from mel.analysis import Design
from mel.data.frame import frame
from mel.data.weights import SAMPLED_COLUMNS, SampledUnits
from mel.db import session_scope
from mel.kpi.frames import design_for
from mel.models import Response, Wave

from ..analysis.conftest import demo  # noqa: F401  (the fixture)

DATA = Path(__file__).parent / "data"

# R (survey 4.1), tests/kpi/data/census.R on census.csv:
#   two <- svydesign(id = ~unit + respondent, strata = ~stratum,
#                    fpc = ~fpc_units + fpc_persons, weights = ~weight, data = rows)
#   by_unit <- svydesign(id = ~respondent, strata = ~unit, fpc = ~fpc_persons,
#                        weights = ~weight, data = rows)
#   svytotal(~y, .); svymean(~z, .); degf(.)
R_TOTAL_Y = (1907.7991666667, 40.0463998478)
R_MEAN_Z = (0.4738700565, 0.0675391728)
R_DF_TWO_STAGE = 6
R_DF_BY_UNIT = 29


def _census_frame() -> pd.DataFrame:
    rows = pd.read_csv(DATA / "census.csv")
    units = rows.groupby("unit", as_index=False).first()
    table = pd.DataFrame(
        {
            "unit": units["unit"],
            "unit_kind": "werkplaats",
            "province": None,
            "region": None,
            "sector": None,
            "stratum": units["stratum"],
            "fpc_units": units["fpc_units"].astype(float),
            "fpc_persons": units["fpc_persons"].astype(float),
            "responded": True,
        }
    )[SAMPLED_COLUMNS]
    rows.attrs.update(respondent="person", sampled_units=SampledUnits(table))
    return rows


def test_a_census_first_stage_takes_its_df_from_the_persons() -> None:
    data = _census_frame()
    design = design_for(data)
    total, mean = design.total("y"), design.mean("z")
    assert (total.estimate, total.se) == pytest.approx(R_TOTAL_Y, rel=1e-9)
    assert (mean.estimate, mean.se) == pytest.approx(R_MEAN_Z, rel=1e-9)
    assert total.df == mean.df == R_DF_BY_UNIT
    # the two-stage design R would be given gives the same SE, on the PSUs' df
    two = Design(
        data,
        weights="weight",
        strata="stratum",
        psu="unit",
        ssu="respondent",
        fpc=("fpc_units", "fpc_persons"),
    )
    assert two.total("y").se == pytest.approx(R_TOTAL_Y[1], rel=1e-9)
    assert two.df == R_DF_TWO_STAGE


def test_the_design_holds_the_sampled_units_that_did_not_answer(demo: Engine) -> None:  # noqa: F811
    pupils = {"programme": "techkwadraat", "wave": "meting-2025", "instrument": "tk-leerlingen"}
    first = frame(demo, **pupils)
    with session_scope(demo) as session:  # at this scale every sampled school answered
        wave = session.exec(select(Wave).where(Wave.code == pupils["wave"])).one()
        for response in session.exec(
            select(Response).where(
                col(Response.public_id).in_(
                    list(first.loc[first["unit"] == first["unit"].iloc[0], "response_id"])
                ),
                Response.wave_id == wave.id,
            )
        ).all():
            session.delete(response)
    data = frame(demo, **pupils)
    table = data.attrs["sampled_units"].table
    missing = int((~table["responded"]).sum())
    assert missing > 0
    design = design_for(data)
    assert design.n == len(data) + missing
    # respondents keep the frame's weights; the units that did not answer weigh nothing
    np.testing.assert_allclose(design.weights[: len(data)], data["weight"], rtol=1e-12)
    assert (design.weights[len(data) :] == 0).all()
    # df: the sampled schools minus strata, not only those that answered
    assert design.df == len(table) - table["stratum"].nunique()
    assert design.is_calibrated
    total = design.total("weight")
    assert total.n == len(data)


# R (survey 4.1), tests/kpi/data/persons.R on persons.csv:
#   two <- svydesign(id = ~unit + respondent, strata = ~stratum,
#                    fpc = ~fpc_units + fpc_persons, weights = ~weight, data = rows)
#   ps <- postStratify(two, ~stratum, known)  # known: sum(N_h / n_h * M_i) per stratum
#   svytotal(~y, ps); svymean(~y, ps); degf(ps)
R_PS_TOTAL_Y = (27121.3000000000, 523.2305207708)
R_PS_MEAN_Y = (37.2034293553, 0.7177373399)
R_PS_DF = 6


def test_persons_calibrated_to_the_known_m_i_match_r() -> None:
    rows = pd.read_csv(DATA / "persons.csv")
    units = rows.groupby("unit", as_index=False).first()
    table = pd.DataFrame(
        {
            "unit": units["unit"],
            "unit_kind": "school",
            "province": None,
            "region": None,
            "sector": None,
            "stratum": units["stratum"],
            "fpc_units": units["fpc_units"].astype(float),
            "fpc_persons": units["fpc_persons"].astype(float),
            "responded": True,
        }
    )[SAMPLED_COLUMNS]
    rows.attrs.update(respondent="person", sampled_units=SampledUnits(table))
    design = design_for(rows)
    assert design.is_calibrated
    total, mean = design.total("y"), design.mean("y")
    assert (total.estimate, total.se) == pytest.approx(R_PS_TOTAL_Y, rel=1e-9)
    assert (mean.estimate, mean.se) == pytest.approx(R_PS_MEAN_Y, rel=1e-9)
    assert total.df == R_PS_DF


# R (survey 4.1), tests/kpi/data/nonresponse.R on nonresponse.csv: the weighting-class
# adjustment within strata and the Kim & Kim linearised variable u built by hand, then
#   vcov(svytotal(~u, svydesign(ids = ~unit, strata = ~stratum, fpc = ~fpc_units,
#                               weights = ~d)))
R_NR_TOTAL_Y = (3534.3333333333, 460.0402489269)
R_NR_DF, R_NR_N = 12, 11


def test_unit_nonresponse_within_strata_matches_r() -> None:
    sample = pd.read_csv(DATA / "nonresponse.csv")
    table = pd.DataFrame(
        {
            "unit": sample["unit"],
            "unit_kind": "pps",
            "province": None,
            "region": None,
            "sector": None,
            "stratum": sample["stratum"],
            "fpc_units": sample["fpc_units"].astype(float),
            "fpc_persons": float("nan"),
            "responded": sample["responded"] == 1,
        }
    )[SAMPLED_COLUMNS]
    rows = sample[sample["responded"] == 1].drop(columns="responded").reset_index(drop=True)
    sizes = table.groupby("stratum").agg(n=("unit", "size"), r=("responded", "sum"))
    rows["weight"] = rows["fpc_units"] / rows["stratum"].map(sizes["r"])
    rows.attrs.update(respondent="unit", sampled_units=SampledUnits(table))
    total = design_for(rows).total("y")
    assert (total.estimate, total.se) == pytest.approx(R_NR_TOTAL_Y, rel=1e-9)
    assert (total.df, total.n) == (R_NR_DF, R_NR_N)


# R (survey 4.1), tests/kpi/data/item.R on item.csv:
#   design <- svydesign(ids = ~unit, strata = ~stratum, fpc = ~fpc_units, weights = ~weight)
#   svycontrast(svytotal(~one + ya + a, design), quote(one * ya / a))  # N_hat * Y_a / A
#   and the log interval est * exp(-/+ qt(0.975, degf) * se / est)
R_ITEM_TOTAL = (3269.7709923664, 608.8671419966, 2128.2855371556, 5023.4811804480, 8)


def test_a_total_with_item_missing_answers_matches_r() -> None:
    from mel.kpi.frames import estimate_kpi
    from mel.kpi.variables import add_kpi_variable
    from mel.surveys.programme_schema import Kpi

    rows = pd.read_csv(DATA / "item.csv")
    kpi = Kpi.model_validate(
        {
            "code": "y",
            "label": {"nl": "y"},
            "definition": {"nl": "y"},
            "node": "p.n",
            "estimator": "total",
            "instrument": "i",
            "question": "y",
        }
    )
    data = add_kpi_variable(rows, kpi, None)  # type: ignore[arg-type]
    total = estimate_kpi(design_for(data), kpi)
    got = (total.estimate, total.se, total.ci_low, total.ci_high, total.df)
    assert got == pytest.approx(R_ITEM_TOTAL, rel=1e-9)
    assert total.method == "log" and total.n == int(rows["y"].notna().sum())
