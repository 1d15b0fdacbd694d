"""BG/NBD: the published CDNOW estimates, and the vectorised likelihood against the
formula written out customer by customer."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lifetimes import BetaGeoFitter
from scipy import integrate, stats

from guanxi.lib.clv import (
    BgNbdFit,
    bgnbd,
    bgnbd_log_likelihood,
    bgnbd_log_likelihoods,
    expected_purchases,
    fit_bgnbd,
    probability_alive,
)
from guanxi.lib.clv.bgnbd import _Data
from guanxi.lib.tests import clv_cdnow

PUBLISHED = BgNbdFit(
    r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=-9582.4, n_customers=2357, iterations=0
)
FAST = settings(max_examples=60, deadline=None, database=None)


@pytest.fixture(scope="module")
def cdnow() -> dict[str, np.ndarray]:
    return clv_cdnow.summary()


@pytest.fixture(scope="module")
def fitted(cdnow) -> BgNbdFit:
    return fit_bgnbd(cdnow["x"], cdnow["t_x"], cdnow["T"])


@pytest.fixture(scope="module")
def reference() -> BetaGeoFitter:
    """lifetimes' model holding the published parameters (not fitted)."""
    model = BetaGeoFitter()
    model.params_ = pd.Series({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426})
    return model


def test_cdnow_fit_reproduces_the_published_estimates(fitted):
    assert fitted.n_customers == 2357
    assert fitted.r == pytest.approx(PUBLISHED.r, abs=0.001)
    assert fitted.alpha == pytest.approx(PUBLISHED.alpha, abs=0.001)
    assert fitted.a == pytest.approx(PUBLISHED.a, abs=0.001)
    assert fitted.b == pytest.approx(PUBLISHED.b, abs=0.001)
    assert fitted.log_likelihood == pytest.approx(PUBLISHED.log_likelihood, abs=0.1)


def test_cdnow_fit_is_a_maximum(fitted, cdnow):
    best = fitted.log_likelihood
    for name in ("r", "alpha", "a", "b"):
        for step in (0.999, 1.001):
            params = {k: getattr(fitted, k) for k in ("r", "alpha", "a", "b")}
            params[name] *= step
            assert bgnbd_log_likelihood(cdnow["x"], cdnow["t_x"], cdnow["T"], **params) < best


def test_large_fits_warm_started_on_a_tenth_reach_the_same_maximum(fitted, cdnow, monkeypatch):
    monkeypatch.setattr(bgnbd, "WARM_START_ABOVE", 1000)

    warm = fit_bgnbd(cdnow["x"], cdnow["t_x"], cdnow["T"])

    for name in ("r", "alpha", "a", "b"):
        assert getattr(warm, name) == pytest.approx(getattr(fitted, name), rel=1e-6)
    assert warm.log_likelihood == pytest.approx(fitted.log_likelihood, abs=1e-6)


def test_expected_purchases_of_the_papers_customer_at_the_published_parameters():
    # FHL 2005, section 5: x = 2, t_x = 30.43, T = 38.86 → 1.226 purchases in 39 weeks.
    value = expected_purchases(PUBLISHED, 39, 2, 30.43, 38.86)

    assert float(value) == pytest.approx(1.226, abs=0.001)


def test_predictions_equal_lifetimes_at_the_published_parameters(cdnow, reference):
    x, t_x, T = cdnow["x"], cdnow["t_x"], cdnow["T"]

    np.testing.assert_allclose(
        expected_purchases(PUBLISHED, 39, x, t_x, T),
        reference.conditional_expected_number_of_purchases_up_to_time(39, x, t_x, T),
        rtol=1e-10,
    )
    np.testing.assert_allclose(
        probability_alive(PUBLISHED, x, t_x, T),
        reference.conditional_probability_alive(x, t_x, T),
        rtol=1e-10,
    )


def test_probability_alive_is_one_without_repeat_purchases_and_falls_with_silence():
    alive = probability_alive(PUBLISHED, [0, 2, 2, 2], [0, 38, 30.43, 5], [38.86] * 4)

    assert alive[0] == 1.0
    assert 1.0 > alive[1] > alive[2] > alive[3] > 0.0


def test_expected_purchases_grow_with_the_horizon_and_start_at_zero():
    horizons = np.array([0.0, 1.0, 13.0, 39.0, 78.0])

    values = expected_purchases(PUBLISHED, horizons, 2, 30.43, 38.86)

    assert values[0] == 0.0
    assert np.all(np.diff(values) > 0)


