"""Apply a wave file's design to a frame of units: allocation, then the draw."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from mel.services.sampling import SamplingError
from mel.services.sampling.allocation import allocate, check_explicit
from mel.services.sampling.draw import Drawn, factorize, pps, stratified
from mel.services.sampling.wavefile import Census, Pps, Stratified, WaveFile

ALL = "all"


def stratum_sizes(
    spec: Stratified, strata: Sequence[str], sd: Mapping[str, float] | None = None
) -> dict[str, int]:
    """n_h for each stratum of the frame under the design's allocation rule."""
    population = dict(sorted(Counter(strata).items()))
    if spec.allocation == "explicit":
        assert spec.sizes is not None
        sizes = check_explicit(population, spec.sizes)
        if spec.sample_size is not None and spec.sample_size != sum(sizes.values()):
            raise SamplingError(
                f"sample_size {spec.sample_size} differs from the sum of 'sizes' "
                f"({sum(sizes.values())})"
            )
        return sizes
    assert spec.sample_size is not None
    if spec.allocation == "neyman":
        assert spec.neyman is not None
        sd = spec.neyman.sd if spec.neyman.sd is not None else sd
    return allocate(
        population,
        spec.sample_size,
        spec.allocation,
        sd=sd,
        take_all=set(spec.take_all),
        minimum=spec.minimum_per_stratum,
    )


def draw_frame(
    spec: WaveFile, units: Sequence[Any], seed: int, sd: Mapping[str, float] | None = None
) -> Drawn:
    """Draw `spec`'s sample from `units` (rows with code, stratum, sizes; by code) with `seed`.

    `sd` holds each stratum's standard deviation for Neyman allocation from a previous
    wave (see `mel.services.sampling.plan.stratum_sds`).
    """
    design = spec.design
    if isinstance(design, Census):
        names, where = factorize([u.stratum or ALL for u in units])
        return Drawn(names, where, np.ones(len(units), dtype=bool), np.ones(len(units)))
    if isinstance(design, Stratified):
        missing = [u.code for u in units if not u.stratum]
        if missing:
            raise SamplingError(
                f"units without a stratum cannot be sampled by stratum: "
                f"{', '.join(missing[:5])}{' …' if len(missing) > 5 else ''}"
            )
        strata = [str(u.stratum) for u in units]
        return stratified(strata, stratum_sizes(design, strata, sd), seed)
    assert isinstance(design, Pps)
    lacking = [u.code for u in units if not u.sizes.get(design.size)]
    if lacking:
        raise SamplingError(
            f"PPS on {design.size!r} needs a positive size for every unit; missing or zero "
            f"for {', '.join(lacking[:5])}{' …' if len(lacking) > 5 else ''}"
        )
    size = [float(u.sizes[design.size]) for u in units]
    return pps(size, design.sample_size, seed, design.selection)
