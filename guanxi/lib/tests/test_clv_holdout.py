"""Calibration vs holdout on CDNOW: the holdout purchases are counted like lifetimes
counts them, and the fit is the published one (the calibration period is the papers')."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from lifetimes.utils import calibration_and_holdout_data

from guanxi.lib.clv import expected_purchases
from guanxi.lib.clv.holdout import calibration_holdout
from guanxi.lib.tests import clv_cdnow

HOLDOUT_END = "1998-06-30"


@pytest.fixture(scope="module")
def log() -> dict[str, np.ndarray]:
    return clv_cdnow.transactions()


@pytest.fixture(scope="module")
def check(log):
    return calibration_holdout(
        log["id"],
        log["date"],
        log["amount"],
        calibration_end=clv_cdnow.OBSERVATION_END,
        observation_end=HOLDOUT_END,
    )


def test_holdout_purchases_and_length_equal_lifetimes(log, check):
    frame = pd.DataFrame({"id": log["id"], "date": log["date"]})
    expected = calibration_and_holdout_data(
        frame,
        "id",
        "date",
        calibration_period_end=clv_cdnow.OBSERVATION_END,
        observation_period_end=HOLDOUT_END,
        freq="D",
        freq_multiplier=7,
    )
    assert check.customers == len(expected) == 2357
    assert check.total_actual == expected["frequency_holdout"].sum()
    assert check.holdout_length == pytest.approx(expected["duration_holdout"].iloc[0])
    by_frequency = expected.assign(x=expected["frequency_cal"].clip(upper=7)).groupby("x")
    actual = by_frequency["frequency_holdout"].mean()
    assert [b.frequency for b in check.buckets] == list(range(8))
    assert [b.actual for b in check.buckets] == pytest.approx(actual.tolist())
    assert [b.customers for b in check.buckets] == by_frequency.size().tolist()


def test_the_fit_is_the_published_one_and_predictions_are_its_expectations(check):
    fit = check.fit
    assert (fit.r, fit.alpha, fit.a, fit.b) == pytest.approx((0.243, 4.414, 0.793, 2.426), abs=1e-3)
    summary = clv_cdnow.summary()
    predicted = expected_purchases(
        fit, check.holdout_length, summary["x"], summary["t_x"], summary["T"]
    )
    # (the published summary rounds t_x and T to two decimals)
    assert check.total_predicted == pytest.approx(predicted.sum(), rel=1e-4)
    # On CDNOW's second 39 weeks the model expects 1,653 of the 1,882 repeat purchases
    # made (12% short, most of it among customers with one or two in calibration).
    assert check.total_actual == 1882
    assert check.error == pytest.approx(-0.1215, abs=5e-4)
    assert check.buckets[0].predicted < check.buckets[-1].predicted


def test_customers_who_first_buy_in_the_holdout_are_left_out():
    check = calibration_holdout(
        [1, 1, 1, 2, 2, 3, 3, 3, 4, 4, 5, 5, 5, 6],
        [
            "2024-01-01",
            "2024-02-01",
            "2024-05-01",
            "2024-01-10",
            "2024-04-10",
            "2024-01-05",
            "2024-01-20",
            "2024-02-20",
            "2024-01-15",
            "2024-01-15",  # one day counts once
            "2024-01-03",
            "2024-02-03",
            "2024-03-03",
            "2024-04-15",  # customer 6 starts in the holdout
        ],
        np.ones(14),
        calibration_end="2024-03-31",
        observation_end="2024-06-30",
        max_frequency=2,
    )
    assert check.customers == 5
    assert check.total_actual == 2  # customers 1 and 2, once each; not customer 6
    assert [b.frequency for b in check.buckets] == [0, 1, 2]
    assert [b.customers for b in check.buckets] == [2, 1, 2]


def test_the_calibration_end_must_come_first():
    with pytest.raises(ValueError, match="calibration_end"):
        calibration_holdout(
            [1], ["2024-01-01"], [1.0], calibration_end="2024-02-01", observation_end="2024-01-01"
        )
