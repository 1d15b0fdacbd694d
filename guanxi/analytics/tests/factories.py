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


# Classification helpers (customer classification and lifecycle tests).


def buy_products(account: Any, day: date, lines: list[tuple[Any, Any, Any]], **extra: Any) -> Order:
    """A confirmed order on ``day`` of ``(product, quantity, unit price)`` lines; its
    total is the lines' sum less ``discount`` (base currency)."""
    from guanxi.sales.models import OrderLine

    discount = Decimal(str(extra.get("discount", 0)))
    gross = sum(Decimal(str(q)) * Decimal(str(p)) for _product, q, p in lines)
    order = buy(account, day, gross - discount)
    Order.objects.filter(pk=order.pk).update(subtotal=gross, discount_total=discount)
    for position, (product, quantity, price) in enumerate(lines):
        value = Decimal(str(quantity)) * Decimal(str(price))
        OrderLine.objects.create(
            order=order,
            position=position,
            product=product,
            description=product.name,
            quantity=Decimal(str(quantity)),
            unit_price=Decimal(str(price)),
            line_total=value,
        )
    return order


def product(category: str = "", cost: Any = 0) -> Any:
    from guanxi.sales.models import Product

    number = next(_numbers)
    return Product.objects.create(
        sku=f"AP-{number}", name=f"Product {number}", category=category, cost=Decimal(str(cost))
    )


def meeting(account: Any, day: date) -> Any:
    """A meeting (a visit) with the account on ``day``."""
    from datetime import datetime, time

    from django.utils import timezone

    from guanxi.customers.models import Activity

    activity = Activity.objects.create(
        kind="meeting",
        subject="Visit",
        at=timezone.make_aware(datetime.combine(day, time(10))),
        owner=account.owner,
    )
    activity.accounts.add(account)
    return activity


def ticket_on(account: Any, day: date) -> Any:
    """A service ticket of the account, opened on ``day``."""
    from datetime import datetime, time

    from django.utils import timezone

    from guanxi.service.models import Ticket
    from guanxi.testing.service import make_ticket

    ticket = make_ticket(account=account)
    when = timezone.make_aware(datetime.combine(day, time(9)))
    Ticket.all_objects.filter(pk=ticket.pk).update(created_at=when)
    return ticket


def nps_answer(account: Any, day: date, score: int, comment: str = "") -> Any:
    """An answered NPS survey of the account."""
    from datetime import datetime, time

    from django.utils import timezone

    from guanxi.service.models import Survey

    when = timezone.make_aware(datetime.combine(day, time(12)))
    return Survey.objects.create(
        kind="nps",
        account=account,
        token=f"t{next(_numbers)}",
        sent_at=when,
        answered_at=when,
        score=score,
        comment=comment,
    )


# --- churn and cross-sell -------------------------------------------------------------


def basket(
    account: Any,
    day: date,
    products: list[Any],
    *,
    price: Any = 100,
    status: str = OrderStatus.CONFIRMED,
) -> Order:
    """An order (confirmed by default) by the account on ``day`` with one unit of each
    product at ``price`` (a number, or a dict product → price)."""
    from guanxi.sales.models import OrderLine

    prices = price if isinstance(price, dict) else dict.fromkeys(products, price)
    total = sum(Decimal(str(prices[p])) for p in products)
    order = buy(account, day, total, status=status)
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            position=i,
            product=product,
            description=product.name,
            quantity=Decimal(1),
            unit_price=Decimal(str(prices[product])),
            line_total=Decimal(str(prices[product])),
        )
        for i, product in enumerate(products)
    )
    return order


def take_back(order: Order, product: Any, day: date) -> Return:
    """A return of the order's whole line of ``product``."""
    from guanxi.sales.models import ReturnLine

    line = order.lines.get(product=product)
    back = give_back(order, day, line.line_total)
    ReturnLine.objects.create(
        return_doc=back, order_line=line, quantity=line.quantity, amount=line.line_total
    )
    return back


def stored_score(account: Any, as_of: date, *, p_alive: Any = None, clv: Any = None) -> Any:
    """A score row as a recompute would store it, with the given P(alive) and CLV."""
    from django.utils import timezone

    from guanxi.analytics.models import CustomerScore

    return CustomerScore.objects.update_or_create(
        account=account,
        defaults={
            "recency_score": 3,
            "frequency_score": 3,
            "monetary_score": 3,
            "segment": "need_attention",
            "orders_count": 2,
            "first_order_date": as_of - timedelta(days=400),
            "last_order_date": as_of - timedelta(days=30),
            "recency_days": 30,
            "total_spend": Decimal("1000.00"),
            "frequency": 1,
            "recency": 50.0,
            "age": 57.0,
            "p_alive": p_alive,
            "clv": None if clv is None else Decimal(str(clv)),
            "observation_end": as_of,
            "computed_at": timezone.now(),
        },
    )[0]


def low_answer(account: Any, *, kind: str = "csat", score: int = 1) -> Any:
    """An answered satisfaction survey of the account."""
    import secrets

    from django.utils import timezone

    from guanxi.service.models import Survey

    now = timezone.now()
    return Survey.objects.create(
        kind=kind,
        account=account,
        token=secrets.token_hex(16),
        sent_at=now,
        answered_at=now,
        score=score,
    )
