"""Product associations over customers, in bulk: a customer "bought" a product when
their confirmed orders dated up to the observation end hold more of it than their
returns took back (the lines read as arrays, grouped with NumPy). For every ordered
pair of products bought by at least the minimum number of customers: support,
confidence and lift (counted with a sparse matrix product). Refreshed by the nightly
(and on-demand full) recompute; see docs/churn-and-cross-sell.md."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import DecimalField, F, Sum
from django.utils import timezone
from scipy import sparse

from guanxi.analytics.models import AssociationRefresh, ProductAssociation, ProductStat
from guanxi.analytics.services.columns import fetch_columns
from guanxi.customers.models import Account
from guanxi.sales.choices_orders import OrderStatus
from guanxi.sales.models import Order, OrderLine, Return, ReturnLine

IntArray = npt.NDArray[np.int64]
BATCH = 2000
CENT = Decimal("0.01")
DEFAULTS: dict[str, Any] = {"min_support": 0.01, "min_pair_buyers": 2}


@dataclass(frozen=True)
class CrossSellConfig:
    min_support: float
    min_pair_buyers: int


def cross_sell_config() -> CrossSellConfig:
    """``ANALYTICS_CROSS_SELL`` in the Django settings (keys left out keep defaults)."""
    values = {**DEFAULTS, **(getattr(settings, "ANALYTICS_CROSS_SELL", {}) or {})}
    support, pairs = values["min_support"], values["min_pair_buyers"]
    if isinstance(support, bool) or not isinstance(support, int | float) or not 0 <= support <= 1:
        raise ImproperlyConfigured("ANALYTICS_CROSS_SELL['min_support'] must be between 0 and 1.")
    if isinstance(pairs, bool) or not isinstance(pairs, int) or pairs < 1:
        raise ImproperlyConfigured("ANALYTICS_CROSS_SELL['min_pair_buyers'] must be at least 1.")
    return CrossSellConfig(float(support), pairs)


def _lines_sql() -> str:
    """Each confirmed order line's (customer, product, quantity net of its returns), for
    (return date limit, order status, order date limit). Not grouped here: grouping a
    million lines by customer and product with exact decimal sums is what PostgreSQL
    spent most of the refresh on (and spilled to disk at ten million); the lines are
    read as arrays and grouped with NumPy (``_bought``)."""
    q = connection.ops.quote_name
    line, order, ret = (
        q(OrderLine._meta.db_table),
        q(Order._meta.db_table),
        q(Return._meta.db_table),
    )
    ret_line, account = q(ReturnLine._meta.db_table), q(Account._meta.db_table)
    return (
        f"WITH returned AS ("  # noqa: S608 (table names only; values are parameters)
        f" SELECT rl.order_line_id AS line_id, SUM(rl.quantity) AS qty"
        f" FROM {ret_line} rl JOIN {ret} r ON r.id = rl.return_doc_id"
        f" WHERE r.return_date <= %s GROUP BY rl.order_line_id"
        f") SELECT o.account_id, l.product_id,"
        f" CAST(l.quantity - COALESCE(rt.qty, 0) AS DOUBLE PRECISION)"
        f" FROM {line} l JOIN {order} o ON o.id = l.order_id"
        f" JOIN {account} a ON a.id = o.account_id"
        f" LEFT JOIN returned rt ON rt.line_id = l.id"
        f" WHERE o.status = %s AND o.order_date <= %s AND a.deleted_at IS NULL"
    )


def _bought(params: list[Any]) -> tuple[IntArray, IntArray]:
    """The (customer, product) pairs bought — more ordered than returned — as two
    aligned arrays, sorted by customer then product."""
    account, product, quantity = fetch_columns(_lines_sql(), params, "iif")
    if not len(account):
        return account, product
    width = int(product.max()) + 1
    keys, inverse = np.unique(account * width + product, return_inverse=True)
    # Quantities have two decimals: the float sums, rounded to cents, are exact.
    net = np.round(np.bincount(inverse, weights=quantity, minlength=len(keys)), 2)
    kept = keys[net > 0]
    return (kept // width).astype(np.int64), (kept % width).astype(np.int64)


def _pair_counts(
    account: IntArray, product: IntArray, minimum: int
) -> tuple[IntArray, IntArray, IntArray]:
    """For every ordered pair of different products bought by at least ``minimum``
    customers: (antecedent, consequent, customers who bought both) — the product
    co-occurrence matrix of the customers × products incidence, sparse."""
    if not len(account):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    customers, rows = np.unique(account, return_inverse=True)
    products, cols = np.unique(product, return_inverse=True)
    incidence = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.int64), (rows, cols)),
        shape=(len(customers), len(products)),
    )
    both = (incidence.T @ incidence).tocoo()
    keep = (both.row != both.col) & (both.data >= minimum)
    return products[both.row[keep]], products[both.col[keep]], both.data[keep].astype(np.int64)


@dataclass(frozen=True)
class RefreshResult:
    refresh: AssociationRefresh
    rules: int


def _average_prices(as_of: date) -> dict[int, Decimal]:
    """Average net unit price paid per product, in the base currency."""
    rows = (
        OrderLine.objects.filter(order__status=OrderStatus.CONFIRMED, order__order_date__lte=as_of)
        .order_by()
        .values("product_id")
        .annotate(
            quantity=Sum("quantity"),
            amount=Sum(
                F("line_total") * F("order__exchange_rate"),
                output_field=DecimalField(max_digits=30, decimal_places=10),
            ),
        )
        .values_list("product_id", "quantity", "amount")
    )
    return {
        pk: (Decimal(str(amount)) / Decimal(str(quantity))).quantize(CENT)
        for pk, quantity, amount in rows
        if quantity and amount is not None
    }


def refresh_associations(
    *, as_of: date | None = None, now: datetime | None = None
) -> RefreshResult:
    """Recompute every association and product summary from the order history."""
    as_of = as_of or timezone.localdate()
    now = now or timezone.now()
    config = cross_sell_config()
    params = [as_of, OrderStatus.CONFIRMED, as_of]
    account, product = _bought(params)
    customers = len(np.unique(account))
    ids, counts = np.unique(product, return_counts=True)
    buyers = dict(zip(ids.tolist(), counts.tolist(), strict=True))
    minimum = max(config.min_pair_buyers, math.ceil(config.min_support * customers - 1e-9))
    antecedents, consequents, counted = _pair_counts(account, product, minimum)
    pairs = zip(antecedents.tolist(), consequents.tolist(), counted.tolist(), strict=True)
    prices = _average_prices(as_of)
    rules = []
    for antecedent, consequent, both in pairs:
        confidence = both / buyers[antecedent]
        rules.append(
            ProductAssociation(
                antecedent_id=antecedent,
                consequent_id=consequent,
                pair_buyers=both,
                antecedent_buyers=buyers[antecedent],
                consequent_buyers=buyers[consequent],
                support=both / customers,
                confidence=confidence,
                lift=confidence / (buyers[consequent] / customers),
                computed_at=now,
            )
        )
    stats = [
        ProductStat(product_id=pk, buyers=n, average_price=prices.get(pk), computed_at=now)
        for pk, n in buyers.items()
    ]
    with transaction.atomic():
        ProductAssociation.objects.all().delete()
        ProductStat.objects.all().delete()
        ProductAssociation.objects.bulk_create(rules, batch_size=BATCH)
        ProductStat.objects.bulk_create(stats, batch_size=BATCH)
        refresh = AssociationRefresh.objects.create(
            customers=customers,
            products=len(buyers),
            rules=len(rules),
            min_support=config.min_support,
            min_pair_buyers=minimum,
            observation_end=as_of,
            computed_at=now,
        )
    return RefreshResult(refresh, len(rules))
