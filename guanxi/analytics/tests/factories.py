"""Small factories for analytics tests: order histories written straight to the order
tables (analytics only reads confirmed orders' dates and base-currency totals)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from guanxi.sales.choices_orders import OrderStatus
from guanxi.sales.models import Order, Return

_numbers = itertools.count(1)


def buy(account: Any, day: date, amount: Any, *, status: str = OrderStatus.CONFIRMED) -> Order:
    """A confirmed order of ``amount`` (base currency) by the account on ``day``."""
    value = Decimal(str(amount))
    return Order.objects.create(
        number=f"AN-{next(_numbers)}",
        account=account,
        owner=account.owner,
        status=status,
        order_date=day,
        total=value,
        total_base=value,
    )


def give_back(order: Order, day: date, amount: Any) -> Return:
    """A return crediting ``amount`` (base currency) against the order."""
    value = Decimal(str(amount))
    return Return.objects.create(
        number=f"AR-{next(_numbers)}",
        order=order,
        return_date=day,
        reason="Damaged",
        total=value,
        total_base=value,
    )


def history(account: Any, as_of: date, days_ago: list[int], amount: Any) -> list[Order]:
    """One order of ``amount`` for each of ``days_ago`` before ``as_of``."""
    return [buy(account, as_of - timedelta(days=d), amount) for d in days_ago]


def population(as_of: date, *, customers: int = 40, owner: Any = None, seed: int = 7) -> list[Any]:
    """``customers`` accounts with seeded random histories of 1–6 orders over two years
    (enough repeat buyers for the models to be fitted)."""
    import numpy as np

    from guanxi.testing.customers import make_account

    rng = np.random.default_rng(seed)
    accounts, orders = [], []
    for i in range(customers):
        account = make_account(name=f"Customer {i:03d}", **({"owner": owner} if owner else {}))
        accounts.append(account)
        for days_ago in rng.choice(700, size=int(rng.integers(1, 7)), replace=False):
            value = Decimal(int(rng.integers(100, 2000)))
            orders.append(
                Order(
                    number=f"AN-{next(_numbers)}",
                    account=account,
                    owner=account.owner,
                    status=OrderStatus.CONFIRMED,
                    order_date=as_of - timedelta(days=int(days_ago)),
                    total=value,
                    total_base=value,
                )
            )
    Order.objects.bulk_create(orders)
    return accounts
