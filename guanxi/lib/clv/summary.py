"""Transaction log → RFM summary (frequency, recency, age, mean repeat spend) per customer.

Same conventions as lifetimes' ``summary_data_from_transaction_data``: purchases are
bucketed by period (a calendar day, or a Monday-to-Sunday week), purchases in one period
count once with their amounts summed, the first period is the customer's *first*
purchase and the rest are *repeat* purchases; periods after the observation end are
dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class RfmSummary:
    """One row per customer (sorted by id): x = ``frequency``, t_x = ``recency``,
    T = ``age``, both in units of ``freq_days`` days; ``monetary_value`` is the mean
    amount of the repeat periods (0 when there are none)."""

    customer_ids: npt.NDArray[np.generic]
    frequency: IntArray
    recency: FloatArray
    age: FloatArray
    monetary_value: FloatArray

    def __len__(self) -> int:
        return len(self.customer_ids)


def _days(dates: npt.ArrayLike) -> IntArray:
    """Days since 1970-01-01 of dates, datetimes (time of day dropped), datetime64 or
    ISO strings."""
    values = np.asarray(dates)
    if values.dtype.kind != "M":
        values = values.astype("datetime64[us]")
    return values.astype("datetime64[D]").astype(np.int64)


def _period_start(days: IntArray, period_days: int) -> IntArray:
    if period_days == 1:
        return days
    # 1970-01-01 was a Thursday: (days + 3) % 7 is 0 on Mondays (pandas' "W" periods).
    return days - (days + 3) % 7


def rfm_summary(
    customer_ids: npt.ArrayLike,
    dates: npt.ArrayLike,
    amounts: npt.ArrayLike,
    *,
    observation_end: date | str | np.datetime64 | None = None,
    period_days: Literal[1, 7] = 1,
    freq_days: float = 7.0,
) -> RfmSummary:
    """Summarise a transaction log, one row per customer who bought by ``observation_end``.

    ``period_days`` is the de-duplication period (1: a calendar day, 7: a Monday–Sunday
    week); ``freq_days`` the time unit of recency and age in days (7: weeks, the CDNOW
    convention; 1: days). ``observation_end`` (a date; default: the last purchase) is
    floored to its period like the purchases. lifetimes' ``freq="D",
    freq_multiplier=7`` is ``period_days=1, freq_days=7``; its ``freq="W"`` is
    ``period_days=7, freq_days=7``.
    """
    if period_days not in (1, 7):
        raise ValueError("period_days must be 1 (days) or 7 (weeks)")
    if freq_days <= 0:
        raise ValueError("freq_days must be positive")
    ids_in = np.asarray(customer_ids)
    days = _period_start(_days(dates), period_days)
    spent = np.asarray(amounts, dtype=np.float64)
    if not (len(ids_in) == len(days) == len(spent)):
        raise ValueError("customer_ids, dates and amounts must have the same length")
    if len(days) == 0:
        empty = np.zeros(0)
        return RfmSummary(ids_in[:0], empty.astype(np.int64), empty, empty, empty)
    if observation_end is None:
        end = int(days.max())
    else:
        end = int(_period_start(_days(np.array([observation_end], dtype=object)), period_days)[0])

    kept = days <= end
    ids, customer = np.unique(ids_in[kept], return_inverse=True)
    period, spent = days[kept], spent[kept]
    order = np.lexsort((period, customer))
    customer, period, spent = customer[order], period[order], spent[order]

    # One row per (customer, period), amounts summed.
    new_pair = np.ones(len(period), dtype=bool)
    new_pair[1:] = (customer[1:] != customer[:-1]) | (period[1:] != period[:-1])
    pair_start = np.flatnonzero(new_pair)
    pair_customer, pair_period = customer[pair_start], period[pair_start]
    pair_spent = np.add.reduceat(spent, pair_start)

    # One row per customer: first period, last period, number of periods.
    new_customer = np.ones(len(pair_start), dtype=bool)
    new_customer[1:] = pair_customer[1:] != pair_customer[:-1]
    first_row = np.flatnonzero(new_customer)
    periods = np.diff(np.append(first_row, len(pair_start)))
    first = pair_period[first_row]
    last = pair_period[first_row + periods - 1]
    frequency = (periods - 1).astype(np.int64)
    repeat_spent = pair_spent.copy()
    repeat_spent[first_row] = 0.0  # the first purchase is not a repeat purchase
    repeat_spent = np.add.reduceat(repeat_spent, first_row)
    monetary = np.divide(repeat_spent, frequency, out=np.zeros(len(first)), where=frequency > 0)
    return RfmSummary(
        customer_ids=ids,
        frequency=frequency,
        recency=(last - first) / freq_days,
        age=(end - first) / freq_days,
        monetary_value=monetary,
    )
