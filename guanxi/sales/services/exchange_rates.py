"""Dated exchange rates into the base currency (``settings.BASE_CURRENCY``).

A rate holds from its date until the next rate of the same currency, so an amount of
any day converts at the latest rate on or before that day; the base currency converts
at 1. Orders and returns keep the rate they were converted at when they were recorded:
correcting a rate later does not rewrite what was already reported.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.core.access import can
from guanxi.core.choices import AuditEvent
from guanxi.core.models import User
from guanxi.core.services.audit import record_audit
from guanxi.customers.services.common import Errors
from guanxi.sales.models import ExchangeRate
from guanxi.sales.object_types import EXCHANGE_RATE
from guanxi.sales.services.deals_fields import _clean_date
from guanxi.sales.services.money import clean_currency

CENT = Decimal("0.01")
MAX_RATE = Decimal("9999999999.99999999")


def base_currency() -> str:
    return str(getattr(settings, "BASE_CURRENCY", "CNY")).upper()


def rate_on(currency: str, day: date) -> Decimal | None:
    """Units of the base currency per unit of ``currency`` on ``day``; None when no
    rate of that currency starts on or before it."""
    code = currency.upper()
    if code == base_currency():
        return Decimal(1)
    return (
        ExchangeRate.objects.filter(currency=code, valid_on__lte=day)
        .order_by("-valid_on")
        .values_list("rate", flat=True)
        .first()
    )


def to_base(amount: Decimal, rate: Decimal) -> Decimal:
    return (amount * rate).quantize(CENT, ROUND_HALF_UP)


def require_rate(errors: Errors, currency: str, day: date, field: str = "currency") -> Decimal:
    """The rate of ``currency`` on ``day``, or an error on ``field`` saying what to add."""
    rate = rate_on(currency, day)
    if rate is None:
        errors.add(
            field,
            _(
                "No exchange rate from %(currency)s to %(base)s on or before %(day)s: "
                "add one under Exchange rates first."
            )
            % {"currency": currency, "base": base_currency(), "day": day.isoformat()},
        )
        return Decimal(1)
    return rate


def _clean_rate(errors: Errors, value: Any) -> Decimal:
    try:
        rate = Decimal(str(value)).quantize(Decimal("0.00000001"))
    except (InvalidOperation, ValueError, TypeError):
        errors.add("rate", _("Enter a number, such as 7.1234."))
        return Decimal(0)
    if rate <= 0:
        errors.add("rate", _("The rate must be more than zero."))
    elif rate > MAX_RATE:
        errors.add("rate", _("The rate is too large."))
    return rate


@transaction.atomic
def set_exchange_rate(*, actor: User, currency: Any, valid_on: Any, rate: Any) -> ExchangeRate:
    """Record (or correct) the rate of ``currency`` from ``valid_on`` on."""
    if not can(actor, EXCHANGE_RATE, "add"):
        raise PermissionDenied
    errors = Errors()
    code = clean_currency(errors, currency)
    if "currency" not in errors and code == base_currency():
        errors.add(
            "currency", _("%(code)s is the base currency: its rate is always 1.") % {"code": code}
        )
    day = _clean_date(errors, "valid_on", valid_on)
    if day is None and "valid_on" not in errors:
        errors.add("valid_on", _("This field is required."))
    value = _clean_rate(errors, rate)
    errors.raise_if_any()
    assert day is not None
    existing = ExchangeRate.objects.select_for_update().filter(currency=code, valid_on=day).first()
    if existing is not None:
        old = str(existing.rate)
        existing.rate = value
        existing.save(update_fields=["rate"])
        record_audit(
            actor=actor,
            event=AuditEvent.CHANGE,
            obj=existing,
            changes={"rate": [old, str(value)]},
        )
        return existing
    created = ExchangeRate.objects.create(currency=code, valid_on=day, rate=value)
    record_audit(
        actor=actor,
        event=AuditEvent.CREATE,
        obj=created,
        changes={
            "currency": [None, code],
            "valid_on": [None, day.isoformat()],
            "rate": [None, str(value)],
        },
    )
    return created


@transaction.atomic
def delete_exchange_rate(*, actor: User, rate: ExchangeRate) -> None:
    """Remove a rate typed by mistake; amounts already converted keep their rate."""
    if not can(actor, EXCHANGE_RATE, "delete"):
        raise PermissionDenied
    record_audit(
        actor=actor,
        event=AuditEvent.DELETE,
        obj=rate,
        changes={
            "currency": [rate.currency, None],
            "valid_on": [rate.valid_on.isoformat(), None],
            "rate": [str(rate.rate), None],
        },
    )
    rate.delete()
