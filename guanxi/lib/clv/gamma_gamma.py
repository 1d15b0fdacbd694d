"""Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV"; Fader & Hardie's
note 025): a customer's mean spend per purchase, fitted on repeat buyers.

Each purchase of a customer is Gamma(p, ν) with the customer's ν ~ Gamma(q, γ); the data
are x (repeat purchases) and m (their mean amount). Spend is assumed independent of the
purchase process.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import optimize, special

from guanxi.lib.clv.bgnbd import ConvergenceError

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class GammaGammaFit:
    """Maximum-likelihood Gamma-Gamma parameters; the population mean spend per purchase
    is pγ/(q-1) (needs q > 1). ``log_likelihood`` is the sum over the ``n_customers``
    repeat buyers fitted."""

    p: float
    q: float
    gamma: float
    log_likelihood: float
    n_customers: int
    iterations: int


def _repeat_buyers(x: npt.ArrayLike, m: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    xa, ma = np.broadcast_arrays(np.asarray(x, dtype=np.float64), np.asarray(m, dtype=np.float64))
    repeat = xa > 0
    if np.any(ma[repeat] <= 0):
        raise ValueError("m (mean repeat spend) must be positive for customers with x > 0")
    return xa[repeat], ma[repeat]


def gamma_gamma_log_likelihoods(
    x: npt.ArrayLike, m: npt.ArrayLike, *, p: float, q: float, gamma: float
) -> FloatArray:
    """Each repeat buyer's log-likelihood of their mean spend m over x purchases (note
    025, eq. 3); customers with x = 0 are left out."""
    xa, ma = _repeat_buyers(x, m)
    px = p * xa
    return np.asarray(
        special.gammaln(px + q)
        - special.gammaln(px)
        - special.gammaln(q)
        + q * np.log(gamma)
        + (px - 1) * np.log(ma)
        + px * np.log(xa)
        - (px + q) * np.log(gamma + ma * xa),
        dtype=np.float64,
    )


def _negative_log_likelihood(
    log_params: FloatArray, x: FloatArray, m: FloatArray
) -> tuple[float, FloatArray]:
    """Mean negative log-likelihood and its gradient in log-parameters."""
    p, q, gamma = np.exp(log_params)
    px = p * x
    log_m = np.log(m)
    log_spend = np.log(gamma + m * x)
    psi_pxq = special.digamma(px + q)
    ll = np.sum(
        special.gammaln(px + q)
        - special.gammaln(px)
        + (px - 1) * log_m
        + px * np.log(x)
        - (px + q) * log_spend
    ) + x.size * (q * np.log(gamma) - special.gammaln(q))
    g_p = np.sum(x * (psi_pxq - special.digamma(px) + log_m + np.log(x) - log_spend))
    g_q = np.sum(psi_pxq - log_spend) + x.size * (np.log(gamma) - special.digamma(q))
    g_gamma = x.size * q / gamma - np.sum((px + q) / (gamma + m * x))
    grad = np.array([g_p * p, g_q * q, g_gamma * gamma])
    return -float(ll) / x.size, -grad / x.size


def fit_gamma_gamma(x: npt.ArrayLike, m: npt.ArrayLike) -> GammaGammaFit:
    """Maximum-likelihood Gamma-Gamma parameters from the repeat buyers among the
    customers given (x > 0; the others carry no spend information and are skipped)."""
    xa, ma = _repeat_buyers(x, m)
    if xa.size == 0:
        raise ValueError("fit_gamma_gamma needs at least one customer with x > 0")
    # Fit on spend in units of its mean: p and q do not depend on the unit, γ scales with
    # it, and the optimiser is far better conditioned than on amounts in the thousands.
    scale = float(ma.mean())
    start = np.log(np.array([1.0, 2.0, 1.0]))  # mean spend pγ/(q-1) = 1 unit
    result = optimize.minimize(
        _negative_log_likelihood,
        start,
        args=(xa, ma / scale),
        jac=True,
        method="BFGS",
        options={"gtol": 1e-9, "maxiter": 1000},
    )
    if not result.success and np.max(np.abs(result.jac)) > 1e-6:
        raise ConvergenceError(f"Gamma-Gamma fit did not converge: {result.message}")
    p, q, unit_gamma = (float(v) for v in np.exp(result.x))
    gamma = unit_gamma * scale
    # The density of a mean spend m is that of m / scale divided by scale.
    log_likelihood = -float(result.fun) * xa.size - xa.size * float(np.log(scale))
    return GammaGammaFit(
        p=p,
        q=q,
        gamma=gamma,
        log_likelihood=log_likelihood,
        n_customers=int(xa.size),
        iterations=int(result.nit),
    )


def expected_spend(fit: GammaGammaFit, x: npt.ArrayLike, m: npt.ArrayLike) -> FloatArray:
    """E[M | x, m]: the expected mean spend per future purchase, (γ + m x) p / (p x + q - 1)
    — a weighted average of the population mean pγ/(q-1) and the customer's own m."""
    xa = np.asarray(x, dtype=np.float64)
    ma = np.asarray(m, dtype=np.float64)
    return np.asarray((fit.gamma + ma * xa) * fit.p / (fit.p * xa + fit.q - 1), dtype=np.float64)
