"""A KPI's figures per cell of a table, protected by the one disclosure rule.

The report, the dashboards, the API and the downloads all take their group figures from
here: the estimate of every cell of the cross of some dimensions (domains keep the rows
outside at zero weight, as R's `svyby` does), graded (`mel.analysis.quality`: grade E is
not published) and protected with `mel.disclosure` over the respondents who answered. A
hidden cell loses every figure: estimate, se, interval, n, df and deff.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from mel.analysis.design import Design
from mel.analysis.errors import DesignError
from mel.analysis.results import COLUMNS, Estimate, EstimateTable
from mel.disclosure.cells import (
    LINKED,
    ORDER,
    UNKNOWN,
    canonical,
    cell_key,
    cell_shown,
    cross_counts,
    group_cells,
    labels,
    linked_cells,
)
from mel.disclosure.rules import publishable
from mel.kpi.frames import design_for, estimate_kpi, kpi_design
from mel.kpi.variables import kpi_column
from mel.surveys.programme_schema import Kpi

SEP = "\x1f"
CELL = "_cell"
BREAKDOWN_COLUMNS = ["disaggregation", "group", *COLUMNS, "suppressed"]


def plain(estimate: Estimate) -> dict[str, Any]:
    """The result figures as plain numbers (NaN as None, n whole), for JSON and tables."""
    values = estimate.to_dict()
    return {
        name: None if isinstance(v, float) and v != v else (int(v) if name == "n" else float(v))
        for name, v in values.items()
    }


class CellEstimates:
    """The KPI in every cell of crosses of dimensions of one analysis frame, cached."""

    def __init__(self, data: pd.DataFrame, kpi: Kpi, design: Design | None = None) -> None:
        """`design` is the design of `data` (`design_for`) when the caller has built it."""
        self.data, self.kpi = data, kpi
        # Who answered, by the dimensions the cells are counted over (not a copy of every
        # column of a frame that may hold a million rows).
        column = kpi_column(kpi)
        kept = [c for c in dict.fromkeys((*ORDER, "unit", column)) if c in data]
        self.answered = data.loc[data[column].notna(), kept]
        self._tables: dict[tuple[str, ...], dict[Any, Estimate]] = {}
        self._design = design
        self._aligned: bool | None = None

    def _kpi_design(self) -> Design:
        """The design the KPI is estimated on, built once for every table of cells."""
        if self._design is None:
            self._design = design_for(self.data)
        return self._for_kpi(self._design)

    def _for_kpi(self, design: Design) -> Design:
        """`kpi_design` of `design`, remembered on the design for this KPI."""
        return design.cached(("kpi", self.kpi.code), lambda: kpi_design(design, self.kpi))

    def _frame_first(self, design: Design) -> bool:
        """Whether the design's data starts with the frame's rows in their order (a
        nonresponse design adds its nonrespondents after them)."""
        rows = len(self.data)
        if design.n < rows:
            return False
        keys = [c for c in ("unit", "respondent") if c in self.data and c in design.data]
        return bool(keys) and all(
            np.array_equal(
                design.data[c].to_numpy()[:rows].astype(str), self.data[c].to_numpy().astype(str)
            )
            for c in keys
        )

    def _with_cells(self, design: Design, cell: pd.Series) -> Design:
        """`design` with the `CELL` column: the frame's labels and blank for the rows a
        nonresponse design added, as `design_for` of the frame with that column gives."""
        if self._aligned is None:
            self._aligned = self._frame_first(design)
        if not self._aligned:  # rows not the frame's: build the design with the column
            return self._for_kpi(design_for(self.data.assign(**{CELL: cell})))
        # categorical: the estimator's grouping reads its codes instead of hashing text
        labelled = pd.Categorical(cell)
        codes = np.full(design.n, -1, dtype=labelled.codes.dtype)
        codes[: len(self.data)] = labelled.codes
        return design.with_column(
            CELL, pd.Categorical.from_codes(codes, categories=labelled.categories)
        )

    def table(self, dims: Sequence[str]) -> dict[Any, Estimate]:
        """Estimates by cell of the cross of `dims`, keyed as `cells.cross_counts` is."""
        key = tuple(dims)
        if key not in self._tables:
            self._tables[key] = self._estimate(list(dims))
        return self._tables[key]

    def _estimate(self, dims: list[str]) -> dict[Any, Estimate]:
        try:
            design = self._kpi_design()
            if not dims:
                overall = estimate_kpi(design, self.kpi)
                assert isinstance(overall, Estimate)
                return {"*": overall}
            cell = labels(self.data, dims[0])
            for dim in dims[1:]:
                cell = cell + SEP + labels(self.data, dim)
            found = estimate_kpi(self._with_cells(design, cell), self.kpi, by=CELL)
        except DesignError:
            return {}
        assert isinstance(found, EstimateTable)
        return {(tuple(str(g).split(SEP)) if len(dims) > 1 else str(g)): found[g] for g in found}

    def unpublishable(self, dims: Sequence[str]) -> pd.Series:
        """True for every answered cell of the cross of `dims` whose estimate may not be
        published (grade E, or no estimate at all)."""
        table = self.table(dims)
        counts = cross_counts(self.answered, list(dims))
        flags = [key not in table or not publishable(table[key]) for key in counts.index]
        return pd.Series(flags, index=counts.index, dtype=bool)

    def shown(self, filters: dict[str, str], k: int) -> bool:
        """Whether the KPI of the cell selected by `filters` may be shown."""
        if self.answered.empty:
            return False
        dims = canonical(list(filters))
        if cell_key(filters, dims) not in self.table(dims):
            return False
        return cell_shown(self.answered, filters, k, self.unpublishable)

    def estimate(self, filters: dict[str, str], k: int) -> Estimate | None:
        """The KPI of the cell selected by `filters`, or None when it may not be shown."""
        if not self.shown(filters, k):
            return None
        dims = canonical(list(filters))
        return self.table(dims).get(cell_key(filters, dims))

    def groups(self, filters: dict[str, str], by: str, k: int) -> pd.DataFrame:
        """One row per group of `by` in the selection: the figures and `suppressed`.

        Hidden groups have every figure blank (None).
        """
        cells = group_cells(self.answered, filters, by, k, self.unpublishable)
        dims = ["unit"] if by == "unit" else canonical([*filters, by])
        table = self.table(dims)
        rows = []
        for group, cell in cells.iterrows():
            key = cell_key({**filters, by: str(group)}, dims)
            shown = not bool(cell["hidden"]) and cell["n"] > 0 and key in table
            figures = plain(table[key]) if shown else {}
            rows.append(
                {"group": group, **{c: figures.get(c) for c in COLUMNS}, "suppressed": not shown}
            )
        frame = pd.DataFrame(rows, columns=["group", *COLUMNS, "suppressed"]).astype(object)
        return frame.where(frame.notna(), None)

    @staticmethod
    def empty_breakdowns() -> pd.DataFrame:
        """A breakdowns table without rows."""
        frame = pd.DataFrame(columns=BREAKDOWN_COLUMNS)
        frame["suppressed"] = frame["suppressed"].astype(bool)
        return frame

    def breakdowns(self, variables: Sequence[str], k: int) -> pd.DataFrame:
        """The report's long table: one row per group of each breakdown in `variables`.

        Protected together with every other breakdown (`LINKED`) the outputs publish, so
        that the report and a dashboard grouped by the same dimension hide the same cells.
        Groups without respondents and the unknown group are left out.
        """
        protected = linked_cells(self.answered, k, self.unpublishable) if len(self.answered) else {}
        parts = []
        for variable in variables:
            if variable not in protected or variable not in LINKED:
                continue
            table = self.table([variable])
            cells = protected[variable]
            cells = cells[(cells["n"] > 0) & (cells.index != UNKNOWN)]
            for group, cell in cells.iterrows():
                shown = not bool(cell["hidden"]) and group in table
                figures = table[group].to_dict() if shown else {}
                parts.append(
                    {
                        "disaggregation": variable,
                        "group": str(group),
                        **{c: figures.get(c, np.nan) for c in COLUMNS},
                        "suppressed": not shown,
                    }
                )
        frame = pd.DataFrame(parts, columns=BREAKDOWN_COLUMNS)
        for column in COLUMNS:
            frame[column] = frame[column].astype(float)
        frame["suppressed"] = frame["suppressed"].astype(bool)
        return frame
