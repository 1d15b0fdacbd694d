"""The one list price of a product for a customer (story 8), and the overlap check that
keeps it one.

A product's list price for a customer is found in the active price lists of the
quote's currency valid on the day: the list of the customer's tier first, then the
list for everyone. The price list services refuse any change that would give a product
two prices for the same tier and currency on the same day, so at most one row matches
at each of the two levels.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.customers.services.common import Errors
from guanxi.sales.models import PriceList, PriceListItem, Product


def _tier_id_of(customer: Any) -> int | None:
    return getattr(customer, "tier_id", None) if customer is not None else None


def applicable_item(
    product: Product, customer: Any, currency: str, on: date | None = None
) -> PriceListItem | None:
    """The price list item that prices ``product`` for ``customer`` (an account or a
    consumer contact) in ``currency`` on ``on`` (today by default); None when no list
    prices it. The customer's tier list wins over the list for everyone."""
    on = on or timezone.localdate()
    tier_id = _tier_id_of(customer)
    tiers = Q(price_list__tier__isnull=True)
    if tier_id is not None:
        tiers |= Q(price_list__tier_id=tier_id)
    items = list(
        PriceListItem.objects.filter(
            tiers,
            product=product,
            price_list__is_active=True,
            price_list__currency=currency.upper(),
            price_list__valid_from__lte=on,
        )
        .filter(Q(price_list__valid_to__isnull=True) | Q(price_list__valid_to__gte=on))
        .select_related("price_list")
    )
    for item in items:
        if tier_id is not None and item.price_list.tier_id == tier_id:
            return item
    return items[0] if items else None


def list_price(
    product: Product, account_or_contact: Any, currency: str, on: date | None = None
) -> Decimal | None:
    """The one list price of ``product`` for this customer, in ``currency``, on ``on``."""
    item = applicable_item(product, account_or_contact, currency, on)
    return item.unit_price if item is not None else None


def overlapping_items(
    *,
    product_ids: list[int],
    tier_id: int | None,
    currency: str,
    valid_from: date,
    valid_to: date | None,
    exclude_list: PriceList | None = None,
) -> QuerySet[PriceListItem]:
    """Items of other active lists (same tier, same currency) pricing one of the products
    on a day between ``valid_from`` and ``valid_to`` (None: open-ended)."""
    items = PriceListItem.objects.filter(
        product_id__in=product_ids,
        price_list__is_active=True,
        price_list__currency=currency,
        price_list__tier_id=tier_id,
    ).filter(Q(price_list__valid_to__isnull=True) | Q(price_list__valid_to__gte=valid_from))
    if tier_id is None:
        items = items.filter(price_list__tier__isnull=True)
    if valid_to is not None:
        items = items.filter(price_list__valid_from__lte=valid_to)
    if exclude_list is not None and exclude_list.pk:
        items = items.exclude(price_list=exclude_list)
    return items.select_related("price_list", "product").order_by("price_list__valid_from", "pk")


def priced_item(
    errors: Errors, product: Product | None, customer: Any, currency: str, on: date
) -> PriceListItem | None:
    """The price list item for a new quote or order line, or an error on ``product``
    (missing, retired, or priced by no list for this customer, currency and day)."""
    if product is None:
        errors.add("product", _("This field is required."))
        return None
    if not product.is_active:
        errors.add("product", _("This product is retired."))
        return None
    item = applicable_item(product, customer, currency, on)
    if item is None:
        errors.add(
            "product",
            _("No price list gives %(sku)s a price in %(currency)s for this customer on %(day)s.")
            % {"sku": product.sku, "currency": currency, "day": on.isoformat()},
        )
    return item
