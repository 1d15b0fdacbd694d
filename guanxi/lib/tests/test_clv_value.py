"""Customer lifetime value: discounted period by period, as lifetimes computes it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from lifetimes import BetaGeoFitter, GammaGammaFitter

from guanxi.lib.clv import BgNbdFit, GammaGammaFit, clv, expected_purchases, expected_spend
from guanxi.lib.tests import clv_cdnow

BGNBD = BgNbdFit(
    r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=0, n_customers=0, iterations=0
)
SPEND = GammaGammaFit(p=6.25, q=3.74, gamma=15.44, log_likelihood=0, n_customers=0, iterations=0)


def test_cdnow_clv_equals_lifetimes():
    cdnow = clv_cdnow.summary()
    x, t_x, T, m = (pd.Series(cdnow[k]) for k in ("x", "t_x", "T", "m"))
    purchases = BetaGeoFitter()
    purchases.params_ = pd.Series({"r": BGNBD.r, "alpha": BGNBD.alpha, "a": BGNBD.a, "b": BGNBD.b})
    purchases.predict = purchases.conditional_expected_number_of_purchases_up_to_time  # set by fit
    spend = GammaGammaFitter()
    spend.params_ = pd.Series({"p": SPEND.p, "q": SPEND.q, "v": SPEND.gamma})

    expected = spend.customer_lifetime_value(
        purchases, x, t_x, T, m, time=12, discount_rate=0.01, freq="W"
    )

    values = clv(BGNBD, SPEND, x, t_x, T, m, periods=12, period_length=4.345, discount_rate=0.01)
    np.testing.assert_allclose(values, expected.to_numpy(), rtol=1e-10)


def test_without_discount_clv_is_expected_purchases_times_expected_spend():
    values = clv(BGNBD, SPEND, 2, 30.43, 38.86, 22.35, periods=3, period_length=13, discount_rate=0)

    purchases = expected_purchases(BGNBD, 39, 2, 30.43, 38.86)
    assert float(values) == pytest.approx(float(purchases * expected_spend(SPEND, 2, 22.35)))


def test_discounting_lowers_the_value_and_a_zero_horizon_is_worth_nothing():
    plain = clv(BGNBD, SPEND, 2, 30.43, 38.86, 22.35, discount_rate=0.0)
    discounted = clv(BGNBD, SPEND, 2, 30.43, 38.86, 22.35, discount_rate=0.02)
    nothing = clv(BGNBD, SPEND, 2, 30.43, 38.86, 22.35, periods=0)

    assert 0 < discounted < plain
    assert nothing == 0.0
