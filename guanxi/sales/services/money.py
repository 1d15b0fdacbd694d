"""Amounts and currencies as every sales record checks them."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from guanxi.customers.services.common import Errors

MAX_AMOUNT = Decimal("999999999999.99")


def clean_money(errors: Errors, field: str, value: Any) -> Decimal:
    """A non-negative amount with two decimals."""
    try:
        amount = Decimal(str(value if value not in (None, "") else "0")).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        errors.add(field, _("Enter a number, such as 125000.00."))
        return Decimal("0")
    if amount < 0:
        errors.add(field, _("The amount cannot be negative."))
    elif amount > MAX_AMOUNT:
        errors.add(field, _("The amount is too large."))
    return amount


def clean_currency(errors: Errors, value: Any) -> str:
    code = str(value or "CNY").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        errors.add("currency", _("Use a three-letter ISO currency code, such as CNY."))
    return code
