"""The products, price lists and quotes area's rows in the permission matrix.

Quotes are made on a deal owned by the acting user (by an administrator, since some
roles may not add quotes), so own-scope roles (sales reps) are allowed on them; who
sees other people's quotes is tested in ``test_quotes_permissions.py``.
"""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from guanxi.sales.models import PriceList, PriceListItem, Product, Quote, QuoteLine
from guanxi.sales.services.products import set_price_list_item
from guanxi.sales.services.quotes import mark_quote_sent
from guanxi.testing.deals import make_deal
from guanxi.testing.matrix import EVERYONE, Case
from guanxi.testing.quotes import make_price_list, make_product, make_quote
from guanxi.testing.users import make_user

MANAGERS = frozenset({"administrator", "sales_manager"})
QUOTERS = frozenset({"administrator", "sales_manager", "sales_rep"})  # add and change quotes
APPROVERS = MANAGERS
_names = itertools.count(1)


def _owner(actor: Any) -> Any:
    return actor or make_user(role="sales_rep")


def _priced_product() -> Product:
    product = make_product(sku=f"MX-{next(_names)}")
    make_price_list(name=f"Matrix list {next(_names)}", prices={product: "100.00"})
    return product


def _quote(actor: Any, discount: Any = 0, lines: bool = True) -> Quote:
    """A draft quote on a deal the actor owns, made by an administrator."""
    deal = make_deal(owner=_owner(actor))
    line_rows = [(_priced_product(), 1, discount)] if lines else []
    return make_quote(deal=deal, actor=make_user(role="administrator"), lines=line_rows)


def _product_id(actor: Any) -> dict[str, Any]:
    return {"pk": make_product(sku=f"MX-{next(_names)}").pk}


def _price_list(actor: Any) -> PriceList:
    return make_price_list(name=f"Matrix list {next(_names)}", valid_from=date(2030, 1, 1))


def _list_item(actor: Any) -> dict[str, Any]:
    price_list = _price_list(actor)
    product = make_product(sku=f"MX-{next(_names)}")
    item = set_price_list_item(
        actor=make_user(role="administrator"), price_list=price_list, product=product, unit_price=5
    )
    return {"pk": item.pk, "price_list_id": price_list.pk, "product_id": product.pk}


def own_quote(actor: Any) -> dict[str, Any]:
    return {"pk": _quote(actor).pk}


def discounted_quote(actor: Any) -> dict[str, Any]:
    return {"pk": _quote(actor, discount=30).pk}


def own_deal(actor: Any) -> dict[str, Any]:
    return {"pk": make_deal(owner=_owner(actor)).pk}


def own_line(actor: Any) -> dict[str, Any]:
    return {"pk": _quote(actor).lines.get().pk}


