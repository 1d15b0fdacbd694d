"""BG/NBD (Fader, Hardie & Lee 2005): how many purchases a customer will make and the
probability that they are still a customer, fitted by maximum likelihood.

A customer buys at rate λ while alive and, after each repeat purchase, drops out with
probability p; λ ~ Gamma(shape r, rate α) and p ~ Beta(a, b) across customers. The data
are x (repeat purchases), t_x (time of the last one) and T (time since the first
purchase), all from the first purchase and in one time unit (the one of ``rfm_summary``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import optimize, special

FloatArray = npt.NDArray[np.float64]


class ConvergenceError(RuntimeError):
    """The maximum-likelihood search did not reach a stationary point."""


@dataclass(frozen=True)
class BgNbdFit:
    """Maximum-likelihood BG/NBD parameters: purchase rates λ ~ Gamma(r, α) (α in the
    data's time unit: the mean rate is r/α per unit), drop-out p ~ Beta(a, b) (mean
    a/(a+b)); ``log_likelihood`` is the sum over the ``n_customers`` fitted;
    ``iterations`` counts the BFGS iterations on the full data."""

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    n_customers: int
    iterations: int


def _validated(
    x: npt.ArrayLike, t_x: npt.ArrayLike, T: npt.ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """x, t_x and T as float arrays of one shape, checked like lifetimes checks them."""
    xa, ta, Ta = np.broadcast_arrays(
        np.asarray(x, dtype=np.float64),
        np.asarray(t_x, dtype=np.float64),
        np.asarray(T, dtype=np.float64),
    )
    if np.any(xa < 0) or np.any(xa != np.floor(xa)):
        raise ValueError("x (frequency) must be whole numbers >= 0")
    if np.any(ta < 0) or np.any(ta > Ta):
        raise ValueError("t_x (recency) must be between 0 and T (age)")
    if np.any(ta[xa == 0] != 0):
        raise ValueError("t_x (recency) must be 0 when x (frequency) is 0")
    return xa, ta, Ta


def bgnbd_log_likelihoods(
    x: npt.ArrayLike,
    t_x: npt.ArrayLike,
    T: npt.ArrayLike,
    *,
    r: float,
    alpha: float,
    a: float,
    b: float,
) -> FloatArray:
    """Each customer's log-likelihood, FHL 2005 eq. 6 in the log form of Hardie's note:
    ln A1 + ln A2 + ln(e^A3 + δ(x>0) e^A4), the last by log-sum-exp."""
    xa, ta, Ta = _validated(x, t_x, T)
    rx = r + xa
    a1 = special.gammaln(rx) - special.gammaln(r) + r * np.log(alpha)
    a2 = special.betaln(a, b + xa) - special.betaln(a, b)
    a3 = -rx * np.log(alpha + Ta)
    repeat = xa > 0
    a4 = np.full_like(a3, -np.inf)
    a4[repeat] = np.log(a) - np.log(b + xa[repeat] - 1) - rx[repeat] * np.log(alpha + ta[repeat])
    return np.asarray(a1 + a2 + np.logaddexp(a3, a4), dtype=np.float64)


class _Data:
    """The fitting data split once: customers without repeat purchases only need T;
    the terms that depend on x alone are summed over the distinct values of x."""

    def __init__(self, x: FloatArray, t_x: FloatArray, T: FloatArray) -> None:
        repeat = x > 0
        self.n = x.size
        self.T0 = T[~repeat]
        self.x = x[repeat]
        self.t_x = t_x[repeat]
        self.T = T[repeat]
        self.x_values, self.x_index, self.x_counts = np.unique(
            self.x, return_inverse=True, return_counts=True
        )

    def negative_log_likelihood(self, log_params: FloatArray) -> tuple[float, FloatArray]:
        """Mean negative log-likelihood over customers and its gradient in log-parameters."""
        r, alpha, a, b = np.exp(log_params)
        xs, counts = self.x_values, self.x_counts
        # Terms depending on x only (zero for x = 0): ln A1 and ln A2 without r ln α.
        ll = counts @ (
            special.gammaln(r + xs)
            - special.gammaln(r)
            + special.betaln(a, b + xs)
            - special.betaln(a, b)
        ) + self.n * r * np.log(alpha)
        g_r = counts @ (special.digamma(r + xs) - special.digamma(r)) + self.n * np.log(alpha)
        g_alpha = self.n * r / alpha
        g_a = counts @ (special.digamma(a + b) - special.digamma(a + b + xs))
        g_b = counts @ (
            special.digamma(b + xs)
            - special.digamma(a + b + xs)
            - special.digamma(b)
            + special.digamma(a + b)
        )
        # Customers without repeat purchases: ln A3 = -r ln(α + T).
        log_t0 = np.log(alpha + self.T0)
        ll -= r * log_t0.sum()
        g_r -= log_t0.sum()
        g_alpha -= r * np.sum(1.0 / (alpha + self.T0))
        # Repeat buyers: ln A3 + softplus(d), d = ln A4 - ln A3; w = sigmoid(d) is the
        # share of the A4 term (the posterior probability of having dropped out).
        rx = r + self.x
        log_t = np.log(alpha + self.T)
        log_tx = np.log(alpha + self.t_x)
        b_x = b + self.x_values - 1
        d = np.log(a) - np.log(b_x)[self.x_index] + rx * (log_t - log_tx)
        w = special.expit(d)
        ll += np.sum(np.logaddexp(0.0, d) - rx * log_t)
        g_r += np.sum(w * (log_t - log_tx) - log_t)
        g_alpha -= np.sum(rx * ((1.0 - w) / (alpha + self.T) + w / (alpha + self.t_x)))
        g_a += w.sum() / a
        g_b -= np.bincount(self.x_index, weights=w, minlength=xs.size) @ (1.0 / b_x)
        grad = np.array([g_r * r, g_alpha * alpha, g_a * a, g_b * b])
        return -float(ll) / self.n, -grad / self.n

    def starting_point(self) -> FloatArray:
        """r = 1, α from the observed purchase rate, a = b = 1 (log-parameters)."""
        total_x = self.x.sum()
        total_t = self.T.sum() + self.T0.sum()
        rate = max(total_x, 1.0) / max(total_t, 1e-12)
        return np.log(np.array([1.0, 1.0 / rate, 1.0, 1.0]))


def bgnbd_log_likelihood(
    x: npt.ArrayLike,
    t_x: npt.ArrayLike,
    T: npt.ArrayLike,
    *,
    r: float,
    alpha: float,
    a: float,
    b: float,
) -> float:
    """The total log-likelihood, computed the way the fit computes it."""
    data = _Data(*_validated(x, t_x, T))
    value, _ = data.negative_log_likelihood(np.log(np.array([r, alpha, a, b])))
    return -value * data.n


WARM_START_ABOVE = 50_000  # customers; larger fits start from a fit on a tenth of them


def _minimise(
    data: _Data, start: FloatArray, hess_inv0: FloatArray | None = None
) -> optimize.OptimizeResult:
    options: dict[str, object] = {"gtol": 1e-9, "maxiter": 1000}
    if hess_inv0 is not None:
        options["hess_inv0"] = hess_inv0
    result = optimize.minimize(
        data.negative_log_likelihood, start, jac=True, method="BFGS", options=options
    )
    # BFGS may stop on "precision loss" once the mean log-likelihood cannot improve in
    # double precision; that is a solution when the gradient is (numerically) zero. On
    # degenerate data (a handful of customers) the optimum lies at infinity and the last
    # gradient is a few 1e-6 per customer, depending on the machine's floating point.
    if not result.success and np.max(np.abs(result.jac)) > 1e-5:
        raise ConvergenceError(f"BG/NBD fit did not converge: {result.message}")
    return result


def fit_bgnbd(x: npt.ArrayLike, t_x: npt.ArrayLike, T: npt.ArrayLike) -> BgNbdFit:
    """Maximum-likelihood BG/NBD parameters: BFGS on the log-parameters with the exact
    gradient, to a gradient norm of ~1e-9 per customer. Above ``WARM_START_ABOVE``
    customers it first fits a random tenth (fixed seed) and starts the full fit from
    that optimum and its inverse Hessian, which saves most of the full-size iterations;
    the answer is the full data's maximum either way."""
    xa, ta, Ta = _validated(x, t_x, T)
    if xa.ndim != 1 or xa.size == 0:
        raise ValueError("fit_bgnbd needs one-dimensional, non-empty data")
    data = _Data(xa, ta, Ta)
    start, hess_inv0 = data.starting_point(), None
    if xa.size > WARM_START_ABOVE:
        pick = np.random.default_rng(0).choice(xa.size, xa.size // 10, replace=False)
        try:
            warm = _minimise(_Data(xa[pick], ta[pick], Ta[pick]), start)
        except ConvergenceError:
            pass  # the full fit starts cold
        else:
            start, hess_inv0 = warm.x, (warm.hess_inv + warm.hess_inv.T) / 2
            if np.any(np.linalg.eigvalsh(hess_inv0) <= 0):
                hess_inv0 = None
    result = _minimise(data, start, hess_inv0)
    r, alpha, a, b = (float(v) for v in np.exp(result.x))
    return BgNbdFit(
        r=r,
        alpha=alpha,
        a=a,
        b=b,
        log_likelihood=-float(result.fun) * data.n,
        n_customers=data.n,
        iterations=int(result.nit),
    )


def _drop_out_log_odds(fit: BgNbdFit, x: FloatArray, t_x: FloatArray, T: FloatArray) -> FloatArray:
    """ln(A4 / A3): the log-odds that a customer has dropped out (-inf when x = 0)."""
    repeat = x > 0
    b_x = np.where(repeat, fit.b + x - 1, 1.0)
    d = (
        np.log(fit.a)
        - np.log(b_x)
        + (fit.r + x) * (np.log(fit.alpha + T) - np.log(fit.alpha + t_x))
    )
    return np.where(repeat, d, -np.inf)


def probability_alive(
    fit: BgNbdFit, x: npt.ArrayLike, t_x: npt.ArrayLike, T: npt.ArrayLike
) -> FloatArray:
    """P(alive | x, t_x, T) (FHL 2005 eq. 11): 1 for customers without repeat purchases."""
    xa, ta, Ta = _validated(x, t_x, T)
    return np.asarray(special.expit(-_drop_out_log_odds(fit, xa, ta, Ta)), dtype=np.float64)


def expected_purchases(
    fit: BgNbdFit,
    t: npt.ArrayLike,
    x: npt.ArrayLike,
    t_x: npt.ArrayLike,
    T: npt.ArrayLike,
) -> FloatArray:
    """E[Y(t) | x, t_x, T]: the expected number of purchases in the next ``t`` time units
    (FHL 2005 eq. 10, with the Gaussian hypergeometric 2F1). Needs a != 1."""
    xa, ta, Ta = _validated(x, t_x, T)
    t_arr = np.asarray(t, dtype=np.float64)
    r, alpha, a, b = fit.r, fit.alpha, fit.a, fit.b
    rx = r + xa
    hyp = special.hyp2f1(rx, b + xa, a + b + xa - 1, t_arr / (alpha + Ta + t_arr))
    survive = np.exp(rx * (np.log(alpha + Ta) - np.log(alpha + Ta + t_arr)))
    value = (a + b + xa - 1) / (a - 1) * (1.0 - survive * hyp)
    alive = special.expit(-_drop_out_log_odds(fit, xa, ta, Ta))
    return np.asarray(value * alive, dtype=np.float64)
