"""Who answers the simulated invitations: completes, partials, refusals, bounces, opt-outs.

Every response answers a case's invitation (its `invitation_id` and unit), so the
database's exactly-once rules hold (one response per invitation, unique submission ids,
one complete response per unit of a unit survey) and mel derives each case's AAPOR outcome
from what came back (`mel.services.fieldwork.outcomes`). Bounces are recorded as
`mel invitations bounced` does and opt-outs as the opt-out page does.

A sampled unit takes part with the profile's unit response rate (at least two per
stratum). Of a unit that takes part, its unit survey is complete and about the profile's
number of its invited persons answer; of one that does not, the unit survey is at most
started, and its persons do not answer (a few refuse, bounce or opt out).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from sqlmodel import Session

from mel.demo.fielding import FieldedCase
from mel.demo.profiles import Profile
from mel.demo.units import UnitDraft
from mel.models import Case
from mel.services.fieldwork.bounces import Bounce, record_bounces
from mel.services.fieldwork.optout import opt_out

BOUNCE = "550 5.1.1 recipient address rejected (simulated)"
# Of a unit that does not take part, its unit survey's case: started (then left, maybe
# without an answer), refused at once, bounced, opted out; the rest never answer.
UNIT_LAPSED = (0.5, 0.1, 0.1, 0.05)
# Of the invited persons not answering: refused, bounced, opted out (rest: no answer).
PERSON_QUIET = (0.03, 0.03, 0.02)
PERSON_SHARE = 0.8  # at most this share of a unit's invited persons complete, on average


@dataclass
class Returns:
    """What came back for one instrument: responses to store and cases to mark."""

    unit_of: list[int] = field(default_factory=list)  # draft index of each response
    complete: list[bool] = field(default_factory=list)
    refused: list[bool] = field(default_factory=list)  # logged on, answered nothing
    invitation: list[int] = field(default_factory=list)
    unit_id: list[int] = field(default_factory=list)
    language: list[str] = field(default_factory=list)
    bounced: list[FieldedCase] = field(default_factory=list)
    opted_out: list[FieldedCase] = field(default_factory=list)

    def answer(self, case: FieldedCase, *, complete: bool, refused: bool = False) -> None:
        """A response through the case's invitation."""
        self.unit_of.append(case.unit_index)
        self.complete.append(complete)
        self.refused.append(refused)
        self.invitation.append(case.invitation_id)
        self.unit_id.append(case.unit_id)
        self.language.append(case.language)

    def quiet(self, case: FieldedCase, shares: tuple[float, float, float], u: float) -> None:
        """No answer: a refusal, a bounce, an opt-out or nothing, by `u` in [0, 1)."""
        refuse, bounce, out = shares
        if u < refuse:
            self.answer(case, complete=False, refused=True)
        elif u < refuse + bounce:
            self.bounced.append(case)
        elif u < refuse + bounce + out:
            self.opted_out.append(case)


def responding_units(
    rng: np.random.Generator, sampled: dict[str, list[int]], unit_response: float
) -> set[int]:
    """The sampled units (draft indexes by stratum) that take part: at least 2 per stratum."""
    taking = set()
    for stratum in sorted(sampled):
        chosen = np.array(sorted(sampled[stratum]), dtype=np.int64)
        responds = rng.random(len(chosen)) < unit_response
        short = min(2, len(chosen)) - int(responds.sum())
        if short > 0:
            responds[rng.choice(np.flatnonzero(~responds), size=short, replace=False)] = True
        taking.update(chosen[responds].tolist())
    return taking


def unit_returns(rng: np.random.Generator, cases: list[FieldedCase], taking: set[int]) -> Returns:
    """A unit survey: complete for units taking part, else lapsed (see `UNIT_LAPSED`)."""
    result = Returns()
    started, refuse, bounce, out = UNIT_LAPSED
    for case in cases:
        if case.unit_index in taking:
            result.answer(case, complete=True)
            continue
        u = rng.random()
        if u < started:
            result.answer(case, complete=False)
        else:
            result.quiet(case, (refuse, bounce, out), (u - started) / (1 - started))
    return result


def person_returns(
    rng: np.random.Generator,
    cases: list[FieldedCase],
    taking: set[int],
    expected: dict[int, float],
    in_progress: float,
) -> Returns:
    """A person survey: about `expected[unit]` of a taking part unit's persons complete."""
    result = Returns()
    share = in_progress / (1 - in_progress)
    by_unit: dict[int, list[FieldedCase]] = defaultdict(list)
    for case in cases:
        by_unit[case.unit_index].append(case)
    for unit in sorted(by_unit):
        invited = by_unit[unit]
        k = len(invited)
        order = rng.permutation(k)
        quiet = rng.random(k)
        if unit not in taking:
            for j in order:
                result.quiet(invited[j], PERSON_QUIET, quiet[j])
            continue
        m = int(np.clip(rng.poisson(min(expected[unit], PERSON_SHARE * k)), min(2, k), k))
        extra = int(min(k - m, rng.binomial(m, share)))
        for rank, j in enumerate(order):
            if rank < m + extra:
                result.answer(invited[j], complete=rank < m)
            else:
                result.quiet(invited[j], PERSON_QUIET, quiet[j])
    return result


def record_quiet(session: Session, wave_id: int, returns: Returns) -> None:
    """Record the bounces (as `mel invitations bounced`) and opt-outs (as the opt-out page)."""
    if returns.bounced:
        record_bounces(session, [Bounce(c.email, BOUNCE) for c in returns.bounced], wave_id)
    for item in returns.opted_out:
        case = session.get(Case, item.case_id)
        assert case is not None
        opt_out(session, case)


def expected_persons(
    profile: Profile,
    drafts: list[UnitDraft],
    units: list[int],
    year: int,
    instrument: str,
    factor: dict[str, float],
) -> dict[int, float]:
    """Each unit's expected respondents of a person survey (the profile's, times `factor`)."""
    return {
        i: profile.persons(drafts[i], year, instrument)[1] * factor[drafts[i].stratum or "all"]
        for i in units
    }