def product_form(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    data = {"sku": "MX-EDIT", "name": "Renamed", "unit": "pcs", "cost": "1", "warranty_months": 0}
    return _product_id(actor), data


def price_list_form(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    price_list = _price_list(actor)
    data = {"name": "Renamed list", "currency": "CNY", "valid_from": "2031-01-01"}
    return {"pk": price_list.pk}, data


def price_form(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    price_list = _price_list(actor)
    product = make_product(sku=f"MX-{next(_names)}")
    return {"pk": price_list.pk}, {"product": product.pk, "unit_price": "7.00"}


def line_form(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    quote = _quote(actor, lines=False)
    return {"pk": quote.pk}, {"product": _priced_product().pk, "quantity": "2"}


# --- API factories ---------------------------------------------------------------------------


def _api_product(actor: Any) -> dict[str, Any]:
    return {"product_id": _product_id(actor)["pk"]}


def _api_price_list(actor: Any) -> dict[str, Any]:
    return {"price_list_id": _price_list(actor).pk}


def _api_item(actor: Any) -> dict[str, Any]:
    row = _list_item(actor)
    return {"price_list_id": row["price_list_id"], "product_id": row["product_id"]}


def _api_new_item(actor: Any) -> dict[str, Any]:
    return {
        "price_list_id": _price_list(actor).pk,
        "product_id": make_product(sku=f"MX-{next(_names)}").pk,
    }


def _api_quote(actor: Any) -> dict[str, Any]:
    return {"quote_id": _quote(actor).pk}


def _api_discounted(actor: Any) -> dict[str, Any]:
    return {"quote_id": _quote(actor, discount=30).pk}


def _api_sent(actor: Any) -> dict[str, Any]:
    quote = _quote(actor)
    mark_quote_sent(actor=make_user(role="administrator"), quote=quote)
    return {"quote_id": quote.pk}


def _api_line(actor: Any) -> dict[str, Any]:
    quote = _quote(actor)
    return {"quote_id": quote.pk, "line_id": quote.lines.get().pk}


def _api_new_quote(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    return {}, {"deal_id": make_deal(owner=_owner(actor)).pk}


def _api_new_line(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    quote = _quote(actor, lines=False)
    return {"quote_id": quote.pk}, {"product_id": _priced_product().pk, "quantity": "2"}


PRODUCT = {"sku": "MX-NEW", "name": "New product", "unit": "pcs", "cost": "1", "warranty_months": 0}

PAGES: dict[str, Case] = {
    "sales:product_list": Case("POST", MANAGERS, data=PRODUCT),
    "sales:product_edit": Case("POST", MANAGERS, setup=product_form),
    "sales:price_list_list": Case(
        "POST", MANAGERS, data={"name": "New list", "currency": "CNY", "valid_from": "2031-01-01"}
    ),
    "sales:price_list_detail": Case("POST", MANAGERS, setup=price_list_form),
    "sales:price_list_item_set": Case("POST", MANAGERS, setup=price_form),
    "sales:price_list_item_remove": Case(
        "POST", MANAGERS, kwargs=lambda a: {"pk": _list_item(a)["pk"]}
    ),
    "sales:quote_list": Case("GET", EVERYONE),
    "sales:quote_create": Case("POST", QUOTERS, kwargs=own_deal, data={"currency": "CNY"}),
    "sales:quote_detail": Case("GET", EVERYONE, kwargs=own_quote),
    "sales:quote_edit": Case(
        "POST", QUOTERS, kwargs=own_quote, data={"valid_until": "2099-01-01", "notes": "x"}
    ),
    "sales:quote_print": Case("GET", EVERYONE, kwargs=own_quote),
    "sales:quote_line_add": Case("POST", QUOTERS, setup=line_form),
    "sales:quote_line_edit": Case(
        "POST", QUOTERS, kwargs=own_line, data={"quantity": "3", "discount_percent": "1"}
    ),
    "sales:quote_line_remove": Case("POST", QUOTERS, kwargs=own_line),
    "sales:quote_request_approval": Case("POST", QUOTERS, kwargs=discounted_quote),
    "sales:quote_approve": Case(
        "POST", APPROVERS, kwargs=discounted_quote, data={"decision": "approve"}
    ),
    "sales:quote_mark": Case("POST", QUOTERS, kwargs=own_quote, data={"status": "sent"}),
}

OPERATIONS: dict[tuple[str, str], Case] = {
    ("GET", "/api/v1/products"): Case("GET", EVERYONE),
    ("POST", "/api/v1/products"): Case("POST", MANAGERS, data={"sku": "API-1", "name": "P"}),
    ("GET", "/api/v1/products/{product_id}"): Case("GET", EVERYONE, kwargs=_api_product),
    ("PATCH", "/api/v1/products/{product_id}"): Case(
        "PATCH", MANAGERS, kwargs=_api_product, data={"name": "Renamed"}
    ),
    ("GET", "/api/v1/products/{product_id}/list-price"): Case("GET", EVERYONE, kwargs=_api_product),
    ("GET", "/api/v1/price-lists"): Case("GET", EVERYONE),
    ("POST", "/api/v1/price-lists"): Case(
        "POST", MANAGERS, data={"name": "API list", "valid_from": "2031-01-01"}
    ),
    ("GET", "/api/v1/price-lists/{price_list_id}"): Case("GET", EVERYONE, kwargs=_api_price_list),
    ("PATCH", "/api/v1/price-lists/{price_list_id}"): Case(
        "PATCH", MANAGERS, kwargs=_api_price_list, data={"name": "Renamed list"}
    ),
    ("PUT", "/api/v1/price-lists/{price_list_id}/items/{product_id}"): Case(
        "PUT", MANAGERS, kwargs=_api_new_item, data={"unit_price": "3.00"}
    ),
    ("DELETE", "/api/v1/price-lists/{price_list_id}/items/{product_id}"): Case(
        "DELETE", MANAGERS, kwargs=_api_item
    ),
    ("GET", "/api/v1/quotes"): Case("GET", EVERYONE),
    ("POST", "/api/v1/quotes"): Case("POST", QUOTERS, setup=_api_new_quote),
    ("GET", "/api/v1/quotes/{quote_id}"): Case("GET", EVERYONE, kwargs=_api_quote),
    ("PATCH", "/api/v1/quotes/{quote_id}"): Case(
        "PATCH", QUOTERS, kwargs=_api_quote, data={"notes": "Changed"}
    ),
    ("POST", "/api/v1/quotes/{quote_id}/lines"): Case("POST", QUOTERS, setup=_api_new_line),
    ("PATCH", "/api/v1/quotes/{quote_id}/lines/{line_id}"): Case(
        "PATCH", QUOTERS, kwargs=_api_line, data={"quantity": "4"}
    ),
    ("DELETE", "/api/v1/quotes/{quote_id}/lines/{line_id}"): Case(
        "DELETE", QUOTERS, kwargs=_api_line
    ),
    ("POST", "/api/v1/quotes/{quote_id}/request-approval"): Case(
        "POST", QUOTERS, kwargs=_api_discounted
    ),
    ("POST", "/api/v1/quotes/{quote_id}/approve"): Case(
        "POST", APPROVERS, kwargs=_api_discounted, data={"note": "ok"}
    ),
    ("POST", "/api/v1/quotes/{quote_id}/reject-approval"): Case(
        "POST", APPROVERS, kwargs=_api_discounted, data={"note": "Too deep"}
    ),
    ("POST", "/api/v1/quotes/{quote_id}/send"): Case("POST", QUOTERS, kwargs=_api_quote),
    ("POST", "/api/v1/quotes/{quote_id}/accept"): Case("POST", QUOTERS, kwargs=_api_sent),
    ("POST", "/api/v1/quotes/{quote_id}/reject"): Case("POST", QUOTERS, kwargs=_api_sent),
}


def state() -> tuple[Any, ...]:
    """What a refused call must leave untouched."""
    return (
        sorted(Product.objects.values_list("pk", "sku", "name", "is_active")),
        sorted(PriceList.objects.values_list("pk", "name", "currency", "valid_from", "is_active")),
        sorted(
            PriceListItem.objects.values_list("pk", "price_list_id", "product_id", "unit_price")
        ),
        sorted(
            Quote.objects.values_list(
                "pk", "number", "status", "approval", "valid_until", "notes", "total"
            )
        ),
        sorted(QuoteLine.objects.values_list("pk", "quantity", "unit_price", "discount_percent")),
    )
