"""Template tags putting orders cards on other pages: ``{% deal_orders deal %}`` on the
deal page (with the Create order button of a won deal) and ``{% account_orders account %}``
on the account page (the customers module cannot import sales; its templates may load
this library)."""

from __future__ import annotations

from typing import Any

from django import template

from guanxi.core.access import can
from guanxi.sales.choices import StageKind
from guanxi.sales.choices_orders import OrderStatus
from guanxi.sales.object_types import ORDER
from guanxi.sales.selectors_orders import account_orders as orders_of_account
from guanxi.sales.selectors_orders import account_transactions
from guanxi.sales.selectors_orders import deal_orders as orders_of_deal
from guanxi.sales.services.exchange_rates import base_currency

register = template.Library()
ORDERS_SHOWN = 20


@register.inclusion_tag("sales/_deal_orders.html", takes_context=True)
def deal_orders(context: template.Context, deal: Any) -> dict[str, Any]:
    """The deal's orders the reader may see; on a won deal without a live order, the
    Create order button."""
    user = context["request"].user
    visible = can(user, ORDER, "view")
    orders = list(orders_of_deal(user, deal)[:ORDERS_SHOWN]) if visible else []
    won = deal.stage.kind == StageKind.WON
    return {
        "request": context["request"],
        "deal": deal,
        "orders": orders,
        "can_create_order": won
        and can(user, ORDER, "add")
        and not any(o.status != OrderStatus.CANCELLED for o in orders),
        "show": visible and (won or bool(orders)),
    }


@register.inclusion_tag("sales/_account_orders.html", takes_context=True)
def account_orders(context: template.Context, account: Any) -> dict[str, Any]:
    """The account's orders the reader may see, and what it bought and returned in the
    base currency."""
    user = context["request"].user
    visible = can(user, ORDER, "view")
    return {
        "request": context["request"],
        "account": account,
        "orders": list(orders_of_account(user, account).select_related("owner")[:ORDERS_SHOWN])
        if visible
        else [],
        "totals": account_transactions(account, user) if visible else {},
        "base_currency": base_currency(),
        "can_add_order": can(user, ORDER, "add"),
        "show": visible,
    }
