"""Profile-likelihood intervals for a proportion, as R ``svyciprop(method="likelihood")``.

R fits the intercept-only quasi-binomial ``svyglm`` and profiles its deviance in at most
nine steps either side of the estimate (MASS's ``profile.glm``), scaling the signed root
deviance by the estimated dispersion; the interval is read off an interpolating cubic
spline (Forsythe, Malcolm & Moler 1977, R's ``spline(method="fmm")``) through the profile,
at normal cut-offs whose level is shrunk by the design effect (Rao & Scott 1984) on the
design degrees of freedom. This module reproduces those steps exactly for a 0/1 response,
whose deviance depends on the data only through the weighted counts of ones and zeros.

References
----------
Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*, section 2.3.1.
Venables, W. N. and Ripley, B. D. (2002). *Modern Applied Statistics with S*, 4th ed.
(MASS), section 8.4.
Forsythe, G. E., Malcolm, M. A. and Moler, C. B. (1977). *Computer Methods for
Mathematical Computations*. Prentice-Hall.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from mel.analysis import dist
from mel.analysis.intervals import expit


def _regularize(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sort by x and average y over tied x (R's ``regularize.values(ties = mean)``)."""
    ux, inverse = np.unique(x, return_inverse=True)
    if len(ux) == len(x):
        order = np.argsort(x, kind="stable")
        return x[order], y[order]
    sums = np.bincount(inverse, weights=y)
    counts = np.bincount(inverse)
    return ux, sums / counts


