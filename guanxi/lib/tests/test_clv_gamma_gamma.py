"""Gamma-Gamma spend model: the published CDNOW estimates, and the vectorised likelihood
against the formula written out customer by customer."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lifetimes import GammaGammaFitter

from guanxi.lib.clv import GammaGammaFit, expected_spend, fit_gamma_gamma
from guanxi.lib.clv.gamma_gamma import _negative_log_likelihood, gamma_gamma_log_likelihoods
from guanxi.lib.tests import clv_cdnow

FAST = settings(max_examples=60, deadline=None, database=None)


@pytest.fixture(scope="module")
def cdnow() -> dict[str, np.ndarray]:
    return clv_cdnow.summary()


@pytest.fixture(scope="module")
def fitted(cdnow) -> GammaGammaFit:
    return fit_gamma_gamma(cdnow["x"], cdnow["m"])


def test_cdnow_fit_on_the_repeat_buyers_reproduces_the_published_estimates(fitted):
    assert fitted.n_customers == 946
    assert fitted.p == pytest.approx(6.25, abs=0.01)
    assert fitted.q == pytest.approx(3.74, abs=0.01)
    assert fitted.gamma == pytest.approx(15.44, abs=0.01)


def test_cdnow_fit_equals_lifetimes(fitted, cdnow):
    repeat = cdnow["x"] > 0
    reference = GammaGammaFitter().fit(cdnow["x"][repeat], cdnow["m"][repeat])

    assert fitted.p == pytest.approx(reference.params_["p"], rel=1e-5)
    assert fitted.q == pytest.approx(reference.params_["q"], rel=1e-5)
    assert fitted.gamma == pytest.approx(reference.params_["v"], rel=1e-5)


def test_expected_spend_equals_lifetimes(fitted, cdnow):
    reference = GammaGammaFitter()
    reference.params_ = pd.Series({"p": fitted.p, "q": fitted.q, "v": fitted.gamma})

    np.testing.assert_allclose(
        expected_spend(fitted, cdnow["x"], cdnow["m"]),
        reference.conditional_expected_average_profit(cdnow["x"], cdnow["m"]),
        rtol=1e-12,
    )


def test_expected_spend_moves_from_the_population_mean_towards_the_customers_own():
    fit = GammaGammaFit(p=6.25, q=3.74, gamma=15.44, log_likelihood=0, n_customers=0, iterations=0)
    population = fit.p * fit.gamma / (fit.q - 1)

    spend = expected_spend(fit, [0, 1, 10, 1000], [0.0, 100.0, 100.0, 100.0])

    assert spend[0] == pytest.approx(population)
    assert population < spend[1] < spend[2] < spend[3] < 100.0
    assert spend[3] == pytest.approx(100.0, rel=1e-3)


def test_customers_without_repeat_purchases_are_not_fitted():
    with pytest.raises(ValueError, match="x > 0"):
        fit_gamma_gamma([0, 0], [0.0, 0.0])
    with pytest.raises(ValueError, match="positive"):
        fit_gamma_gamma([1, 2], [10.0, 0.0])


def slow_log_likelihood(p, q, gamma, x, m) -> float:
    """Note 025 eq. 3 for one customer, literally:
    Γ(px+q) / (Γ(px) Γ(q)) · γ^q m^(px-1) x^(px) / (γ + m x)^(px+q)."""
    density = (
        math.gamma(p * x + q)
        / (math.gamma(p * x) * math.gamma(q))
        * gamma**q
        * m ** (p * x - 1)
        * x ** (p * x)
        / (gamma + m * x) ** (p * x + q)
    )
    return math.log(density)


params = st.fixed_dictionaries(
    {"p": st.floats(0.1, 5.0), "q": st.floats(0.5, 10.0), "gamma": st.floats(0.5, 50.0)}
)
customers = st.lists(st.tuples(st.integers(1, 10), st.floats(0.5, 50.0)), min_size=1, max_size=30)


@FAST
@given(params=params, data=customers)
def test_vectorised_likelihood_equals_the_formula(params, data):
    x, m = (np.array(column, dtype=float) for column in zip(*data, strict=True))
    slow = np.array([slow_log_likelihood(**params, x=c[0], m=c[1]) for c in data])

    np.testing.assert_allclose(
        gamma_gamma_log_likelihoods(x, m, **params), slow, rtol=1e-9, atol=1e-9
    )
    objective, _ = _negative_log_likelihood(
        np.log([params["p"], params["q"], params["gamma"]]), x, m
    )
    assert -objective * len(data) == pytest.approx(slow.sum(), rel=1e-9, abs=1e-9)


@FAST
@given(params=params, data=customers)
def test_gradient_equals_central_differences(params, data):
    x, m = (np.array(column, dtype=float) for column in zip(*data, strict=True))
    theta = np.log([params["p"], params["q"], params["gamma"]])

    _, gradient = _negative_log_likelihood(theta, x, m)

    step = 1e-6
    numeric = [
        (
            _negative_log_likelihood(theta + step * e, x, m)[0]
            - _negative_log_likelihood(theta - step * e, x, m)[0]
        )
        / (2 * step)
        for e in np.eye(3)
    ]
    np.testing.assert_allclose(gradient, numeric, rtol=1e-4, atol=1e-6)


def test_the_currency_unit_does_not_change_the_fit_only_gamma_scales(fitted, cdnow):
    # CDNOW in dollars vs the same spend in fen: p, q equal, γ × 100, and the
    # log-likelihood of the amounts shifted by n·log(100) (the density's unit).
    in_fen = fit_gamma_gamma(cdnow["x"], cdnow["m"] * 100)
    assert in_fen.p == pytest.approx(fitted.p, rel=1e-6)
    assert in_fen.q == pytest.approx(fitted.q, rel=1e-6)
    assert in_fen.gamma == pytest.approx(fitted.gamma * 100, rel=1e-6)
    shift = fitted.n_customers * math.log(100)
    assert in_fen.log_likelihood == pytest.approx(fitted.log_likelihood - shift, abs=1e-4)
