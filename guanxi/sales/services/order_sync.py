"""Orders and returns pushed by an ERP or a shop, idempotent by external id.

The system names itself (``source``, e.g. ``erp``) and its own number for the order
(``external_id``); the database keeps the pair unique. Pushing the same order again
changes nothing and answers with the order made the first time; pushing it with other
contents updates it (its lines are replaced while nothing was returned from it). Two
pushes of one new order at the same moment make one order: the second finds the first.
The ERP's prices are the invoiced prices and are kept as given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from guanxi.core.access import can, is_permitted
from guanxi.core.choices import AuditEvent
from guanxi.core.models import User
from guanxi.core.services.audit import diff, record_audit
from guanxi.core.services.search import index_record
from guanxi.customers.models import Account, Contact
from guanxi.customers.services.common import Errors, clean_text
from guanxi.sales.choices_orders import CRM_SOURCE, OrderStatus, SerialStatus
from guanxi.sales.models import Order, OrderLine, Product, Return, SerialNumber
from guanxi.sales.object_types import ORDER
from guanxi.sales.services.deals_fields import _clean_date
from guanxi.sales.services.exchange_rates import base_currency, require_rate, to_base
from guanxi.sales.services.lines import clean_discount, line_total
from guanxi.sales.services.money import clean_currency, clean_money
from guanxi.sales.services.orders import (
    clean_line_quantity,
    clean_serials,
    order_snapshot,
    refresh_totals,
    require,
    save_numbered,
    save_order,
    write_serials,
)
from guanxi.sales.services.returns import ReturnItem, moment_of, record_return

SOURCE_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,29}")
SYNC_STATUSES = (OrderStatus.CONFIRMED, OrderStatus.CANCELLED)


@dataclass
class SyncLine:
    """An order line as the ERP sends it: the product by SKU, at the invoiced price."""

    sku: str
    quantity: Any
    unit_price: Any
    discount_percent: Any = 0
    description: str = ""
    external_id: str = ""
    serials: list[str] = field(default_factory=list)


@dataclass
class _Line:
    product: Product
    quantity: Decimal
    unit_price: Decimal
    discount: Decimal
    description: str
    external_id: str
    serials: list[str]
    index: int

    def key(self) -> tuple[Any, ...]:
        return (
            self.product.pk,
            self.quantity,
            self.unit_price,
            self.discount,
            self.description,
            self.external_id,
            tuple(sorted(self.serials)),
        )


def _same_lines(current: list[tuple[Any, ...]], lines: list[_Line], status: str) -> bool:
    """Whether the order's lines are the lines pushed; a cancelled order keeps no serial
    numbers, so they are not compared then."""
    wanted = [line.key() for line in lines]
    if status == OrderStatus.CANCELLED:
        return [row[:-1] for row in current] == [row[:-1] for row in wanted]
    return current == wanted


def clean_source(errors: Errors, source: Any, external_id: Any) -> tuple[str, str]:
    code = str(source or "").strip().lower()
    if not SOURCE_PATTERN.fullmatch(code):
        errors.add("source", _("Use 1–30 lower-case letters, digits, - or _, such as erp."))
    elif code == CRM_SOURCE:
        errors.add("source", _("“crm” is Guanxi's own source: name the system, such as erp."))
    ext = str(external_id or "").strip()
    if not ext:
        errors.add("external_id", _("This field is required."))
    elif len(ext) > 100:
        errors.add("external_id", _("At most 100 characters."))
    return code, ext


def _clean_lines(errors: Errors, given: list[SyncLine]) -> list[_Line]:
    if not given:
        errors.add("lines", _("An order needs at least one line."))
        return []
    skus = {str(line.sku).strip() for line in given}
    products = {p.sku: p for p in Product.objects.filter(sku__in=skus)}
    cleaned: list[_Line] = []
    for index, line in enumerate(given):
        prefix = f"lines.{index}"
        product = products.get(str(line.sku).strip())
        if product is None:
            errors.add(f"{prefix}.sku", _("No product has the SKU %(sku)s.") % {"sku": line.sku})
        quantity = clean_line_quantity(errors, product, line.quantity, f"{prefix}.quantity")
        price = clean_money(errors, f"{prefix}.unit_price", line.unit_price)
        discount = clean_discount(errors, line.discount_percent, f"{prefix}.discount_percent")
        description = clean_text(errors, f"{prefix}.description", line.description, max_length=200)
        external_id = clean_text(errors, f"{prefix}.external_id", line.external_id, max_length=100)
        serials = clean_serials(errors, f"{prefix}.serials", line.serials)
        if serials and product is not None and not product.is_serialised:
            errors.add(f"{prefix}.serials", _("This product has no serial numbers."))
        elif serials and len(serials) > quantity:
            errors.add(f"{prefix}.serials", _("More serial numbers than units."))
        if product is not None:
            cleaned.append(
                _Line(
                    product,
                    quantity,
                    price,
                    discount,
                    description or product.name,
                    external_id,
                    serials,
                    index,
                )
            )
    seen: set[tuple[int, str]] = set()
    for kept in cleaned:
        for serial in kept.serials:
            if (kept.product.pk, serial) in seen:
                errors.add(
                    f"lines.{kept.index}.serials",
                    _("%(serial)s is given twice.") % {"serial": serial},
                )
            seen.add((kept.product.pk, serial))
    return cleaned


def _check_serials_free(
    errors: Errors,
    lines: list[_Line],
    order: Order | None,
    same: tuple[str, str] | None = None,
) -> None:
    """An error for each serial number sold on an order other than ``order`` (for a new
    order: other than an order of the same source and external id, which a concurrent
    push of the same order may just have made)."""
    for line in lines:
        if not line.serials:
            continue
        taken = SerialNumber.objects.filter(
            product=line.product, serial__in=line.serials, status=SerialStatus.SOLD
        ).select_related("line__order")
        if order is not None:
            taken = taken.exclude(line__order=order)
        if same is not None:
            taken = taken.exclude(line__order__source=same[0], line__order__external_id=same[1])
        for row in taken:
            errors.add(
                f"lines.{line.index}.serials",
                _("%(serial)s was already sold on order %(number)s.")
                % {"serial": row.serial, "number": row.line.order.number},
            )


def _current_lines(order: Order) -> list[tuple[Any, ...]]:
    """The order's lines as ``_Line.key`` gives them: its serial numbers include the
    returned ones, which the ERP still lists on the order."""
    rows = OrderLine.objects.filter(order=order).prefetch_related("serials").order_by("position")
    return [
        (
            row.product_id,
            row.quantity,
            row.unit_price,
            row.discount_percent,
            row.description,
            row.external_id,
            tuple(sorted(s.serial for s in row.serials.all())),
        )
        for row in rows
    ]


def _write_lines(order: Order, lines: list[_Line]) -> None:
    OrderLine.objects.filter(order=order).delete()
    for position, line in enumerate(lines, start=1):
        row = OrderLine.objects.create(
            order=order,
            position=position,
            product=line.product,
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            discount_percent=line.discount,
            line_total=line_total(line.quantity, line.unit_price, line.discount),
            external_id=line.external_id,
        )
        if line.serials and order.status == OrderStatus.CONFIRMED:
            row.order = order
            write_serials(row, line.serials)


def _apply_totals(order: Order, rate: Decimal) -> None:
    refresh_totals(order)
    order.exchange_rate = rate
    order.base_currency = base_currency()
    order.total_base = to_base(order.total, rate)


@transaction.atomic
def upsert_order(
    *,
    actor: User,
    source: Any,
    external_id: Any,
    account: Account | None,
    order_date: date | str | None,
    currency: Any,
    lines: list[SyncLine],
    contact: Contact | None = None,
    status: Any = OrderStatus.CONFIRMED,
    notes: Any = "",
) -> tuple[Order, bool]:
    """The order ``external_id`` of ``source``, made or brought up to date; True when it
    was made now. Owned by the account's owner, in the account's team."""
    if not can(actor, ORDER, "add") and not can(actor, ORDER, "change"):
        raise PermissionDenied
    errors = Errors()
    code, ext = clean_source(errors, source, external_id)
    if account is None:
        errors.add("account", _("This field is required."))
    elif account.is_trashed or not is_permitted(actor, account, "view"):
        errors.add("account", _("No such account."))
    if contact is not None and (contact.is_trashed or not is_permitted(actor, contact, "view")):
        errors.add("contact", _("No such contact."))
    day = _clean_date(errors, "order_date", order_date)
    if day is None and "order_date" not in errors:
        errors.add("order_date", _("This field is required."))
    money = clean_currency(errors, currency)
    if status not in SYNC_STATUSES:
        errors.add("status", _("Choose confirmed or cancelled."))
    text = clean_text(errors, "notes", notes, max_length=5000)
    cleaned = _clean_lines(errors, lines)
    rate = require_rate(errors, money, day) if day and "currency" not in errors else Decimal(1)
    errors.raise_if_any()
    assert account is not None and day is not None
    existing = Order.objects.select_for_update().filter(source=code, external_id=ext).first()
    if existing is None:
        if not can(actor, ORDER, "add"):
            raise PermissionDenied
        if status == OrderStatus.CONFIRMED:
            _check_serials_free(errors, cleaned, None, (code, ext))
        errors.raise_if_any()
        order = Order(
            account=account,
            contact=contact,
            status=status,
            order_date=day,
            currency=money,
            notes=text,
            source=code,
            external_id=ext,
            owner_id=account.owner_id,
            team_id=account.team_id,
            created_by=actor,
            # On the timeline an ERP's order appears on its order date.
            confirmed_at=moment_of(day) if status == OrderStatus.CONFIRMED else None,
        )
        try:
            with transaction.atomic():
                save_numbered(order, "O", day.year)
                _write_lines(order, cleaned)
                _apply_totals(order, rate)
                order.save()
        except IntegrityError:
            # The same order pushed at the same moment: the other push made it.
            existing = (
                Order.objects.select_for_update().filter(source=code, external_id=ext).first()
            )
            if existing is None:
                raise
        else:
            record_audit(
                actor=actor,
                event=AuditEvent.CREATE,
                obj=order,
                changes=diff({}, order_snapshot(order)),
            )
            index_record(order)
            return order, True
    return _update(actor, existing, account, contact, day, money, status, text, cleaned, rate)


def _update(
    actor: User,
    order: Order,
    account: Account,
    contact: Contact | None,
    day: date,
    money: str,
    status: str,
    text: str,
    lines: list[_Line],
    rate: Decimal,
) -> tuple[Order, bool]:
    require(actor, order, "change")
    header_same = (
        order.account_id == account.pk
        and order.contact_id == (contact.pk if contact else None)
        and order.order_date == day
        and order.currency == money
        and order.status == status
        and order.notes == text
    )
    lines_same = _same_lines(_current_lines(order), lines, status)
    if header_same and lines_same:
        return order, False
    errors = Errors()
    has_returns = order.returns.exists()
    if order.status == OrderStatus.CANCELLED and status != OrderStatus.CANCELLED:
        errors.add("status", _("A cancelled order cannot be confirmed again."))
    if has_returns and (
        not lines_same or order.account_id != account.pk or money != order.currency
    ):
        errors.add(
            "lines",
            _(
                "Goods or money were returned on this order: its customer, currency and "
                "lines can no longer change."
            ),
        )
    if has_returns and status == OrderStatus.CANCELLED and order.status != status:
        errors.add(
            "status", _("Goods or money were returned on this order: it cannot be cancelled.")
        )
    if not lines_same and status == OrderStatus.CONFIRMED:
        _check_serials_free(errors, lines, order)
    errors.raise_if_any()
    before = order_snapshot(order)
    if has_returns or (day == order.order_date and money == order.currency):
        # The order keeps the rate it was converted at (its returns were converted at
        # it too): a rate corrected since does not rewrite what was reported.
        rate = order.exchange_rate
    if day != order.order_date and order.confirmed_at is not None:
        order.confirmed_at = moment_of(day)
    if account.pk != order.account_id:
        order.owner_id, order.team_id = account.owner_id, account.team_id
    order.account, order.contact, order.order_date = account, contact, day
    order.currency, order.status, order.notes = money, status, text
    if not lines_same:
        _write_lines(order, lines)
    if status == OrderStatus.CANCELLED:
        SerialNumber.objects.filter(line__order=order, status=SerialStatus.SOLD).delete()
    _apply_totals(order, rate)
    save_order(actor, order, before, {"lines": [None, "replaced"]} if not lines_same else None)
    return order, False


@transaction.atomic
def upsert_return(
    *,
    actor: User,
    source: Any,
    external_id: Any,
    order: Order,
    kind: str,
    reason: str,
    items: list[ReturnItem],
    return_date: date | str | None = None,
) -> tuple[Return, bool]:
    """The return ``external_id`` of ``source`` against ``order``, recorded once: a
    retry answers with the return recorded the first time (True when recorded now).
    Returns are not changed afterwards: a correction is another credit note."""
    errors = Errors()
    code, ext = clean_source(errors, source, external_id)
    errors.raise_if_any()
    existing = Return.objects.filter(source=code, external_id=ext).select_related("order").first()
    if existing is None:
        try:
            with transaction.atomic():
                made = record_return(
                    actor=actor,
                    order=order,
                    kind=kind,
                    reason=reason,
                    items=items,
                    return_date=return_date,
                    source=code,
                    external_id=ext,
                )
            return made, True
        except IntegrityError:
            existing = Return.objects.filter(source=code, external_id=ext).first()
            if existing is None:
                raise
    require(actor, existing.order, "view")
    if existing.order_id != order.pk or existing.kind != kind:
        raise ValidationError(
            {"external_id": _("Another return was already recorded under this external ID.")}
        )
    return existing, False