def fmm_spline(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Coefficients (b, c, d) of R's ``fmm`` cubic spline through sorted points (x, y)."""
    n = len(x)
    b = np.zeros(n)
    c = np.zeros(n)
    d = np.zeros(n)
    if n < 2:
        return b, c, d
    if n < 3:
        t = (y[1] - y[0]) / (x[1] - x[0])
        b[:] = t
        return b, c, d
    nm1 = n - 1
    d[0] = x[1] - x[0]
    c[1] = (y[1] - y[0]) / d[0]
    for i in range(1, nm1):
        d[i] = x[i + 1] - x[i]
        b[i] = 2.0 * (d[i - 1] + d[i])
        c[i + 1] = (y[i + 1] - y[i]) / d[i]
        c[i] = c[i + 1] - c[i]
    # end conditions: third derivatives matched to those of cubics through 4 end points
    b[0] = -d[0]
    b[nm1] = -d[n - 2]
    c[0] = c[nm1] = 0.0
    if n > 3:
        c[0] = c[2] / (x[3] - x[1]) - c[1] / (x[2] - x[0])
        c[nm1] = c[n - 2] / (x[nm1] - x[n - 3]) - c[n - 3] / (x[n - 2] - x[n - 4])
        c[0] = c[0] * d[0] * d[0] / (x[3] - x[0])
        c[nm1] = -c[nm1] * d[n - 2] * d[n - 2] / (x[nm1] - x[n - 4])
    for i in range(1, n):
        t = d[i - 1] / b[i - 1]
        b[i] = b[i] - t * d[i - 1]
        c[i] = c[i] - t * c[i - 1]
    c[nm1] = c[nm1] / b[nm1]
    for i in range(n - 2, -1, -1):
        c[i] = (c[i] - d[i] * c[i + 1]) / b[i]
    b[nm1] = (y[nm1] - y[n - 2]) / d[n - 2] + d[n - 2] * (c[n - 2] + 2.0 * c[nm1])
    for i in range(nm1):
        b[i] = (y[i + 1] - y[i]) / d[i] - d[i] * (c[i + 1] + 2.0 * c[i])
        d[i] = (c[i + 1] - c[i]) / d[i]
        c[i] = 3.0 * c[i]
    c[nm1] = 3.0 * c[nm1]
    d[nm1] = d[n - 2]
    return b, c, d


def spline(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """R's ``spline(x, y)``: the fmm spline evaluated at ``3 * length(x)`` even points."""
    x, y = _regularize(np.asarray(x, float), np.asarray(y, float))
    n_out = 3 * len(x)
    xout = np.linspace(x[0], x[-1], n_out)
    b, c, d = fmm_spline(x, y)
    # interval index: the last knot at or below u (R's spline_eval binary search)
    i = np.clip(np.searchsorted(x, xout, side="right") - 1, 0, len(x) - 1)
    dx = xout - x[i]
    return xout, y[i] + dx * (b[i] + dx * (c[i] + dx * d[i]))


def approx(x: np.ndarray, y: np.ndarray, xout: np.ndarray) -> np.ndarray:
    """R's ``approx(x, y, xout)``: linear interpolation, NaN outside the data range."""
    keep = ~(np.isnan(x) | np.isnan(y))
    x, y = _regularize(x[keep], y[keep])
    if len(x) < 2:
        return np.full(len(xout), math.nan)
    return np.interp(xout, x, y, left=math.nan, right=math.nan)


def _linkinv(eta: np.ndarray) -> np.ndarray:
    eps = np.finfo(float).eps
    with np.errstate(over="ignore", invalid="ignore"):
        mu = np.exp(eta) / (1 + np.exp(eta))
    return np.where(eta < -30, eps, np.where(eta > 30, 1 - eps, mu))


def _mu_eta(eta: np.ndarray) -> np.ndarray:
    eps = np.finfo(float).eps
    with np.errstate(over="ignore", invalid="ignore"):
        opexp = 1 + np.exp(eta)
        out = np.exp(eta) / (opexp * opexp)
    return np.where((eta > 30) | (eta < -30), eps, out)


def _binomial_deviance(y: np.ndarray, mu: np.ndarray, wt: np.ndarray) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        d = np.where(y > 0, y * np.log(y / mu), 0.0) + np.where(
            y < 1, (1 - y) * np.log((1 - y) / (1 - mu)), 0.0
        )
    return float(np.sum(2 * wt * d))


def irls_intercept(y: np.ndarray, wt: np.ndarray) -> tuple[float, float]:
    """R's ``glm.fit`` for ``y ~ 1``, (quasi)binomial: the coefficient and its unscaled
    variance. The variance uses the working weights of the last iteration, which lag
    one step behind the coefficient, exactly as ``summary.glm``'s ``cov.unscaled``."""
    y = np.where(wt == 0, 0.0, y)
    mu = (wt * y + 0.5) / (wt + 1)
    eta = np.log(mu / (1 - mu))
    good = wt > 0
    devold = _binomial_deviance(y, mu, wt)
    coef, naive = math.nan, math.nan
    for _ in range(25):
        mu_eta = _mu_eta(eta)
        z = eta + (y - mu) / mu_eta
        ww = wt * mu_eta**2 / (mu * (1 - mu))
        naive = 1.0 / float(np.sum(ww[good]))
        coef = float(np.sum((ww * z)[good]) * naive)
        eta = np.full(len(y), coef)
        mu = _linkinv(eta)
        dev = _binomial_deviance(y, mu, wt)
        if abs(dev - devold) / (abs(dev) + 0.1) < 1e-8:
            break
        devold = dev
    return coef, naive


@dataclass(frozen=True)
class LikelihoodInterval:
    """The profile-likelihood interval of R ``svyciprop(method = "likelihood")``.

    Parameters
    ----------
    ones, zeros : float
        Sums of the rescaled model weights (R's ``.survey.prob.weights``) over the rows
        with response 1 and 0.
    beta0, naive : float
        The fitted logit and its model-based (unscaled) variance, from
        :func:`irls_intercept`.
    n_rows : int
        Rows in the model frame (R's ``NROW(Y)``).
    se_logit : float
        Design-based standard error of the logit of the proportion.
    dispersion : float
        The dispersion R's ``summary.svyglm`` reports.
    df : float
        Design degrees of freedom (``ddf``).
    """

    ones: float
    zeros: float
    beta0: float
    naive: float
    n_rows: int
    se_logit: float
    dispersion: float
    df: float

    def _deviance(self, beta: float) -> float:
        mu = float(_linkinv(np.array([beta]))[0])
        return -2.0 * (self.ones * math.log(mu) + self.zeros * math.log(1.0 - mu))

    def __call__(self, alpha: float) -> tuple[float, float]:
        total = self.ones + self.zeros
        if not (0 < self.ones < total) or not self.se_logit >= 0 or self.df <= 0:
            return math.nan, math.nan
        beta0 = self.beta0
        if self.se_logit <= 1e-12 * max(1.0, abs(beta0)):
            # no sampling variance (e.g. a calibration margin): a zero-width interval
            return expit(beta0), expit(beta0)
        lam = self.se_logit**2 / self.naive
        q = dist.norm_ppf(alpha / 2) if math.isinf(self.df) else dist.t_ppf(alpha / 2, self.df)
        half = float(dist.norm_cdf(q * math.sqrt(lam))) / 2
        # sqrt of the upper F(1, n - 1) quantile, i.e. a t quantile (accurate far out)
        zmax = float(dist.t_isf(half / 2, self.n_rows - 1))
        step_size = zmax / 5 * self.se_logit
        dev0 = self._deviance(beta0)
        betas, zs = [beta0], [0.0]
        for sign in (-1.0, 1.0):
            step, z = 0, 0.0
            while (step := step + 1) < 10 and abs(z) < zmax:
                b = beta0 + sign * step * step_size
                zz = (self._deviance(b) - dev0) / self.dispersion
                z = sign * math.sqrt(max(zz, 0.0))
                betas.append(b)
                zs.append(z)
        order = np.argsort(zs, kind="stable")
        grid_beta, grid_z = spline(np.array(betas)[order], np.array(zs)[order])
        cut = float(dist.norm_ppf(2 * half))
        low, high = approx(grid_z, grid_beta, np.array([cut, -cut]))
        return expit(low), expit(high)
