"""The unit nonresponse model of a wave: which groups the responding units stand for.

A wave file may declare how unit nonresponse is adjusted (``nonresponse:``); without it the
strata are the response-homogeneity groups. The model is kept in the wave's design and read
here, once, for both the frame's ``weight`` column and the survey design that gives the
adjustment its variance (`mel.kpi.frames.design_for`), so the two always agree.

- ``groups: strata`` (the default): within each stratum the responding units stand for the
  sampled ones (factor n_h / r_h).
- ``groups: classes`` with ``variables: [region]``: weighting classes are the cells of these
  unit variables, within strata unless ``within_strata: false`` (Oh and Scheuren 1983).
- ``groups: propensity`` with ``variables: [...]``: a weighted logistic regression of
  response on these unit variables (R: ``svyglm(responded ~ ..., family = quasibinomial())``);
  respondents' weights divided by their propensity, or adjusted within ``classes: k``
  propensity classes (Little 1986). See `mel.analysis.propensity`.

The variables are what the units register holds for every unit, answering or not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from mel.analysis.design import Design

#: unit variables a nonresponse model may use (known for every sampled unit)
MODEL_VARIABLES = ("unit_kind", "province", "region", "sector")
GROUPS = ("strata", "classes", "propensity")
UNKNOWN = "(unknown)"  # the class of a unit whose register has no value for a variable


@dataclass(frozen=True)
class NonresponseModel:
    """How a wave adjusts for unit nonresponse (see the module docstring)."""

    groups: str = "strata"
    variables: tuple[str, ...] = field(default_factory=tuple)
    within_strata: bool = True
    classes: int | None = None

    def __deepcopy__(self, memo: dict[int, Any]) -> NonresponseModel:
        return self  # frozen: pandas copies a frame's attrs on every operation

    @classmethod
    def of_wave(cls, design: dict[str, Any] | None) -> NonresponseModel:
        """The model stored in a wave's design (its validated wave file); strata if none."""
        spec = (design or {}).get("nonresponse") or {}
        return cls(
            groups=str(spec.get("groups", "strata")),
            variables=tuple(spec.get("variables") or ()),
            within_strata=bool(spec.get("within_strata", True)),
            classes=spec.get("classes"),
        )

    @property
    def by_strata(self) -> bool:
        """Whether the strata alone are the groups (the default)."""
        return self.groups == "strata"

    def adjust(self, design: Design, responded: str = "responded") -> Design:
        """`design` (sampled units, respondents and not) adjusted for unit nonresponse."""
        if self.groups == "classes":
            return design.adjust_nonresponse(
                responded, list(self.variables), within_strata=self.within_strata
            )
        if self.groups == "propensity":
            from mel.analysis.propensity import adjust_propensity

            return adjust_propensity(design, responded, list(self.variables), classes=self.classes)
        return design.adjust_nonresponse(responded)

    def represented(self, table: pd.DataFrame) -> pd.DataFrame:
        """The sampled units the respondents stand for: with groups inside strata, those of
        strata where someone responded (a stratum without respondents is left out and said
        so in the coverage); otherwise all."""
        if self.by_strata or (self.groups == "classes" and self.within_strata):
            answered = set(table.loc[table["responded"].astype(bool), "stratum"])
            return table[table["stratum"].isin(answered)]
        return table

    def known(self, data: pd.DataFrame) -> pd.DataFrame:
        """`data` with the model's variables filled where the register has no value
        (``UNKNOWN``: its own class, so a unit without a region is not dropped)."""
        if not self.variables:
            return data
        filled = {
            name: data[name].astype(object).where(data[name].notna(), UNKNOWN)
            for name in self.variables
        }
        return data.assign(**filled)

    def describe(self) -> dict[str, Any]:
        """The model as plain data (for the frame's attrs and the methodology text)."""
        return {
            "groups": self.groups,
            "variables": list(self.variables),
            "within_strata": self.within_strata,
            "classes": self.classes,
        }


def unit_factors(table: pd.DataFrame, model: NonresponseModel) -> pd.Series:
    """Nonresponse factor (adjusted over selection weight) of every responding unit.

    `table` holds the sampled, eligible units (`mel.data.weights.SAMPLED_COLUMNS`); the
    factor is computed by `model.adjust` on a design of those units, the same computation
    `mel.kpi.frames.design_for` does with the answers attached.
    """
    from mel.analysis.design import Design

    units = model.represented(table).copy()
    units.attrs = {}
    sampled_h = units.groupby("stratum")["unit"].transform("size").astype(float)
    units["base_weight"] = units["fpc_units"].astype(float) / sampled_h
    units["responded"] = units["responded"].astype(float)
    design = Design(
        model.known(units.drop(columns="fpc_persons")),
        weights="base_weight",
        strata="stratum",
        psu="unit",
        fpc="fpc_units",
        lonely_psu="adjust",
    )
    adjusted = model.adjust(design)
    factor = (
        pd.Series(adjusted.weights, index=units["unit"].to_numpy())
        / units["base_weight"].to_numpy()
    )
    return factor[units["responded"].to_numpy() > 0]
