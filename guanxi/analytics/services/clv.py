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
from typing import Any

import numpy as np
import numpy.typing as npt
from django.conf import settings
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
_CHUNK = 500  # ids per IN (...) list: well inside SQLite's limit on query parameters


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


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def transaction_log(*, as_of: date, account_ids: Iterable[int] | None = None) -> TransactionLog:
    """Confirmed orders dated up to ``as_of`` of live accounts (all, or those in
    ``account_ids``), each less the returns against it dated up to ``as_of``."""
    base = Order.objects.filter(
        status=OrderStatus.CONFIRMED, order_date__lte=as_of, account__deleted_at__isnull=True
    )
    selections = (
        [base]
        if account_ids is None
        else [base.filter(account_id__in=chunk) for chunk in _chunks(sorted(set(account_ids)))]
    )
    rows: list[tuple[Any, ...]] = []
    returned: dict[int, float] = {}
    for orders in selections:
        rows.extend(orders.values_list("pk", "account_id", "order_date", "total_base"))
        credited = (
            Return.objects.filter(order__in=orders.values("pk"), return_date__lte=as_of)
            .values("order_id")
            .annotate(total=Sum("total_base"))
            .values_list("order_id", "total")
        )
        returned.update((order_id, float(total or 0)) for order_id, total in credited)
    accounts = np.fromiter((row[1] for row in rows), dtype=np.int64, count=len(rows))
    dates = np.array([row[2] for row in rows], dtype="datetime64[D]").reshape(len(rows))
    amounts = np.fromiter(
        (max(float(row[3]) - returned.get(row[0], 0.0), 0.0) for row in rows),
        dtype=np.float64,
        count=len(rows),
    )
    return TransactionLog(accounts, dates, amounts)


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
        total_spend=np.bincount(inverse, weights=log.amounts, minlength=n).astype(np.float64),
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
