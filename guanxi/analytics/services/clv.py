"""Lifetime value from the order history: the transaction log of confirmed orders (net
of returns), its RFM summary in weeks, the BG/NBD and Gamma-Gamma fits and each
customer's predictions — all through ``guanxi.lib.clv``.

Conventions (docs/analytics.md): an order counts on its order date with its base-
currency total less what returns against it credited (never below zero); the order
still counts as a purchase. Days are the purchase periods, weeks the time unit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from guanxi.analytics.services.columns import fetch_for
from guanxi.customers.models import Account
from guanxi.lib.clv import (
    BgNbdFit,
    ConvergenceError,
    GammaGammaFit,
    RfmSummary,
    clv,
    expected_purchases,
    expected_spend,
    fit_bgnbd,
    fit_gamma_gamma,
    probability_alive,
    rfm_summary,
)
from guanxi.sales.choices_orders import OrderStatus
from guanxi.sales.models import Order, Return

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

WEEKS_PER_MONTH = 4.345
# Fewer repeat buyers than this and a fit says more about noise than customers: no
# model is stored and the predictions stay empty (the run's note says why).
MIN_REPEAT_BUYERS = 20


def horizon_months() -> int:
    """How many months lifetime value and the "next months" predictions look ahead."""
    return int(getattr(settings, "ANALYTICS_HORIZON_MONTHS", 12))


def monthly_discount_rate() -> float:
    return float(getattr(settings, "ANALYTICS_MONTHLY_DISCOUNT_RATE", 0.01))


@dataclass(frozen=True)
class TransactionLog:
    """One row per confirmed order: account, order date, net base-currency amount."""

    account_ids: IntArray
    dates: npt.NDArray[np.datetime64]
    amounts: FloatArray

    def __len__(self) -> int:
        return len(self.account_ids)


def transaction_log(*, as_of: date, account_ids: Iterable[int] | None = None) -> TransactionLog:
    """Confirmed orders dated up to ``as_of`` of live accounts (all, or those in
    ``account_ids``), each less the returns against it dated up to ``as_of`` — one query
    read into arrays, in the orders' usual order (latest first)."""
    q = connection.ops.quote_name
    order, ret = q(Order._meta.db_table), q(Return._meta.db_table)
    account = q(Account._meta.db_table)
    ids = None if account_ids is None else sorted({int(pk) for pk in account_ids})
    order_ids, accounts, days, totals, returned = fetch_for(
        "SELECT o.id, o.account_id, o.order_date,"  # noqa: S608 (table names only)
        " CAST(o.total_base AS DOUBLE PRECISION),"
        " CAST(COALESCE(r.total, 0) AS DOUBLE PRECISION)"
        f" FROM {order} o JOIN {account} a ON a.id = o.account_id"
        " LEFT JOIN (SELECT order_id, ROUND(SUM(total_base), 2) AS total"
        f" FROM {ret} WHERE return_date <= %s GROUP BY order_id) r ON r.order_id = o.id"
        " WHERE o.status = %s AND o.order_date <= %s AND a.deleted_at IS NULL{ids}",
        [as_of, OrderStatus.CONFIRMED, as_of],
        "iidff",
        ids,
        "o.account_id",
    )
    latest_first = np.lexsort((-order_ids, -days))
    return TransactionLog(
        accounts[latest_first],
        days[latest_first].astype("datetime64[D]"),
        np.maximum(totals[latest_first] - returned[latest_first], 0.0),
    )


@dataclass(frozen=True)
class CustomerStats:
    """Per customer (``summary.customer_ids``, ascending): the RFM inputs and the
    BG/NBD / Gamma-Gamma summary (x, t_x, T in weeks, m = mean repeat purchase)."""

    summary: RfmSummary
    orders: IntArray
    first_day: IntArray  # days since 1970-01-01
    last_day: IntArray
    recency_days: IntArray
    total_spend: FloatArray

    @property
    def account_ids(self) -> IntArray:
        return np.asarray(self.summary.customer_ids, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.summary)


def customer_stats(log: TransactionLog, *, as_of: date) -> CustomerStats:
    """Aggregate the log per customer: orders, first and last order, net spend, days
    since the last order at ``as_of``, and the RFM summary with daily periods in weeks."""
    summary = rfm_summary(
        log.account_ids, log.dates, log.amounts, observation_end=as_of, period_days=1, freq_days=7
    )
    ids, inverse = np.unique(log.account_ids, return_inverse=True)
    n = len(ids)
    days = log.dates.astype("datetime64[D]").astype(np.int64)
    first = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    last = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
    np.minimum.at(first, inverse, days)
    np.maximum.at(last, inverse, days)
    end = int(np.datetime64(as_of, "D").astype(np.int64))
    return CustomerStats(
        summary=summary,
        orders=np.bincount(inverse, minlength=n).astype(np.int64),
        first_day=first,
        last_day=last,
        recency_days=(end - last).astype(np.int64),
        # In cents, as stored: the M score then does not hang on how the sum was added up.
        total_spend=np.round(np.bincount(inverse, weights=log.amounts, minlength=n), 2),
    )


