"""The orders, returns, serial numbers and exchange rates pages' rows in the permission
matrix.

Orders are owned by the acting user when the acting user may add orders (a fresh sales
rep's otherwise), so own-scope roles (sales reps) are allowed on them; who sees other
people's orders is tested in ``test_orders_views.py``.
"""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from guanxi.core.access import can
from guanxi.sales.models import ExchangeRate, Order, OrderLine, Return, SerialNumber
from guanxi.sales.object_types import ORDER
from guanxi.sales.services.exchange_rates import set_exchange_rate
from guanxi.testing.customers import make_account
from guanxi.testing.deals import make_deal, stage
from guanxi.testing.matrix import EVERYONE, Case
from guanxi.testing.orders import make_order
from guanxi.testing.quotes import make_price_list, make_product
from guanxi.testing.users import make_user

MANAGERS = frozenset({"administrator", "sales_manager"})  # add and delete exchange rates
ORDERERS = frozenset({"administrator", "sales_manager", "sales_rep"})  # add and change orders
_names = itertools.count(1)


def _owner(actor: Any) -> Any:
    if actor is not None and can(actor, ORDER, "add"):
        return actor
    return make_user(role="sales_rep")


def _priced_product(**overrides: Any) -> Any:
    product = make_product(sku=f"MO-{next(_names)}", **overrides)
    make_price_list(name=f"Matrix order list {next(_names)}", prices={product: "100.00"})
    return product


def _order(actor: Any, *, lines: bool = True, confirm: bool = False, **product: Any) -> Order:
    """An order the actor owns (a rep's when the actor may not add orders)."""
    rows = [(_priced_product(**product), 1)] if lines else []
    return make_order(actor=_owner(actor), lines=rows, confirm=confirm)


def own_order(actor: Any) -> dict[str, Any]:
    return {"pk": _order(actor).pk}


def own_line(actor: Any) -> dict[str, Any]:
    return {"pk": _order(actor).lines.get().pk}


def serialised_line(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    order = _order(actor, is_serialised=True, warranty_months=12)
    return {"pk": order.lines.get().pk}, {"serials": f"SN-{next(_names)}"}


def new_order(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    account = make_account(owner=_owner(actor))
    return {}, {"account": account.pk, "currency": "CNY"}


def line_form(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    order = _order(actor, lines=False)
    return {"pk": order.pk}, {"product": _priced_product().pk, "quantity": "2"}


def return_form(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    order = _order(actor, confirm=True)
    line = order.lines.get()
    return {"pk": order.pk}, {"kind": "return", "reason": "Broken", f"line_{line.pk}_quantity": "1"}


def won_deal(actor: Any) -> dict[str, Any]:
    return {"pk": make_deal(owner=_owner(actor), stage=stage("won")).pk}


def some_rate(actor: Any) -> dict[str, Any]:
    rate = set_exchange_rate(
        actor=make_user(role="administrator"),
        currency="USD",
        valid_on=date(2020, 1, next(_names) % 28 + 1),
        rate="7.1",
    )
    return {"pk": rate.pk}


PAGES: dict[str, Case] = {
    "sales:order_list": Case("GET", EVERYONE),
    "sales:order_create": Case("POST", ORDERERS, setup=new_order),
    "sales:order_detail": Case("GET", EVERYONE, kwargs=own_order),
    "sales:order_edit": Case(
        "POST",
        ORDERERS,
        kwargs=own_order,
        data={"order_date": "2030-01-01", "currency": "CNY", "notes": "Changed"},
    ),
    "sales:order_confirm": Case("POST", ORDERERS, kwargs=own_order),
    "sales:order_cancel": Case("POST", ORDERERS, kwargs=own_order, data={"reason": "Mistake"}),
    "sales:order_return": Case("POST", ORDERERS, setup=return_form),
    "sales:order_line_add": Case("POST", ORDERERS, setup=line_form),
    "sales:order_line_edit": Case(
        "POST", ORDERERS, kwargs=own_line, data={"quantity": "3", "discount_percent": "1"}
    ),
    "sales:order_line_remove": Case("POST", ORDERERS, kwargs=own_line),
    "sales:order_line_serials": Case("POST", ORDERERS, setup=serialised_line),
    "sales:order_from_deal": Case("POST", ORDERERS, kwargs=won_deal),
    "sales:revenue_report": Case("GET", EVERYONE, data={"date_from": "2020-01-01"}),
    "sales:warranty_check": Case("GET", EVERYONE, data={"serial": "SN-NONE"}),
    "sales:exchange_rate_list": Case(
        "POST", MANAGERS, data={"currency": "USD", "valid_on": "2031-01-01", "rate": "7.1"}
    ),
    "sales:exchange_rate_delete": Case("POST", MANAGERS, kwargs=some_rate),
}
OPERATIONS: dict[tuple[str, str], Case] = {}


def state() -> tuple[Any, ...]:
    """What a refused call must leave untouched."""
    return (
        sorted(
            Order.objects.values_list(
                "pk", "number", "status", "order_date", "currency", "notes", "total", "contact_id"
            )
        ),
        sorted(OrderLine.objects.values_list("pk", "order_id", "quantity", "discount_percent")),
        sorted(SerialNumber.objects.values_list("pk", "serial", "status")),
        sorted(Return.objects.values_list("pk", "number", "total")),
        sorted(ExchangeRate.objects.values_list("pk", "currency", "valid_on", "rate")),
    )
