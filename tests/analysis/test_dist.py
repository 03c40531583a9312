"""mel.analysis.dist returns exactly what scipy.stats returns, without importing it."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from mel.analysis import dist

Q = np.array([1e-9, 0.001, 0.025, 0.3, 0.5, 0.975, 0.999999])
X = np.array([0.0, 0.2, 1.7, 2.5, 12.0, 40.0])
DF = [0.5, 1, 3, 37, 1e6, np.inf]


@pytest.mark.parametrize("df", DF)
def test_student_t(df: float) -> None:
    np.testing.assert_array_equal(dist.t_ppf(Q, df), stats.t.ppf(Q, df))
    np.testing.assert_allclose(dist.t_isf(Q, df), stats.t.isf(Q, df), rtol=1e-14)
    np.testing.assert_allclose(dist.t_sf(X, df), stats.t.sf(X, df), rtol=1e-14)


def test_normal_beta_chi2_f() -> None:
    np.testing.assert_array_equal(dist.norm_ppf(Q), stats.norm.ppf(Q))
    np.testing.assert_array_equal(dist.norm_cdf(X), stats.norm.cdf(X))
    for a, b in [(0.5, 3.0), (2.0, 3.0), (40.0, 1.5)]:
        inner = Q[1:-1]  # scipy.stats warns at the extremes (boost's root finding gives up)
        np.testing.assert_allclose(
            dist.beta_ppf(inner, a, b), stats.beta.ppf(inner, a, b), rtol=1e-13
        )
    for k in [1, 2, 7.5]:
        np.testing.assert_allclose(dist.chi2_sf(X, k), stats.chi2.sf(X, k), rtol=1e-13)
    np.testing.assert_allclose(dist.f_sf(X, 2, 5.5), stats.f.sf(X, 2, 5.5), rtol=1e-13)