@dataclass(frozen=True)
class Fits:
    """The models fitted (None when they could not be) and why not."""

    bgnbd: BgNbdFit | None
    gamma_gamma: GammaGammaFit | None
    note: str = ""


def fit_models(summary: RfmSummary) -> Fits:
    """BG/NBD on all customers and Gamma-Gamma on the repeat buyers with a positive
    mean repeat purchase — each only with at least ``MIN_REPEAT_BUYERS`` of them."""
    x, t_x, T, m = summary.frequency, summary.recency, summary.age, summary.monetary_value
    repeat = int((x > 0).sum())
    if repeat < MIN_REPEAT_BUYERS:
        return Fits(
            None,
            None,
            ngettext(
                "No lifetime-value model: %(n)s customer bought more than once, a fit "
                "needs at least %(min)s.",
                "No lifetime-value model: %(n)s customers bought more than once, a fit "
                "needs at least %(min)s.",
                repeat,
            )
            % {"n": repeat, "min": MIN_REPEAT_BUYERS},
        )
    try:
        bgnbd = fit_bgnbd(x, t_x, T)
    except (ConvergenceError, ValueError) as error:
        return Fits(None, None, _("The BG/NBD fit failed: %(error)s") % {"error": error})
    if not np.isfinite([bgnbd.r, bgnbd.alpha, bgnbd.a, bgnbd.b]).all():
        return Fits(None, None, _("The BG/NBD fit gave parameters out of range."))
    if abs(bgnbd.a - 1.0) < 1e-9:
        return Fits(None, None, _("The BG/NBD fit gave a = 1: no predictions possible."))
    spenders = (x > 0) & (m > 0)
    if int(spenders.sum()) < MIN_REPEAT_BUYERS:
        return Fits(
            bgnbd,
            None,
            _("No spend model: fewer than %(min)s repeat buyers with a positive amount.")
            % {"min": MIN_REPEAT_BUYERS},
        )
    try:
        gamma_gamma = fit_gamma_gamma(x[spenders], m[spenders])
    except (ConvergenceError, ValueError) as error:
        return Fits(bgnbd, None, _("The Gamma-Gamma fit failed: %(error)s") % {"error": error})
    if not np.isfinite([gamma_gamma.p, gamma_gamma.q, gamma_gamma.gamma]).all():
        # e.g. every repeat purchase of the same amount: no spread to fit
        return Fits(
            bgnbd,
            None,
            _("The Gamma-Gamma fit gave parameters out of range: the spend hardly varies."),
        )
    if gamma_gamma.q <= 1:
        return Fits(
            bgnbd, None, _("The Gamma-Gamma fit gave q ≤ 1: the mean spend is not defined.")
        )
    return Fits(bgnbd, gamma_gamma)


@dataclass(frozen=True)
class Predictions:
    """Per customer, aligned with the summary; None where no model is available."""

    p_alive: FloatArray | None
    expected_purchases: FloatArray | None
    expected_spend: FloatArray | None
    predicted_value: FloatArray | None
    clv: FloatArray | None


def predict(
    summary: RfmSummary,
    fits: Fits,
    *,
    months: int,
    discount_rate: float,
) -> Predictions:
    """P(alive), purchases expected in the next ``months``, expected spend per purchase,
    their undiscounted product and the discounted CLV over ``months`` months."""
    if fits.bgnbd is None or len(summary) == 0:
        return Predictions(None, None, None, None, None)
    x, t_x, T, m = summary.frequency, summary.recency, summary.age, summary.monetary_value
    alive = probability_alive(fits.bgnbd, x, t_x, T)
    purchases = expected_purchases(fits.bgnbd, months * WEEKS_PER_MONTH, x, t_x, T)
    if fits.gamma_gamma is None:
        return Predictions(alive, purchases, None, None, None)
    spend = expected_spend(fits.gamma_gamma, x, m)
    value = clv(
        fits.bgnbd,
        fits.gamma_gamma,
        x,
        t_x,
        T,
        m,
        periods=months,
        period_length=WEEKS_PER_MONTH,
        discount_rate=discount_rate,
    )
    return Predictions(alive, purchases, spend, purchases * spend, value)
