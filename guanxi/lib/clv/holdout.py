"""Calibration vs holdout: how well BG/NBD predicts purchases it has not seen.

The transaction log is cut at ``calibration_end``; the model is fitted on the customers
who bought by then, and for each of them the purchases expected in the holdout period
(``calibration_end`` to ``observation_end``) are set against the purchases they really
made, grouped by how many repeat purchases they had made in the calibration period —
the check of Fader, Hardie & Lee (2005, figure 3) and lifetimes'
``plot_calibration_purchases_vs_holdout_purchases``. Customers whose first purchase
falls in the holdout period are not part of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

import numpy as np
import numpy.typing as npt

from guanxi.lib.clv.bgnbd import BgNbdFit, expected_purchases, fit_bgnbd
from guanxi.lib.clv.summary import _days, _period_start, rfm_summary


@dataclass(frozen=True)
class HoldoutBucket:
    """Customers with ``frequency`` repeat purchases in calibration (the last bucket:
    that many or more) and their mean actual / predicted holdout purchases."""

    frequency: int
    customers: int
    actual: float
    predicted: float


@dataclass(frozen=True)
class HoldoutCheck:
    fit: BgNbdFit
    holdout_length: float  # in the summary's time unit (weeks by default)
    customers: int
    total_actual: float
    total_predicted: float
    buckets: list[HoldoutBucket]

    @property
    def error(self) -> float:
        """Relative error of the total prediction (0.05: 5% too many)."""
        if self.total_actual == 0:
            return 0.0
        return (self.total_predicted - self.total_actual) / self.total_actual


def calibration_holdout(
    customer_ids: npt.ArrayLike,
    dates: npt.ArrayLike,
    amounts: npt.ArrayLike,
    *,
    calibration_end: date | str | np.datetime64,
    observation_end: date | str | np.datetime64,
    period_days: Literal[1, 7] = 1,
    freq_days: float = 7.0,
    max_frequency: int = 7,
) -> HoldoutCheck:
    """Fit on the purchases up to ``calibration_end`` and compare the predicted with
    the actual purchases after it up to ``observation_end`` (periods as in
    ``rfm_summary``: a purchase is one period with purchases)."""
    end = int(_period_start(_days(np.array([observation_end], dtype=object)), period_days)[0])
    cut = int(_period_start(_days(np.array([calibration_end], dtype=object)), period_days)[0])
    if cut >= end:
        raise ValueError("calibration_end must be before observation_end")
    if max_frequency < 1:
        raise ValueError("max_frequency must be at least 1")
    ids_in = np.asarray(customer_ids)
    calibration = rfm_summary(
        ids_in,
        dates,
        amounts,
        observation_end=calibration_end,
        period_days=period_days,
        freq_days=freq_days,
    )
    fit = fit_bgnbd(calibration.frequency, calibration.recency, calibration.age)
    length = (end - cut) / freq_days
    predicted = expected_purchases(
        fit, length, calibration.frequency, calibration.recency, calibration.age
    )
    actual = _holdout_purchases(
        calibration.customer_ids, ids_in, dates, period_days=period_days, start=cut, end=end
    )
    capped = np.minimum(calibration.frequency, max_frequency)
    buckets = []
    for frequency in range(max_frequency + 1):
        members = capped == frequency
        count = int(members.sum())
        if count:
            buckets.append(
                HoldoutBucket(
                    frequency=frequency,
                    customers=count,
                    actual=float(actual[members].mean()),
                    predicted=float(predicted[members].mean()),
                )
            )
    return HoldoutCheck(
        fit=fit,
        holdout_length=length,
        customers=len(calibration),
        total_actual=float(actual.sum()),
        total_predicted=float(predicted.sum()),
        buckets=buckets,
    )


def _holdout_purchases(
    calibrated: npt.NDArray[np.generic],
    ids_in: npt.NDArray[np.generic],
    dates: npt.ArrayLike,
    *,
    period_days: int,
    start: int,
    end: int,
) -> npt.NDArray[np.float64]:
    """Per calibrated customer (sorted ids): the periods with purchases in (start, end]."""
    days = _period_start(_days(dates), period_days)
    later = (days > start) & (days <= end) & np.isin(ids_in, calibrated)
    customer = np.searchsorted(calibrated, ids_in[later])
    # One purchase per (customer, period), like the calibration summary counts them.
    pairs = np.unique(np.stack([customer, days[later]]), axis=1)
    return np.bincount(pairs[0], minlength=len(calibrated)).astype(np.float64)
