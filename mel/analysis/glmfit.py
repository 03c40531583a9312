"""R's ``glm.fit`` iteration for logistic regression (binomial family, logit link).

Survey regression uses it so that the model-based matrix of the sandwich is built from
the same working weights as R's (those of the last iteration, one step behind the final
coefficients), which moves standard errors by up to ~1e-5 relative otherwise.

Reference: R Core Team, ``stats::glm.fit`` (IRLS; McCullagh & Nelder 1989, 2.5).
"""

from __future__ import annotations

import numpy as np

from mel.analysis.profile import _binomial_deviance, _linkinv, _mu_eta


def irls_logistic(
    y: np.ndarray,
    x: np.ndarray,
    wt: np.ndarray,
    start: np.ndarray | None = None,
    epsilon: float = 1e-8,
    maxit: int = 25,
) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients and final working weights of ``glm(y ~ x, binomial, weights = wt)``."""
    if start is None:
        mu = (wt * y + 0.5) / (wt + 1)
        eta = np.log(mu / (1 - mu))
    else:
        eta = x @ start
        mu = _linkinv(eta)
    devold = _binomial_deviance(y, mu, wt)
    beta = np.zeros(x.shape[1]) if start is None else start
    working = wt
    for _ in range(maxit):
        mu_eta = _mu_eta(eta)
        z = eta + (y - mu) / mu_eta
        working = wt * mu_eta**2 / (mu * (1 - mu))
        root = np.sqrt(working)
        beta = np.linalg.lstsq(x * root[:, None], z * root, rcond=None)[0]
        eta = x @ beta
        mu = _linkinv(eta)
        dev = _binomial_deviance(y, mu, wt)
        if abs(dev - devold) / (abs(dev) + 0.1) < epsilon:
            break
        devold = dev
    return beta, working
