"""The orders, returns, sync and exchange rates API's rows in the permission matrix.

Orders are made by an administrator and handed to the acting user (the account is the
actor's too), so own-scope roles (sales reps) are allowed on them; who sees other
people's orders is tested in ``test_orders_api.py``. The pages are in
``matrix_rows_orders.py``.
"""

from __future__ import annotations

import itertools
from typing import Any

from guanxi.sales.models import ExchangeRate, Order, OrderLine, Return, ReturnLine, SerialNumber
from guanxi.sales.services.deals import move_deal
from guanxi.sales.services.exchange_rates import set_exchange_rate
from guanxi.sales.services.order_sync import SyncLine, upsert_order
from guanxi.sales.services.orders import set_line_serials
from guanxi.sales.services.quotes import mark_quote_accepted, mark_quote_sent
from guanxi.testing.customers import make_account
from guanxi.testing.deals import make_deal, stage
from guanxi.testing.matrix import EVERYONE, Case
from guanxi.testing.orders import make_order
from guanxi.testing.quotes import make_price_list, make_product, make_quote
from guanxi.testing.users import make_user

ORDER_WRITERS = frozenset({"administrator", "sales_manager", "sales_rep"})  # add and change
RATE_SETTERS = frozenset({"administrator", "sales_manager"})
_names = itertools.count(1)


def _owner(actor: Any) -> Any:
    return actor or make_user(role="sales_rep")


def _admin() -> Any:
    return make_user(role="administrator")


def _priced_product(**fields: Any) -> Any:
    product = make_product(sku=f"MXO-{next(_names)}", **fields)
    make_price_list(name=f"Matrix order list {next(_names)}", prices={product: "100.00"})
    return product


def _order(
    actor: Any,
    *,
    lines: bool = True,
    confirm: bool = False,
    serialised: bool = False,
    serials: bool = False,
) -> Order:
    """An order for an account of the actor, made by an administrator and owned by the
    actor (a fresh sales rep for an anonymous caller)."""
    owner = _owner(actor)
    admin = _admin()
    serialised = serialised or serials
    product = _priced_product(is_serialised=serialised, warranty_months=12 if serialised else 0)
    order = make_order(
        actor=admin,
        account=make_account(owner=owner, actor=admin),
        lines=[(product, 2)] if lines else [],
        confirm=confirm,
    )
    Order.objects.filter(pk=order.pk).update(owner=owner)
    if serials:
        line = order.lines.select_related("order", "product").get()
        set_line_serials(actor=admin, line=line, serials=[f"SN-MX-{next(_names)}"])
    return order


def _synced(actor: Any) -> Order:
    """A confirmed order pushed by the ERP for an account of the actor (so theirs)."""
    owner = _owner(actor)
    admin = _admin()
    product = _priced_product()
    order, _created = upsert_order(
        actor=admin,
        source="erp",
        external_id=f"ERP-MX-{next(_names)}",
        account=make_account(owner=owner, actor=admin),
        order_date="2025-01-15",
        currency="CNY",
        lines=[SyncLine(sku=product.sku, quantity=2, unit_price="80.00", external_id="L1")],
    )
    return order


def _api_order(actor: Any) -> dict[str, Any]:
    return {"order_id": _order(actor).pk}


def _api_confirmed(actor: Any) -> dict[str, Any]:
    return {"order_id": _order(actor, confirm=True).pk}


def _api_line(actor: Any) -> dict[str, Any]:
    order = _order(actor)
    return {"order_id": order.pk, "line_id": order.lines.get().pk}


