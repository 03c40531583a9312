"""Allocation of a sample over strata, and the draws themselves (no database)."""

from __future__ import annotations

import numpy as np
import pytest

from mel.services.sampling import SamplingError
from mel.services.sampling.allocation import allocate, check_explicit
from mel.services.sampling.draw import pps, pps_probabilities, stratified

N = {"a": 100, "b": 10, "c": 3}


def test_proportional_with_minimum_reshares_what_is_left() -> None:
    # 20·N_h/113 = 17.7, 1.77, 0.53: c is raised to 2, then b (1.64 of 18) to 2; a keeps 16.
    assert allocate(N, 20, "proportional", minimum=2) == {"a": 16, "b": 2, "c": 2}
    assert allocate(N, 113, "proportional") == N
    sizes = allocate({"x": 7, "y": 7, "z": 7}, 10, "proportional")
    assert sorted(sizes.values()) == [3, 3, 4] and sizes["x"] == 4  # ties go by name


def test_equal_caps_small_strata_at_their_size() -> None:
    assert allocate(N, 20, "equal") == {"a": 9, "b": 8, "c": 3}


def test_neyman_follows_n_h_times_s_h() -> None:
    # N_h S_h = 100, 200, 15: b would get 12.7 > 10 and is taken whole; a and c share 10.
    sizes = allocate(N, 20, "neyman", sd={"a": 1, "b": 20, "c": 5}, minimum=1)
    assert sizes == {"a": 9, "b": 10, "c": 1}
    with pytest.raises(SamplingError, match="no standard deviation for stratum 'c'"):
        allocate(N, 20, "neyman", sd={"a": 1, "b": 2})


def test_take_all_strata_and_the_errors() -> None:
    assert allocate(N, 30, "proportional", take_all={"b"}, minimum=2) == {"a": 18, "b": 10, "c": 2}
    with pytest.raises(SamplingError, match="exceeds the 113 units"):
        allocate(N, 114, "proportional")
    with pytest.raises(SamplingError, match="need 16 units"):
        allocate(N, 15, "proportional", take_all={"b"}, minimum=3)
    with pytest.raises(SamplingError, match="take-all stratum 'd'"):
        allocate(N, 20, "equal", take_all={"d"})


def test_explicit_sizes_are_checked_against_the_frame() -> None:
    assert check_explicit(N, {"a": 5, "c": 3}) == {"a": 5, "b": 0, "c": 3}
    with pytest.raises(SamplingError, match="stratum 'c': sample size 4 exceeds its 3 units"):
        check_explicit(N, {"c": 4})
    with pytest.raises(SamplingError, match="stratum 'd' in 'sizes'"):
        check_explicit(N, {"d": 1})


def test_stratified_draw_is_reproducible_and_exact() -> None:
    strata = ["a"] * 100 + ["b"] * 10 + ["c"] * 3
    sizes = {"a": 16, "b": 2, "c": 2}
    first, second = stratified(strata, sizes, 7), stratified(strata, sizes, 7)
    assert np.array_equal(first.sampled, second.sampled)
    assert not np.array_equal(first.sampled, stratified(strata, sizes, 8).sampled)
    assert first.population() == {"a": (100, 16), "b": (10, 2), "c": (3, 2)}
    assert first.probability[first.sampled].tolist().count(0.16) == 16
    assert first.probability.sum() == pytest.approx(20)
    # Pinned: the first draw with seed 7 (numpy PCG64), so a change of stream is noticed.
    assert np.flatnonzero(first.sampled[100:])[:2].tolist() == _pinned_b()


def _pinned_b() -> list[int]:
    rng = np.random.Generator(np.random.PCG64(7))
    rng.choice(100, size=16, replace=False)
    return sorted(rng.choice(10, size=2, replace=False).tolist())


def test_pps_probabilities_take_big_units_with_certainty() -> None:
    size = np.array([1, 2, 3, 4, 50, 6, 7, 8, 9, 10.0])
    pi = pps_probabilities(size, 4)
    # 4·50/100 = 2 ≥ 1: unit 5 is certain; the other three share 50: π = 3·x/50.
    assert pi[4] == 1.0
    assert pi[[0, 9]].tolist() == pytest.approx([0.06, 0.6])
    assert pi.sum() == pytest.approx(4)
    with pytest.raises(SamplingError, match="positive size"):
        pps_probabilities(np.array([1.0, 0.0, 2.0]), 2)


@pytest.mark.parametrize("selection", ["systematic", "brewer"])
def test_pps_draws_have_their_inclusion_probabilities(selection: str) -> None:
    size = np.array([1, 2, 3, 4, 50, 6, 7, 8, 9, 10.0])
    pi = pps_probabilities(size, 4)
    runs = 4000
    counts = np.zeros(len(size))
    for seed in range(runs):
        drawn = pps(size, 4, seed, selection)
        assert int(drawn.sampled.sum()) == 4
        counts += drawn.sampled
    # Binomial SE of a frequency is at most 0.5/√4000 = 0.008: allow four of them.
    assert np.abs(counts / runs - pi).max() < 0.032
    assert drawn.population() == {"pps": (9, 3), "take-all": (1, 1)}
    assert np.array_equal(pps(size, 4, 3, selection).sampled, pps(size, 4, 3, selection).sampled)
