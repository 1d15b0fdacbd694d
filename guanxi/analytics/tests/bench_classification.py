"""Timing of classifying 100,000 customers (not collected by the test run; run it by
naming it: ``pytest guanxi/analytics/tests/bench_classification.py -s``)."""

import time
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pytest

from guanxi.analytics.models import CustomerClass
from guanxi.analytics.services.classification import classify_customers, preview
from guanxi.analytics.services.classification_rules import current_rules
from guanxi.customers.models import Account
from guanxi.sales.models import Order
from guanxi.testing.users import make_user

CUSTOMERS = 100_000
AS_OF = date(2026, 6, 30)


@pytest.mark.django_db
def test_classify_100k_customers():
    owner = make_user()
    Account.objects.bulk_create(
        [Account(name=f"B{i}", owner=owner) for i in range(CUSTOMERS)], batch_size=5000
    )
    ids = list(Account.objects.values_list("pk", flat=True))
    rng = np.random.default_rng(1)
    orders = []
    for account_id in ids:
        for days in rng.integers(0, 900, int(rng.integers(1, 6))):
            value = Decimal(int(rng.integers(50, 30000)))
            orders.append(
                Order(
                    number=f"B-{len(orders)}",
                    account_id=account_id,
                    owner=owner,
                    status="confirmed",
                    order_date=AS_OF - timedelta(days=int(days)),
                    total=value,
                    total_base=value,
                )
            )
    Order.objects.bulk_create(orders, batch_size=5000)

    started = time.perf_counter()
    classify_customers(as_of=AS_OF)
    first = time.perf_counter() - started
    started = time.perf_counter()
    classify_customers(as_of=AS_OF + timedelta(days=30))
    again = time.perf_counter() - started
    started = time.perf_counter()
    found = preview({**current_rules().rules, "regular_min_orders": 2}, as_of=AS_OF)
    previewed = time.perf_counter() - started
    started = time.perf_counter()
    classify_customers(as_of=AS_OF, account_ids=ids[:100])
    some = time.perf_counter() - started
    print(
        f"\n{len(orders)} orders; first {first:.1f}s, a month later {again:.1f}s, "
        f"preview {previewed:.1f}s ({found.changed['purchase']} would move), 100: {some:.2f}s"
    )
    assert CustomerClass.objects.count() == CUSTOMERS
