"""Weights of an analysis frame: selection, unit nonresponse and the known persons per unit.

The weight of a complete response is built in three steps (Lohr 2022, 8.5; Kalton and
Flores-Cervantes 2003), each of which `mel.kpi.frames.design_for` repeats on the design
so that its variance is part of every standard error:

1. **selection**: d_i = N_h / n_h, the inverse inclusion probability of a unit drawn by
   simple random sampling from its stratum (N_h units in the frame, n_h sampled and
   eligible);
2. **unit nonresponse** (weighting classes, Oh and Scheuren 1983): within each
   response-homogeneity group (the stratum) the responding units stand for the sampled
   ones, so their weight is multiplied by n_h / r_h. This assumes that within a stratum
   whether a unit answers has nothing to do with its answers (missing at random given
   the stratum). A wave file may declare other groups: weighting classes of unit
   variables or a response-propensity model (`mel.data.nonresponse`);
3. **persons** (person instruments): within a responding unit the m_i answering persons
   stand for its M_i persons (factor M_i / m_i), and per stratum the person weights are
   calibrated to the known persons of all sampled units, answering or not,
   sum_sampled d_i M_i, so that a stratum's persons are not under-counted because its
   large units did not answer. Where M_i of a sampled unit that did not answer is
   unknown, that stratum keeps the weights of step 2 (said in ``attrs["uncalibrated"]``).

References
----------
Oh, H. L. and Scheuren, F. J. (1983). Weighting adjustment for unit nonresponse.
Kalton, G. and Flores-Cervantes, I. (2003). Weighting methods. *J. Official Statistics* 19.
Lohr, S. L. (2022). *Sampling: Design and Analysis*, 3rd ed. CRC Press.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from mel.data.nonresponse import NonresponseModel, unit_factors

#: columns of ``frame.attrs["sampled_units"]``: one row per sampled, eligible unit
SAMPLED_COLUMNS = [
    "unit",
    "unit_kind",
    "province",
    "region",
    "sector",
    "stratum",
    "fpc_units",
    "fpc_persons",
    "responded",
]


def sampled_units(
    units: dict[int, tuple], sampled: set[int], ineligible: set[int], responding: set[int]
) -> pd.DataFrame:
    """The sampled, eligible units of the frame with their stratum, N_h, M_i and response."""
    rows = [
        (*row[:6], float(row[6]), row[7], unit_id in responding)
        for unit_id, row in units.items()
        if unit_id in sampled and unit_id not in ineligible
    ]
    table = pd.DataFrame(rows, columns=SAMPLED_COLUMNS)
    table["fpc_persons"] = table["fpc_persons"].astype(float)
    return table.sort_values(["stratum", "unit"], kind="stable").reset_index(drop=True)


def response_rates(units: pd.DataFrame) -> dict[str, tuple[int, int]]:
    """Per stratum: (sampled eligible units, responding units)."""
    grouped = units.groupby("stratum", sort=True)["responded"]
    return {str(h): (int(g.size), int(g.sum())) for h, g in grouped}


def unit_weights(
    data: pd.DataFrame, units: pd.DataFrame, model: NonresponseModel | None = None
) -> pd.Series:
    """Steps 1 and 2: N_h / n_h times the nonresponse factor for every row of ``data``.

    With the strata as groups (the default) the factor is n_h / r_h; a wave's declared
    model (weighting classes, response propensities) gives each responding unit its own
    factor (`mel.data.nonresponse.unit_factors`).
    """
    rates = response_rates(units)
    sampled = data["stratum"].map(lambda h: rates[h][0]).astype(float)
    base = data["fpc_units"].astype(float) / sampled
    if model is not None and not model.by_strata:
        return base * data["unit"].map(unit_factors(units, model)).astype(float)
    responding = data["stratum"].map(lambda h: rates[h][1]).astype(float)
    return base * sampled / responding


def person_totals(units: pd.DataFrame) -> dict[str, float]:
    """Known persons per stratum, sum over sampled units of d_i M_i (strata where every
    sampled unit has a known M_i; the others are left out)."""
    totals: dict[str, float] = {}
    for h, group in units.groupby("stratum", sort=True):
        if group["fpc_persons"].notna().all() and group["responded"].any():
            d = group["fpc_units"] / len(group)
            totals[str(h)] = float((d * group["fpc_persons"]).sum())
    return totals


def calibrate_persons(data: pd.DataFrame, weight: pd.Series, totals: dict[str, float]) -> pd.Series:
    """Step 3: person weights scaled per stratum to the known persons ``totals``."""
    current = weight.groupby(data["stratum"]).transform("sum")
    target = data["stratum"].map(totals).astype(float)
    factor = np.where(target.notna(), target / current, 1.0)
    return weight * factor


class SampledUnits:
    """The sampled, eligible units of a frame (``table``: `mel.data.weights.SAMPLED_COLUMNS`),
    kept in ``frame.attrs`` without being copied by every pandas operation."""

    def __init__(self, table: pd.DataFrame) -> None:
        self.table = table

    def __deepcopy__(self, memo: dict[int, Any]) -> SampledUnits:
        return self

    def __len__(self) -> int:
        return len(self.table)