def test_invalid_data_is_refused():
    with pytest.raises(ValueError, match="recency"):
        fit_bgnbd([1, 0], [5.0, 0.0], [4.0, 3.0])
    with pytest.raises(ValueError, match="frequency"):
        fit_bgnbd([1.5], [1.0], [3.0])
    with pytest.raises(ValueError, match="recency"):
        fit_bgnbd([0], [1.0], [3.0])


# --- the likelihood against a slow, formula-by-formula implementation -----------------


def slow_log_likelihood(r, alpha, a, b, x, t_x, T) -> float:
    """FHL 2005 eq. 6 for one customer, literally: B(a, b+x)/B(a, b) ·
    Γ(r+x) α^r / Γ(r) · [(α+T)^-(r+x) + δ(x>0) a/(b+x-1) (α+t_x)^-(r+x)]."""

    def beta(u, v):
        return math.gamma(u) * math.gamma(v) / math.gamma(u + v)

    likelihood = (
        beta(a, b + x)
        / beta(a, b)
        * math.gamma(r + x)
        * alpha**r
        / math.gamma(r)
        * (
            (alpha + T) ** -(r + x)
            + (a / (b + x - 1) * (alpha + t_x) ** -(r + x) if x > 0 else 0.0)
        )
    )
    return math.log(likelihood)


params = st.fixed_dictionaries(
    {
        "r": st.floats(0.05, 5.0),
        "alpha": st.floats(0.1, 50.0),
        "a": st.floats(0.05, 10.0),
        "b": st.floats(0.05, 10.0),
    }
)
customer = st.tuples(st.integers(0, 25), st.floats(0.0, 1.0), st.floats(0.01, 100.0)).map(
    lambda c: (c[0], c[1] * c[2] if c[0] > 0 else 0.0, c[2])
)
customers = st.lists(customer, min_size=1, max_size=30)


@FAST
@given(params=params, data=customers)
def test_vectorised_likelihood_equals_the_formula(params, data):
    x, t_x, T = (np.array(column, dtype=float) for column in zip(*data, strict=True))
    slow = np.array([slow_log_likelihood(**params, x=c[0], t_x=c[1], T=c[2]) for c in data])

    np.testing.assert_allclose(
        bgnbd_log_likelihoods(x, t_x, T, **params), slow, rtol=1e-9, atol=1e-9
    )
    assert bgnbd_log_likelihood(x, t_x, T, **params) == pytest.approx(
        slow.sum(), rel=1e-9, abs=1e-9
    )


@FAST
@given(params=params, data=customers)
def test_gradient_equals_central_differences(params, data):
    x, t_x, T = (np.array(column, dtype=float) for column in zip(*data, strict=True))
    objective = _Data(x, t_x, T).negative_log_likelihood
    theta = np.log([params["r"], params["alpha"], params["a"], params["b"]])

    _, gradient = objective(theta)

    step = 1e-6
    numeric = [
        (objective(theta + step * e)[0] - objective(theta - step * e)[0]) / (2 * step)
        for e in np.eye(4)
    ]
    np.testing.assert_allclose(gradient, numeric, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize(("x", "t_x", "T"), [(0, 0.0, 30.0), (1, 4.0, 20.0), (6, 25.0, 35.5)])
def test_closed_form_is_the_mixture_of_the_individual_likelihood(x, t_x, T):
    # The individual likelihood (1-p)^x λ^x e^{-λT} + δ p (1-p)^{x-1} λ^x e^{-λ t_x}
    # integrated over λ ~ Gamma(r, α) and p ~ Beta(a, b) numerically.
    r, alpha, a, b = 0.8, 3.0, 1.5, 2.5
    gamma_pdf = stats.gamma(r, scale=1 / alpha).pdf
    beta_pdf = stats.beta(a, b).pdf

    def over_lambda(at):
        return integrate.quad(lambda lam: lam**x * math.exp(-lam * at) * gamma_pdf(lam), 0, np.inf)[
            0
        ]

    def over_p(f):
        return integrate.quad(lambda p: f(p) * beta_pdf(p), 0, 1)[0]

    likelihood = over_p(lambda p: (1 - p) ** x) * over_lambda(T)
    if x > 0:
        likelihood += over_p(lambda p: p * (1 - p) ** (x - 1)) * over_lambda(t_x)

    value = bgnbd_log_likelihoods(x, t_x, T, r=r, alpha=alpha, a=a, b=b)
    assert float(value) == pytest.approx(math.log(likelihood), rel=1e-7)
