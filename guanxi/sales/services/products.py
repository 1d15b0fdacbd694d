"""Products and price lists: create, change, retire, and set a list's prices.

Story 8 invariant: for a customer tier (or everyone) and a currency, a product has at
most one list price on any day. Every change that could break it (a new item, a list's
tier, currency, dates or reactivation) is checked here against the other active lists,
with the products' rows locked so that two concurrent changes cannot both pass the
check; within one list the database allows one item per product.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from guanxi.core.choices import AuditEvent
from guanxi.core.models import User
from guanxi.core.services.audit import diff, record_audit
from guanxi.customers.models import CustomerTier
from guanxi.customers.services.common import Errors, clean_text, clean_tier
from guanxi.sales.models import PriceList, PriceListItem, Product
from guanxi.sales.services.deals_fields import _clean_date
from guanxi.sales.services.money import clean_currency, clean_money
from guanxi.sales.services.pricing import overlapping_items

PRODUCT_FIELDS = (
    "sku",
    "name",
    "category",
    "unit",
    "cost",
    "is_serialised",
    "warranty_months",
    "is_active",
)
PRICE_LIST_FIELDS = ("name", "currency", "tier", "valid_from", "valid_to", "is_active")


# --- products -------------------------------------------------------------------------------


def product_snapshot(product: Product) -> dict[str, Any]:
    """What the audit log records of a product."""
    return {
        "sku": product.sku,
        "name": product.name,
        "category": product.category,
        "unit": product.unit,
        "cost": str(product.cost),
        "is_serialised": product.is_serialised,
        "warranty_months": product.warranty_months,
        "is_active": product.is_active,
    }


def _apply_product(product: Product, errors: Errors, fields: dict[str, Any]) -> None:
    if "sku" in fields:
        product.sku = clean_text(errors, "sku", fields["sku"], max_length=50, required=True)
        taken = Product.objects.filter(sku__iexact=product.sku).exclude(pk=product.pk)
        if product.sku and taken.exists():
            errors.add("sku", _("Another product has this SKU."))
    if "name" in fields:
        product.name = clean_text(errors, "name", fields["name"], max_length=200, required=True)
    if "category" in fields:
        product.category = clean_text(errors, "category", fields["category"], max_length=100)
    if "unit" in fields:
        product.unit = clean_text(errors, "unit", fields["unit"], max_length=20) or "pcs"
    if "cost" in fields:
        product.cost = clean_money(errors, "cost", fields["cost"])
    if "warranty_months" in fields:
        try:
            months = int(fields["warranty_months"] or 0)
        except (TypeError, ValueError):
            months = -1
        if not 0 <= months <= 600:
            errors.add("warranty_months", _("Enter a whole number of months from 0 to 600."))
        product.warranty_months = max(0, months)
    for name in ("is_serialised", "is_active"):
        if name in fields:
            setattr(product, name, bool(fields[name]))


@transaction.atomic
def create_product(*, actor: User, sku: str, name: str, **fields: Any) -> Product:
    """Add a product to the catalogue; its SKU is unique (case-insensitively)."""
    unknown = set(fields) - set(PRODUCT_FIELDS)
    if unknown:
        raise ValidationError({key: _("This field cannot be set here.") for key in unknown})
    errors = Errors()
    product = Product()
    _apply_product(product, errors, {"sku": sku, "name": name, **fields})
    errors.raise_if_any()
    product.save()
    record_audit(
        actor=actor,
        event=AuditEvent.CREATE,
        obj=product,
        changes=diff({}, product_snapshot(product)),
    )
    return product


@transaction.atomic
def update_product(*, actor: User, product: Product, **fields: Any) -> Product:
    """Change a product; ``is_active=False`` retires it (no new quote lines, prices kept)."""
    unknown = set(fields) - set(PRODUCT_FIELDS)
    if unknown:
        raise ValidationError({key: _("This field cannot be changed here.") for key in unknown})
    errors = Errors()
    before = product_snapshot(product)
    _apply_product(product, errors, fields)
    if errors.messages:
        product.refresh_from_db()
        errors.raise_if_any()
    product.save()
    changes = diff(before, product_snapshot(product))
    if changes:
        record_audit(actor=actor, event=AuditEvent.CHANGE, obj=product, changes=changes)
    return product


def retire_product(*, actor: User, product: Product) -> Product:
    """Stop offering a product: it can no longer be put on a quote."""
    return update_product(actor=actor, product=product, is_active=False)


# --- price lists ------------------------------------------------------------------------------


def price_list_snapshot(price_list: PriceList) -> dict[str, Any]:
    return {
        "name": price_list.name,
        "currency": price_list.currency,
        "tier": price_list.tier_id,
        "valid_from": price_list.valid_from.isoformat() if price_list.valid_from else None,
        "valid_to": price_list.valid_to.isoformat() if price_list.valid_to else None,
        "is_active": price_list.is_active,
    }


def _period(price_list: PriceList) -> str:
    end = price_list.valid_to.isoformat() if price_list.valid_to else _("no end date")
    return f"{price_list.valid_from.isoformat()} – {end}"


def _overlap_message(item: PriceListItem) -> str:
    return _(
        "%(sku)s already has a list price for this customer tier and currency in price list "
        "“%(list)s” (%(period)s): one product has one list price per day."
    ) % {"sku": item.product.sku, "list": item.price_list.name, "period": _period(item.price_list)}


def _lock_products(product_ids: list[int]) -> None:
    """Serialise changes to these products' prices (PostgreSQL row locks; SQLite
    serialises writers anyway)."""
    list(Product.objects.select_for_update().filter(pk__in=product_ids).values_list("pk"))


def _check_list_overlaps(errors: Errors, price_list: PriceList, field: str) -> None:
    """Refuse a list whose items another active list already prices on the same days."""
    if not price_list.is_active or not price_list.pk:
        return
    product_ids = list(price_list.items.values_list("product_id", flat=True))
    if not product_ids:
        return
    _lock_products(product_ids)
    clash = overlapping_items(
        product_ids=product_ids,
        tier_id=price_list.tier_id,
        currency=price_list.currency,
        valid_from=price_list.valid_from,
        valid_to=price_list.valid_to,
        exclude_list=price_list,
    ).first()
    if clash is not None:
        errors.add(field, _overlap_message(clash))


def _apply_price_list(price_list: PriceList, errors: Errors, fields: dict[str, Any]) -> None:
    if "name" in fields:
        price_list.name = clean_text(errors, "name", fields["name"], max_length=100, required=True)
        taken = PriceList.objects.filter(name__iexact=price_list.name).exclude(pk=price_list.pk)
        if price_list.name and taken.exists():
            errors.add("name", _("Another price list has this name."))
    if "currency" in fields:
        price_list.currency = clean_currency(errors, fields["currency"])
    if "tier" in fields:
        tier: CustomerTier | None = fields["tier"]
        price_list.tier = clean_tier(errors, "tier", tier)
    if "valid_from" in fields:
        start = _clean_date(errors, "valid_from", fields["valid_from"])
        if start is None and "valid_from" not in errors:
            errors.add("valid_from", _("This field is required."))
        price_list.valid_from = start  # type: ignore[assignment]
    if "valid_to" in fields:
        price_list.valid_to = _clean_date(errors, "valid_to", fields["valid_to"])
    if "is_active" in fields:
        price_list.is_active = bool(fields["is_active"])
    start_date: date | None = price_list.valid_from
    if start_date and price_list.valid_to and price_list.valid_to < start_date:
        errors.add("valid_to", _("The end date is before the start date."))


@transaction.atomic
def create_price_list(
    *,
    actor: User,
    name: str,
    valid_from: date | str,
    currency: str = "CNY",
    tier: CustomerTier | None = None,
    valid_to: date | str | None = None,
    is_active: bool = True,
) -> PriceList:
    """A new, empty price list for a currency and a tier (None: every customer)."""
    errors = Errors()
    price_list = PriceList()
    _apply_price_list(
        price_list,
        errors,
        {
            "name": name,
            "currency": currency,
            "tier": tier,
            "valid_from": valid_from,
            "valid_to": valid_to,
            "is_active": is_active,
        },
    )
    errors.raise_if_any()
    price_list.save()
    record_audit(
        actor=actor,
        event=AuditEvent.CREATE,
        obj=price_list,
        changes=diff({}, price_list_snapshot(price_list)),
    )
    return price_list


@transaction.atomic
def update_price_list(*, actor: User, price_list: PriceList, **fields: Any) -> PriceList:
    """Change a list's name, currency, tier, validity or activity. A change that would
    give one of its products a second list price for the same tier and currency on
    some day is refused, naming the changed field and the overlapping list."""
    unknown = set(fields) - set(PRICE_LIST_FIELDS)
    if unknown:
        raise ValidationError({key: _("This field cannot be changed here.") for key in unknown})
    errors = Errors()
    before = price_list_snapshot(price_list)
    _apply_price_list(price_list, errors, fields)
    after = price_list_snapshot(price_list)
    changed = [
        k
        for k in ("valid_to", "valid_from", "tier", "currency", "is_active")
        if before[k] != after[k]
    ]
    if changed and not errors.messages:
        _check_list_overlaps(errors, price_list, changed[0])
    if errors.messages:
        price_list.refresh_from_db()
        errors.raise_if_any()
    price_list.save()
    changes = diff(before, price_list_snapshot(price_list))
    if changes:
        record_audit(actor=actor, event=AuditEvent.CHANGE, obj=price_list, changes=changes)
    return price_list


@transaction.atomic
def set_price_list_item(
    *, actor: User, price_list: PriceList, product: Product, unit_price: Any
) -> PriceListItem:
    """Put a product in a list at ``unit_price``, or change its price there. Refused
    when another active list for the same tier and currency prices the product on any
    of the same days."""
    errors = Errors()
    price = clean_money(errors, "unit_price", unit_price)
    if product is None:
        errors.add("product", _("This field is required."))
    errors.raise_if_any()
    _lock_products([product.pk])
    item = PriceListItem.objects.filter(price_list=price_list, product=product).first()
    if item is None and price_list.is_active:
        clash = overlapping_items(
            product_ids=[product.pk],
            tier_id=price_list.tier_id,
            currency=price_list.currency,
            valid_from=price_list.valid_from,
            valid_to=price_list.valid_to,
            exclude_list=price_list,
        ).first()
        if clash is not None:
            errors.add("product", _overlap_message(clash))
    errors.raise_if_any()
    if item is None:
        try:
            with transaction.atomic():
                item = PriceListItem.objects.create(
                    price_list=price_list, product=product, unit_price=price
                )
        except IntegrityError as exc:  # the same product added twice at once
            raise ValidationError(
                {"product": _("This product is already in this price list.")}
            ) from exc
        record_audit(
            actor=actor,
            event=AuditEvent.CHANGE,
            obj=price_list,
            changes={f"items.{product.sku}": [None, str(price)]},
        )
        return item
    old = str(item.unit_price)
    if item.unit_price != price:
        item.unit_price = price
        item.save(update_fields=["unit_price"])
        record_audit(
            actor=actor,
            event=AuditEvent.CHANGE,
            obj=price_list,
            changes={f"items.{product.sku}": [old, str(price)]},
        )
    return item


@transaction.atomic
def remove_price_list_item(*, actor: User, item: PriceListItem) -> None:
    """Take a product out of a list; quotes already priced from it keep their prices."""
    price_list = item.price_list
    record_audit(
        actor=actor,
        event=AuditEvent.CHANGE,
        obj=price_list,
        changes={f"items.{item.product.sku}": [str(item.unit_price), None]},
    )
    item.delete()
