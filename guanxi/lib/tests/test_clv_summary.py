"""Transaction log → RFM summary, with lifetimes' conventions (CDNOW as the reference)."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest
from lifetimes.utils import summary_data_from_transaction_data

from guanxi.lib.clv import rfm_summary
from guanxi.lib.tests import clv_cdnow


@pytest.fixture(scope="module")
def log() -> dict[str, np.ndarray]:
    return clv_cdnow.transactions()


@pytest.mark.parametrize(
    ("freq", "multiplier", "period_days", "freq_days"),
    [("D", 7, 1, 7.0), ("W", 1, 7, 7.0), ("D", 1, 1, 1.0)],
)
def test_cdnow_summary_equals_lifetimes(log, freq, multiplier, period_days, freq_days):
    frame = pd.DataFrame({"id": log["id"], "date": log["date"], "amount": log["amount"]})
    expected = summary_data_from_transaction_data(
        frame,
        "id",
        "date",
        "amount",
        observation_period_end=clv_cdnow.OBSERVATION_END,
        freq=freq,
        freq_multiplier=multiplier,
    )

    summary = rfm_summary(
        log["id"],
        log["date"],
        log["amount"],
        observation_end=clv_cdnow.OBSERVATION_END,
        period_days=period_days,
        freq_days=freq_days,
    )

    expected = expected.loc[summary.customer_ids]
    assert len(summary) == len(expected) == 2357
    np.testing.assert_array_equal(summary.frequency, expected["frequency"].to_numpy())
    np.testing.assert_allclose(summary.recency, expected["recency"].to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(summary.age, expected["T"].to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(
        summary.monetary_value, expected["monetary_value"].to_numpy(), rtol=1e-12
    )


def test_cdnow_summary_equals_the_published_summary(log):
    published = clv_cdnow.summary()

    summary = rfm_summary(
        log["id"], log["date"], log["amount"], observation_end=clv_cdnow.OBSERVATION_END
    )

    np.testing.assert_array_equal(summary.customer_ids, published["id"])
    np.testing.assert_array_equal(summary.frequency, published["x"])
    np.testing.assert_allclose(summary.recency, published["t_x"], atol=0.005 + 1e-9)
    np.testing.assert_allclose(summary.age, published["T"], atol=0.005 + 1e-9)
    np.testing.assert_allclose(summary.monetary_value, published["m"], atol=0.005 + 1e-9)


def test_same_day_purchases_count_once_and_later_ones_are_dropped():
    summary = rfm_summary(
        ["b", "a", "a", "a", "a", "b"],
        [
            date(2026, 1, 5),
            datetime(2026, 1, 1, 9, 30),
            datetime(2026, 1, 1, 17, 0),  # same day: one purchase of 30
            date(2026, 1, 15),
            date(2026, 2, 1),  # after the observation end
            date(2026, 1, 29),  # after the observation end: b has a first purchase only
        ],
        [5.0, 10.0, 20.0, 40.0, 1000.0, 7.0],
        observation_end=date(2026, 1, 29),
        freq_days=1,
    )

    assert summary.customer_ids.tolist() == ["a", "b"]
    assert summary.frequency.tolist() == [1, 1]
    assert summary.recency.tolist() == [14.0, 24.0]
    assert summary.age.tolist() == [28.0, 24.0]
    assert summary.monetary_value.tolist() == [40.0, 7.0]


def test_weekly_periods_run_monday_to_sunday():
    summary = rfm_summary(
        [1, 1, 1],
        ["2026-01-05", "2026-01-11", "2026-01-12"],  # Monday, Sunday, next Monday
        [1.0, 2.0, 4.0],
        observation_end="2026-01-25",  # a Sunday: floored to Monday 2026-01-19
        period_days=7,
    )

    assert summary.frequency.tolist() == [1]
    assert summary.recency.tolist() == [1.0]
    assert summary.age.tolist() == [2.0]
    assert summary.monetary_value.tolist() == [4.0]


def test_customers_without_repeat_purchases_have_zero_recency_and_spend():
    summary = rfm_summary([7], ["2026-03-01"], [99.0], observation_end="2026-03-15")

    assert summary.frequency.tolist() == [0]
    assert summary.recency.tolist() == [0.0]
    assert summary.age.tolist() == [2.0]
    assert summary.monetary_value.tolist() == [0.0]
