"""Quantities, discounts and line totals as quotes and orders both check them."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from guanxi.customers.services.common import Errors

CENT = Decimal("0.01")
MAX_QUANTITY = Decimal("9999999999.99")


def clean_quantity(errors: Errors, value: Any, field: str = "quantity") -> Decimal:
    """A quantity above zero, with two decimals."""
    try:
        quantity = Decimal(str(value)).quantize(CENT)
    except (InvalidOperation, ValueError, TypeError):
        errors.add(field, _("Enter a number, such as 3."))
        return Decimal("0")
    if quantity <= 0:
        errors.add(field, _("The quantity must be more than zero."))
    elif quantity > MAX_QUANTITY:
        errors.add(field, _("The quantity is too large."))
    return quantity


def clean_discount(errors: Errors, value: Any, field: str = "discount_percent") -> Decimal:
    """A percentage from 0 to 100 (empty: 0)."""
    try:
        discount = Decimal(str(value if value not in (None, "") else "0")).quantize(CENT)
    except (InvalidOperation, ValueError, TypeError):
        errors.add(field, _("Enter a percentage from 0 to 100."))
        return Decimal("0")
    if not Decimal("0") <= discount <= Decimal("100"):
        errors.add(field, _("Enter a percentage from 0 to 100."))
    return discount


def line_total(quantity: Decimal, unit_price: Decimal, discount: Decimal) -> Decimal:
    gross = quantity * unit_price
    return (gross * (Decimal("100") - discount) / Decimal("100")).quantize(CENT, ROUND_HALF_UP)


def gross(quantity: Decimal, unit_price: Decimal) -> Decimal:
    return (quantity * unit_price).quantize(CENT, ROUND_HALF_UP)