def _api_serial_line(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    order = _order(actor, confirm=True, serialised=True)
    line = order.lines.get()
    return {"order_id": order.pk, "line_id": line.pk}, {"serials": [f"SN-NEW-{next(_names)}"]}


def _api_new_order(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    owner = _owner(actor)
    return {}, {"account_id": make_account(owner=owner, actor=_admin()).pk}


def _api_new_line(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    order = _order(actor, lines=False)
    return {"order_id": order.pk}, {"product_id": _priced_product().pk, "quantity": "2"}


def _api_won_deal(actor: Any) -> dict[str, Any]:
    """A won deal of the actor with an accepted quote."""
    admin = _admin()
    deal = make_deal(owner=_owner(actor), actor=admin)
    quote = make_quote(deal=deal, actor=admin, lines=[(_priced_product(), 1, 0)])
    mark_quote_sent(actor=admin, quote=quote)
    mark_quote_accepted(actor=admin, quote=quote)
    move_deal(actor=admin, deal=deal, stage=stage("won"))
    return {"deal_id": deal.pk}


def _api_new_return(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    order = _order(actor, confirm=True)
    line = order.lines.get()
    data = {"reason": "Damaged", "lines": [{"line_id": line.pk, "quantity": "1"}]}
    return {"order_id": order.pk}, data


def _api_external(actor: Any) -> dict[str, Any]:
    order = _synced(actor)
    return {"source": order.source, "external_id": order.external_id}


def _api_push_order(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    account = make_account(owner=_owner(actor), actor=_admin())
    data = {
        "account_id": account.pk,
        "order_date": "2025-02-01",
        "lines": [{"sku": _priced_product().sku, "quantity": "1", "unit_price": "90.00"}],
    }
    return {"source": "shop", "external_id": f"SHOP-MX-{next(_names)}"}, data


def _api_push_return(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    order = _synced(actor)
    data = {
        "order_external_id": order.external_id,
        "reason": "Damaged",
        "lines": [{"line_external_id": "L1", "quantity": "1"}],
    }
    return {"source": "erp", "external_id": f"RET-MX-{next(_names)}"}, data


def _api_serial(actor: Any) -> dict[str, Any]:
    order = _order(actor, confirm=True, serials=True)
    return {"serial": SerialNumber.objects.filter(line__order=order).get().serial}


def _api_rate(actor: Any) -> dict[str, Any]:
    n = next(_names)
    day, currency = "2031-01-01", f"X{chr(65 + n // 26 % 26)}{chr(65 + n % 26)}"
    set_exchange_rate(actor=_admin(), currency=currency, valid_on=day, rate="2.5")
    return {"currency": currency, "valid_on": day}


def _api_new_rate(actor: Any) -> dict[str, Any]:
    return {"currency": "USD", "valid_on": f"2032-02-{next(_names) % 28 + 1:02d}"}


OPERATIONS: dict[tuple[str, str], Case] = {
    ("GET", "/api/v1/orders"): Case("GET", EVERYONE),
    ("POST", "/api/v1/orders"): Case("POST", ORDER_WRITERS, setup=_api_new_order),
    ("GET", "/api/v1/orders/{order_id}"): Case("GET", EVERYONE, kwargs=_api_order),
    ("PATCH", "/api/v1/orders/{order_id}"): Case(
        "PATCH", ORDER_WRITERS, kwargs=_api_order, data={"notes": "Changed"}
    ),
    ("POST", "/api/v1/orders/{order_id}/lines"): Case("POST", ORDER_WRITERS, setup=_api_new_line),
    ("PATCH", "/api/v1/orders/{order_id}/lines/{line_id}"): Case(
        "PATCH", ORDER_WRITERS, kwargs=_api_line, data={"quantity": "3"}
    ),
    ("DELETE", "/api/v1/orders/{order_id}/lines/{line_id}"): Case(
        "DELETE", ORDER_WRITERS, kwargs=_api_line
    ),
    ("PUT", "/api/v1/orders/{order_id}/lines/{line_id}/serials"): Case(
        "PUT", ORDER_WRITERS, setup=_api_serial_line
    ),
    ("POST", "/api/v1/orders/{order_id}/confirm"): Case("POST", ORDER_WRITERS, kwargs=_api_order),
    ("POST", "/api/v1/orders/{order_id}/cancel"): Case(
        "POST", ORDER_WRITERS, kwargs=_api_confirmed, data={"reason": "Customer withdrew"}
    ),
    ("POST", "/api/v1/deals/{deal_id}/order"): Case("POST", ORDER_WRITERS, kwargs=_api_won_deal),
    ("GET", "/api/v1/orders/{order_id}/returns"): Case("GET", EVERYONE, kwargs=_api_confirmed),
    ("POST", "/api/v1/orders/{order_id}/returns"): Case(
        "POST", ORDER_WRITERS, setup=_api_new_return
    ),
    ("GET", "/api/v1/orders/external/{source}/{external_id}"): Case(
        "GET", EVERYONE, kwargs=_api_external
    ),
    ("PUT", "/api/v1/orders/external/{source}/{external_id}"): Case(
        "PUT", ORDER_WRITERS, setup=_api_push_order
    ),
    ("PUT", "/api/v1/returns/external/{source}/{external_id}"): Case(
        "PUT", ORDER_WRITERS, setup=_api_push_return
    ),
    ("GET", "/api/v1/serials/{serial}/warranty"): Case("GET", EVERYONE, kwargs=_api_serial),
    ("GET", "/api/v1/reports/revenue"): Case("GET", EVERYONE),
    ("GET", "/api/v1/exchange-rates"): Case("GET", EVERYONE),
    ("PUT", "/api/v1/exchange-rates/{currency}/{valid_on}"): Case(
        "PUT", RATE_SETTERS, kwargs=_api_new_rate, data={"rate": "7.10"}
    ),
    ("DELETE", "/api/v1/exchange-rates/{currency}/{valid_on}"): Case(
        "DELETE", RATE_SETTERS, kwargs=_api_rate
    ),
}
PAGES: dict[str, Case] = {}


def state() -> tuple[Any, ...]:
    """What a refused call must leave untouched."""
    return (
        sorted(
            Order.objects.values_list(
                "pk", "number", "status", "order_date", "currency", "contact_id", "notes", "total"
            )
        ),
        sorted(OrderLine.objects.values_list("pk", "order_id", "quantity", "discount_percent")),
        sorted(SerialNumber.objects.values_list("pk", "serial", "status")),
        sorted(Return.objects.values_list("pk", "number", "total")),
        ReturnLine.objects.count(),
        sorted(ExchangeRate.objects.values_list("pk", "currency", "valid_on", "rate")),
    )
