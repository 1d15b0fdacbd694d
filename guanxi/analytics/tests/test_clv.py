"""Lifetime value: the stored predictions are ``guanxi.lib.clv`` on the same summary,
and the fits are stored with the run that made them."""

from datetime import date

import numpy as np
import pytest

from guanxi.analytics.models import CustomerScore, ModelFit
from guanxi.analytics.services.clv import WEEKS_PER_MONTH
from guanxi.analytics.services.recompute import current_models, recompute_all
from guanxi.analytics.tests.factories import population
from guanxi.lib.clv import (
    clv,
    expected_purchases,
    expected_spend,
    fit_bgnbd,
    fit_gamma_gamma,
    probability_alive,
    rfm_summary,
)
from guanxi.sales.models import Order

AS_OF = date(2026, 6, 30)
pytestmark = pytest.mark.django_db


def _summary():
    rows = list(
        Order.objects.filter(status="confirmed").values_list(
            "account_id", "order_date", "total_base"
        )
    )
    ids, days, amounts = zip(*rows, strict=True)
    return rfm_summary(
        ids,
        np.array(days, dtype="datetime64[D]"),
        [float(a) for a in amounts],
        observation_end=AS_OF,
        period_days=1,
        freq_days=7,
    )


def test_predictions_equal_the_lib_functions_on_the_same_summary():
    # Given forty customers' order histories
    population(AS_OF)

    # When everything is recomputed
    result = recompute_all(as_of=AS_OF)

    # Then the fits are the lib's on the summary of the same orders
    s = _summary()
    x, t_x, T, m = s.frequency, s.recency, s.age, s.monetary_value
    bg = fit_bgnbd(x, t_x, T)
    gg = fit_gamma_gamma(x[x > 0], m[x > 0])
    models = current_models()
    assert models.bgnbd_row.run == result.run
    assert models.bgnbd_row.parameters["r"] == pytest.approx(bg.r, rel=1e-9)
    assert models.bgnbd_row.parameters["b"] == pytest.approx(bg.b, rel=1e-9)
    assert models.bgnbd_row.log_likelihood == pytest.approx(bg.log_likelihood, rel=1e-9)
    assert models.gamma_gamma_row.parameters["q"] == pytest.approx(gg.q, rel=1e-9)
    assert models.gamma_gamma_row.customers == int((x > 0).sum())

    # and every customer's predictions are the lib's at those fits
    horizon = 12 * WEEKS_PER_MONTH
    alive = probability_alive(bg, x, t_x, T)
    purchases = expected_purchases(bg, horizon, x, t_x, T)
    spend = expected_spend(gg, x, m)
    value = clv(bg, gg, x, t_x, T, m, periods=12, period_length=WEEKS_PER_MONTH, discount_rate=0.01)
    scores = {row.account_id: row for row in CustomerScore.objects.all()}
    assert sorted(scores) == s.customer_ids.tolist()
    for i, account_id in enumerate(s.customer_ids.tolist()):
        row = scores[account_id]
        assert (row.frequency, row.recency, row.age) == (x[i], t_x[i], T[i])
        assert row.p_alive == pytest.approx(alive[i], rel=1e-6)
        assert row.expected_purchases == pytest.approx(purchases[i], rel=1e-6)
        assert float(row.expected_spend) == pytest.approx(spend[i], abs=0.01)
        assert float(row.predicted_value) == pytest.approx(purchases[i] * spend[i], abs=0.01)
        assert float(row.clv) == pytest.approx(value[i], abs=0.01)
        assert row.model_fit_id == models.bgnbd_row.pk
        assert row.horizon_months == 12


def test_a_run_without_enough_repeat_buyers_stores_no_model_and_keeps_no_old_one():
    population(AS_OF)
    recompute_all(as_of=AS_OF)
    assert ModelFit.objects.filter(kind="bgnbd").count() == 1

    # When most orders are cancelled, too few repeat buyers remain
    for account_id in (
        Order.objects.order_by("account_id").values_list("account_id", flat=True).distinct()[5:]
    ):
        Order.objects.filter(account_id=account_id).update(status="cancelled")
    result = recompute_all(as_of=AS_OF)

    # Then no new model, the old one is not used, and the run says why
    models = current_models()
    assert models.bgnbd_row is None and models.fits.bgnbd is None
    assert CustomerScore.objects.count() == 5
    assert not CustomerScore.objects.filter(p_alive__isnull=False).exists()
    assert "at least 20" in result.run.note
