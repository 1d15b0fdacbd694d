"""Small factories for products, price lists and quotes, through the services."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone

from guanxi.customers.models import CustomerTier
from guanxi.sales.models import PriceList, Product, Quote
from guanxi.sales.services.products import create_price_list, create_product, set_price_list_item
from guanxi.sales.services.quotes import add_quote_line, create_quote
from guanxi.testing.deals import make_deal
from guanxi.testing.users import make_user

_counter = itertools.count(1)


def tier(code: str) -> CustomerTier:
    """A seeded tier: vip, key or standard."""
    return CustomerTier.objects.get(code=code)


def _admin() -> Any:
    return make_user(role="administrator")


def make_product(**overrides: Any) -> Product:
    n = next(_counter)
    fields: dict[str, Any] = {"sku": f"SKU-{n:04d}", "name": f"Product {n}", "cost": "50"}
    fields.update(overrides)
    actor = fields.pop("actor", None) or _admin()
    return create_product(actor=actor, **fields)


def make_price_list(*, prices: dict[Product, Any] | None = None, **overrides: Any) -> PriceList:
    """A price list (for everyone, in CNY, valid from 2020-01-01 with no end by default)
    with ``prices`` ({product: unit price})."""
    fields: dict[str, Any] = {
        "name": f"Price list {next(_counter)}",
        "valid_from": date(2020, 1, 1),
    }
    fields.update(overrides)
    actor = fields.pop("actor", None) or _admin()
    price_list = create_price_list(actor=actor, **fields)
    for product, price in (prices or {}).items():
        set_price_list_item(actor=actor, price_list=price_list, product=product, unit_price=price)
    return price_list


def make_quote(*, lines: list[tuple[Product, Any, Any]] | None = None, **overrides: Any) -> Quote:
    """A draft quote on ``deal`` (a fresh deal of ``owner`` by default), made by the deal's
    owner unless ``actor`` says otherwise; ``lines`` are (product, quantity, discount)."""
    deal = overrides.pop("deal", None)
    if deal is None:
        deal = make_deal(**{k: overrides.pop(k) for k in ("owner", "account") if k in overrides})
    actor = overrides.pop("actor", None) or deal.owner
    quote = create_quote(actor=actor, deal=deal, **overrides)
    for product, quantity, discount in lines or []:
        add_quote_line(
            actor=actor, quote=quote, product=product, quantity=quantity, discount_percent=discount
        )
    return quote


def priced_product(price: Any = "100.00", **overrides: Any) -> Product:
    """A product with a list price for everyone in CNY."""
    product = make_product(**overrides)
    make_price_list(prices={product: Decimal(str(price))})
    return product


def today() -> date:
    return timezone.localdate()
