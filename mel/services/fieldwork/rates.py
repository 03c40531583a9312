"""AAPOR outcome rates from counts of final dispositions.

The definitions follow AAPOR, *Standard Definitions: Final Dispositions of Case Codes and
Outcome Rates for Surveys* (10th edition, 2023), with

- ``I`` complete interviews, ``P`` partial interviews,
- ``R`` refusals and break-offs, ``NC`` non-contacts, ``O`` other eligible non-interviews,
- ``U`` cases of unknown eligibility (AAPOR's ``UH + UO``),
- ``e`` the estimated share of the cases of unknown eligibility that are eligible:

=====  ==============================================================
RR1    I / ((I + P) + (R + NC + O) + U)
RR2    (I + P) / ((I + P) + (R + NC + O) + U)
RR3    I / ((I + P) + (R + NC + O) + e·U)
COOP1  I / ((I + P) + R + O)
REF1   R / ((I + P) + (R + NC + O) + U)
CON1   ((I + P) + R + O) / ((I + P) + R + O + NC + U)
=====  ==============================================================

mel's dispositions map onto these groups as follows: ``complete`` → I, ``partial`` → P,
``refusal`` and ``opted_out`` (an explicit refusal, AAPOR 2.111) → R, ``non_contact`` and
cases still pending → NC (a pending case becomes a non-contact at the close if nothing
comes back), ``eligibility_unknown`` and ``undeliverable`` (an invitation returned
undelivered, AAPOR 3.3) → U, ``not_eligible`` (AAPOR 4) → left out of every rate. O is
always 0: mel records no other eligible non-interview.

Unless stated, ``e`` is the eligible share among the cases whose eligibility is known
(the proportional allocation AAPOR calls the default): (I+P+R+NC+O) / (I+P+R+NC+O+NE),
with NE the cases found not eligible; with no such case it is 1. A rate whose denominator
is 0 is None.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass

GROUPS = {
    "complete": "I",
    "partial": "P",
    "refusal": "R",
    "opted_out": "R",
    "non_contact": "NC",
    None: "NC",  # pending
    "eligibility_unknown": "U",
    "undeliverable": "U",
    "not_eligible": "NE",
}
RATE_NAMES = ("RR1", "RR2", "RR3", "COOP1", "REF1", "CON1")


@dataclass(frozen=True)
class Counts:
    """Cases per AAPOR group (O is always 0 in mel)."""

    I: int = 0  # noqa: E741 - AAPOR's own letter
    P: int = 0
    R: int = 0
    NC: int = 0
    O: int = 0  # noqa: E741
    U: int = 0
    NE: int = 0

    @classmethod
    def of(cls, outcomes: Iterable[str | None]) -> Counts:
        """Count dispositions (None: a pending case) into AAPOR groups."""
        return cls.tally(Counter(outcomes))

    @classmethod
    def tally(cls, per_outcome: Mapping[str | None, int]) -> Counts:
        """AAPOR groups from the number of cases per disposition (None: pending)."""
        groups = dict.fromkeys(("I", "P", "R", "NC", "O", "U", "NE"), 0)
        for outcome, n in per_outcome.items():
            groups[GROUPS[outcome]] += n
        return cls(**groups)


def default_e(counts: Counts) -> float:
    """The eligible share among cases of known eligibility (1 when none was found not eligible)."""
    eligible = counts.I + counts.P + counts.R + counts.NC + counts.O
    known = eligible + counts.NE
    return eligible / known if known else 1.0


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator > 0 else None


def rates(counts: Counts, e: float | None = None) -> dict[str, float | None]:
    """RR1, RR2, RR3, COOP1, REF1, CON1 (see the module docstring) and the `e` used."""
    if e is None:
        e = default_e(counts)
    if not 0.0 <= e <= 1.0:
        raise ValueError(f"e must lie between 0 and 1, not {e!r}")
    c = counts
    interviews = c.I + c.P
    eligible_no = c.R + c.NC + c.O
    everyone = interviews + eligible_no + c.U
    return {
        "RR1": _ratio(c.I, everyone),
        "RR2": _ratio(interviews, everyone),
        "RR3": _ratio(c.I, interviews + eligible_no + e * c.U),
        "COOP1": _ratio(c.I, interviews + c.R + c.O),
        "REF1": _ratio(c.R, everyone),
        "CON1": _ratio(interviews + c.R + c.O, interviews + c.R + c.O + c.NC + c.U),
        "e": e,
    }


def rates_row(outcomes: Iterable[str | None], e: float | None = None) -> dict[str, object]:
    """Counts per disposition, per AAPOR group, and the rates of one group of cases."""
    return counted_row(Counter(outcomes), e)


def counted_row(per_outcome: Mapping[str | None, int], e: float | None = None) -> dict[str, object]:
    """`rates_row` from the number of cases per disposition (None: pending)."""
    unknown = set(per_outcome) - set(GROUPS)
    if unknown:
        raise ValueError(f"unknown outcomes {sorted(map(str, unknown))}")
    counts = Counts.tally(per_outcome)
    return {
        "cases": sum(per_outcome.values()),
        "pending": per_outcome.get(None, 0),
        **{key: per_outcome.get(key, 0) for key in GROUPS if key is not None},
        "groups": asdict(counts),
        **rates(counts, e),
    }
