"""Small factories for orders, through the services."""

from __future__ import annotations

from typing import Any

from guanxi.sales.models import Order, Product
from guanxi.sales.services.orders import add_order_line, confirm_order, create_order
from guanxi.testing.customers import make_account
from guanxi.testing.users import make_user


def make_order(
    *,
    lines: list[tuple[Product, Any]] | None = None,
    confirm: bool = False,
    **overrides: Any,
) -> Order:
    """A draft order (confirmed when ``confirm``) for ``account`` (a fresh one by
    default) made by ``actor`` (a fresh sales rep by default); ``lines`` are (product,
    quantity) priced from the price lists."""
    actor = overrides.pop("actor", None) or make_user(role="sales_rep")
    account = overrides.pop("account", None) or make_account(owner=actor)
    order = create_order(actor=actor, account=account, **overrides)
    for product, quantity in lines or []:
        add_order_line(actor=actor, order=order, product=product, quantity=quantity)
    if confirm:
        confirm_order(actor=actor, order=order)
    return order
