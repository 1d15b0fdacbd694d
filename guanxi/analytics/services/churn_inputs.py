"""The inputs of the churn risk, per scored customer, as NumPy arrays: P(alive) and the
value basis from the stored scores, the orders of the recent window and of the one
before, open tickets, low satisfaction answers and the stored risk's threshold state —
one aggregate query each (per 500 customers when only some are recomputed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection
from django.db.models import Count, Q, QuerySet

from guanxi.analytics.models import ChurnRisk, CustomerScore
from guanxi.analytics.services.churn_config import ChurnConfig
from guanxi.analytics.services.columns import fetch_for, id_chunks
from guanxi.customers.models import Account
from guanxi.sales.choices_orders import OrderStatus
from guanxi.sales.models import Order
from guanxi.service.choices import UNRESOLVED
from guanxi.service.models import Survey, Ticket
from guanxi.service.models.surveys import SurveyKind

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def narrowed(queryset: QuerySet[Any], chunk: list[int] | None) -> QuerySet[Any]:
    return queryset if chunk is None else queryset.filter(account_id__in=chunk)


def _table(model: Any) -> str:
    return str(connection.ops.quote_name(model._meta.db_table))


@dataclass
class ChurnInputs:
    """Per scored customer (``account_ids`` ascending), as NumPy arrays."""

    account_ids: IntArray
    p_alive: FloatArray  # NaN without a model
    basis_cents: IntArray  # lifetime value, else predicted value, else net spend
    recent: IntArray
    earlier: IntArray
    tickets: IntArray
    low_answers: IntArray
    known: npt.NDArray[np.bool_]  # had a risk row before
    was_above: npt.NDArray[np.bool_]
    crossed_at: dict[int, datetime]  # the stored crossing times (not NULL)


def _scatter(ids: IntArray, keys: IntArray, values: IntArray) -> IntArray:
    """``values`` (of the customers ``keys``) at the positions of ``ids``; 0 elsewhere."""
    out = np.zeros(len(ids), dtype=np.int64)
    if len(ids) and len(keys):
        where = np.minimum(np.searchsorted(ids, keys), len(ids) - 1)
        hit = ids[where] == keys
        out[where[hit]] = values[hit]
    return out


def _counts(queryset: QuerySet[Any], ids: list[int] | None) -> tuple[IntArray, IntArray]:
    pairs: list[tuple[int, int]] = []
    for chunk in id_chunks(ids):
        pairs.extend(
            narrowed(queryset, chunk)
            .order_by()
            .values("account_id")
            .annotate(n=Count("pk"))
            .values_list("account_id", "n")
        )
    keys = np.array([p[0] for p in pairs], dtype=np.int64)
    return keys, np.array([p[1] for p in pairs], dtype=np.int64)


def gather_churn_inputs(
    ids: list[int] | None, config: ChurnConfig, as_of: date, now: datetime
) -> ChurnInputs:
    window = timedelta(days=config.window_days)
    recent_from = as_of - window
    score, account, order = _table(CustomerScore), _table(Account), _table(Order)
    account_ids, p_alive, has_p, basis = fetch_for(
        "SELECT s.account_id, COALESCE(s.p_alive, -1.0),"  # noqa: S608 (table names only)
        " CASE WHEN s.p_alive IS NULL THEN 0 ELSE 1 END,"
        " CAST(COALESCE(s.clv, s.predicted_value, s.total_spend, 0) AS DOUBLE PRECISION)"
        f" FROM {score} s JOIN {account} a ON a.id = s.account_id"
        " WHERE a.deleted_at IS NULL{ids}",
        [],
        "ifif",
        ids,
        "s.account_id",
    )
    order_ids, recent, earlier = fetch_for(
        "SELECT o.account_id,"  # noqa: S608 (table names only)
        " SUM(CASE WHEN o.order_date > %s THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN o.order_date <= %s THEN 1 ELSE 0 END)"
        f" FROM {order} o JOIN {account} a ON a.id = o.account_id"
        " WHERE o.status = %s AND o.order_date <= %s AND o.order_date > %s"
        " AND a.deleted_at IS NULL{ids} GROUP BY o.account_id",
        [recent_from, recent_from, OrderStatus.CONFIRMED, as_of, as_of - 2 * window],
        "iii",
        ids,
        "o.account_id",
    )
    tickets = Ticket.objects.filter(
        status__in=UNRESOLVED, deleted_at__isnull=True, account__isnull=False
    )
    low = Q(kind=SurveyKind.CSAT, score__lte=config.low_csat) | Q(
        kind=SurveyKind.NPS, score__lte=config.low_nps
    )
    surveys = Survey.objects.filter(
        low,
        answered_at__isnull=False,
        answered_at__gt=now - timedelta(days=config.satisfaction_days),
        score__isnull=False,
        account__isnull=False,
    )
    previous_ids, above = fetch_for(
        f"SELECT account_id, CASE WHEN above_threshold THEN 1 ELSE 0 END"  # noqa: S608
        f" FROM {_table(ChurnRisk)} WHERE 1 = 1{{ids}}",
        [],
        "ii",
        ids,
        "account_id",
    )
    crossed_at: dict[int, datetime] = {}
    for chunk in id_chunks(ids):
        crossed_at.update(
            narrowed(ChurnRisk.objects.filter(crossed_at__isnull=False), chunk)
            .order_by()
            .values_list("account_id", "crossed_at")
        )
    order_by = np.argsort(account_ids, kind="stable")
    account_ids = account_ids[order_by]
    known = _scatter(account_ids, previous_ids, np.ones(len(previous_ids), dtype=np.int64))
    return ChurnInputs(
        account_ids=account_ids,
        p_alive=np.where(has_p[order_by] == 1, p_alive[order_by], np.nan),
        basis_cents=np.rint(basis[order_by] * 100).astype(np.int64),
        recent=_scatter(account_ids, order_ids, recent),
        earlier=_scatter(account_ids, order_ids, earlier),
        tickets=_scatter(account_ids, *_counts(tickets, ids)),
        low_answers=_scatter(account_ids, *_counts(surveys, ids)),
        known=known == 1,
        was_above=_scatter(account_ids, previous_ids, above) == 1,
        crossed_at=crossed_at,
    )
