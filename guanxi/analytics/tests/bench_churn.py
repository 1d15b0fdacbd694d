"""Timing of the churn and association refreshes (not collected by the test run; run
it by naming it: ``pytest guanxi/analytics/tests/bench_churn.py -s``)."""

import time
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pytest

from guanxi.analytics.models import ChurnRisk, ProductAssociation
from guanxi.analytics.services.churn import refresh_churn
from guanxi.analytics.services.cross_sell import refresh_associations
from guanxi.analytics.services.recompute import recompute_all
from guanxi.customers.models import Account
from guanxi.sales.models import Order, OrderLine, Product
from guanxi.testing.users import make_user

CUSTOMERS = 50_000
PRODUCTS = 200
AS_OF = date(2026, 6, 30)


@pytest.mark.django_db
def test_refreshes_at_50k_customers():
    owner = make_user()
    Account.objects.bulk_create(
        [Account(name=f"B{i}", owner=owner) for i in range(CUSTOMERS)], batch_size=5000
    )
    Product.objects.bulk_create(
        [Product(sku=f"P{i}", name=f"Product {i}", category=f"C{i % 10}") for i in range(PRODUCTS)]
    )
    products = list(Product.objects.values_list("pk", flat=True))
    ids = list(Account.objects.values_list("pk", flat=True))
    rng = np.random.default_rng(1)
    orders = []
    for account_id in ids:
        for days in rng.integers(0, 730, int(rng.integers(1, 4))):
            orders.append(
                Order(
                    number=f"B-{len(orders)}",
                    account_id=account_id,
                    owner=owner,
                    status="confirmed",
                    order_date=AS_OF - timedelta(days=int(days)),
                    total=Decimal(300),
                    total_base=Decimal(300),
                )
            )
    Order.objects.bulk_create(orders, batch_size=5000)
    lines = [
        OrderLine(
            order_id=order_id,
            product_id=int(products[int(p)]),
            description="x",
            quantity=1,
            unit_price=Decimal(100),
            line_total=Decimal(100),
        )
        for order_id in Order.objects.values_list("pk", flat=True)
        for p in rng.choice(PRODUCTS, 3, replace=False)
    ]
    OrderLine.objects.bulk_create(lines, batch_size=5000)
    recompute_all(as_of=AS_OF)

    started = time.perf_counter()
    refresh_churn(as_of=AS_OF)
    churn = time.perf_counter() - started
    started = time.perf_counter()
    result = refresh_associations(as_of=AS_OF)
    pairs = time.perf_counter() - started
    print(
        f"\n{CUSTOMERS} customers, {len(orders)} orders, {len(lines)} lines: churn {churn:.1f}s, "
        f"associations {pairs:.1f}s ({result.rules} rules)"
    )
    assert ChurnRisk.objects.count() == CUSTOMERS
    assert ProductAssociation.objects.count() == result.rules
