"""Timing of a full recompute at 100,000 customers (not collected by the test run; run
it by naming it: ``pytest guanxi/analytics/tests/bench_recompute.py -s``)."""

import time
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pytest

from guanxi.analytics.models import CustomerScore
from guanxi.analytics.services.recompute import recompute_accounts, recompute_all
from guanxi.customers.models import Account
from guanxi.sales.models import Order
from guanxi.testing.users import make_user

CUSTOMERS = 100_000
AS_OF = date(2026, 6, 30)


@pytest.mark.django_db
def test_full_recompute_of_100k_customers():
    owner = make_user()
    Account.objects.bulk_create(
        [Account(name=f"B{i}", owner=owner) for i in range(CUSTOMERS)], batch_size=5000
    )
    ids = list(Account.objects.values_list("pk", flat=True))
    rng = np.random.default_rng(1)
    orders = []
    for account_id in ids:
        for days in rng.integers(0, 730, int(rng.integers(1, 6))):
            value = Decimal(int(rng.integers(50, 3000)))
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
    recompute_all(as_of=AS_OF)
    full = time.perf_counter() - started
    started = time.perf_counter()
    recompute_all(as_of=AS_OF)
    again = time.perf_counter() - started
    started = time.perf_counter()
    recompute_accounts(ids[:100], as_of=AS_OF)
    some = time.perf_counter() - started
    print(f"\n{len(orders)} orders; full {full:.1f}s, again {again:.1f}s, 100: {some:.2f}s")
    assert CustomerScore.objects.count() == CUSTOMERS
