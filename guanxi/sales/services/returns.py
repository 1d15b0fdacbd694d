"""Returns and credit notes against a confirmed order's lines.

A return takes units back (and credits them: by default the line's net unit price
times the units); a credit note credits money only (a price correction, a goodwill
gesture). Neither takes back more units than a line sold nor credits more than the
line brought, however many returns there are. The units of a serialised product are
named, and once returned may be sold again. The base-currency amount uses the order's
rate, so a full return cancels the order in base-currency reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.choices import AuditEvent
from guanxi.core.models import User
from guanxi.core.services.audit import record_audit
from guanxi.customers.services.common import Errors, clean_text
from guanxi.sales.choices_orders import CRM_SOURCE, OrderStatus, ReturnKind, SerialStatus
from guanxi.sales.models import Order, OrderLine, Return, ReturnLine, SerialNumber
from guanxi.sales.services.deals_fields import _clean_date
from guanxi.sales.services.exchange_rates import to_base
from guanxi.sales.services.lines import CENT
from guanxi.sales.services.money import clean_money
from guanxi.sales.services.orders import clean_serials, locked, require, save_numbered


@dataclass
class ReturnItem:
    """One line of a return as given: the order line (or its id or position), units,
    the amount to credit (None: the units' net price) and the serial numbers."""

    line: Any
    quantity: Any = 0
    amount: Any = None
    serials: list[str] = field(default_factory=list)


def returned_so_far(line: OrderLine) -> tuple[Decimal, Decimal]:
    """Units already taken back from the line and the amount already credited."""
    totals = ReturnLine.objects.filter(order_line=line).aggregate(
        quantity=Sum("quantity"), amount=Sum("amount")
    )
    return totals["quantity"] or Decimal(0), totals["amount"] or Decimal(0)


def _is_zero(value: Any) -> bool:
    """Whether a credit note's quantity is empty or zero (text that is no number is not)."""
    if value in (None, ""):
        return True
    try:
        return Decimal(str(value).strip()) == 0
    except ArithmeticError:
        return False


def moment_of(day: date) -> datetime:
    """When something of ``day`` happened, for the timeline: now for today (or a later
    day), midday of an earlier day."""
    now = timezone.now()
    if day >= timezone.localdate(now):
        return now
    return timezone.make_aware(datetime.combine(day, time(12)))


def _find_line(order: Order, value: Any) -> OrderLine | None:
    lines = OrderLine.objects.filter(order=order).select_related("product")
    if isinstance(value, OrderLine):
        return lines.filter(pk=value.pk).first()
    if isinstance(value, dict):  # {"id": ...}, {"position": ...} or {"external_id": ...}
        for key in ("id", "position", "external_id"):
            if value.get(key) not in (None, ""):
                return lines.filter(**{"pk" if key == "id" else key: value[key]}).first()
        return None
    try:
        return lines.filter(pk=int(value)).first()
    except (TypeError, ValueError):
        return None


def _clean_item(
    errors: Errors, prefix: str, order: Order, kind: str, item: ReturnItem, seen: set[int]
) -> tuple[OrderLine, Decimal, Decimal, list[SerialNumber]] | None:
    line = _find_line(order, item.line)
    if line is None:
        errors.add(f"{prefix}.line", _("This order has no such line."))
        return None
    if line.pk in seen:
        errors.add(f"{prefix}.line", _("This line is given twice."))
        return None
    seen.add(line.pk)
    taken, credited = returned_so_far(line)
    units_left, money_left = line.quantity - taken, line.line_total - credited
    quantity = Decimal(0)
    serial_rows: list[SerialNumber] = []
    if kind == ReturnKind.RETURN:
        try:
            quantity = Decimal(str(item.quantity)).quantize(CENT)
        except ArithmeticError:
            errors.add(f"{prefix}.quantity", _("Enter a number, such as 3."))
            return None
        if quantity <= 0:
            errors.add(f"{prefix}.quantity", _("The quantity must be more than zero."))
        elif quantity > units_left:
            errors.add(
                f"{prefix}.quantity",
                _("Only %(left)s of %(sold)s units are left to return on this line.")
                % {"left": units_left.normalize(), "sold": line.quantity.normalize()},
            )
        serials = clean_serials(errors, f"{prefix}.serials", item.serials)
        sold = {s.serial: s for s in line.serials.filter(status=SerialStatus.SOLD)}
        for serial in serials:
            if serial not in sold:
                errors.add(
                    f"{prefix}.serials",
                    _("%(serial)s was not sold on this line (or was already returned).")
                    % {"serial": serial},
                )
            else:
                serial_rows.append(sold[serial])
        # Units sold under a recorded serial number are named; units recorded without
        # one (serial numbers not typed yet) may come back unnamed.
        unnamed = max(Decimal(0), units_left - len(sold))
        if sold and quantity > 0 and not quantity - unnamed <= len(serials) <= quantity:
            errors.add(
                f"{prefix}.serials",
                _("Name the serial number of each unit returned (%(count)s).")
                % {"count": quantity.normalize()},
            )
    else:
        if not _is_zero(item.quantity):
            errors.add(f"{prefix}.quantity", _("A credit note takes no units back."))
        if item.serials:
            errors.add(f"{prefix}.serials", _("A credit note takes no units back."))
        if item.amount in (None, ""):
            errors.add(f"{prefix}.amount", _("Say how much to credit."))
    if item.amount in (None, ""):
        net_unit = line.line_total / line.quantity
        amount = min((net_unit * quantity).quantize(CENT, ROUND_HALF_UP), money_left)
    else:
        amount = clean_money(errors, f"{prefix}.amount", item.amount)
        if amount > money_left:
            errors.add(
                f"{prefix}.amount",
                _("At most %(left)s %(currency)s is left to credit on this line.")
                % {"left": money_left, "currency": order.currency},
            )
        elif kind == ReturnKind.CREDIT and amount <= 0:
            errors.add(f"{prefix}.amount", _("The amount must be more than zero."))
    return line, quantity, amount, serial_rows


@transaction.atomic
def record_return(
    *,
    actor: User,
    order: Order,
    kind: str = ReturnKind.RETURN,
    reason: str = "",
    items: list[ReturnItem],
    return_date: date | str | None = None,
    source: str = CRM_SOURCE,
    external_id: str = "",
) -> Return:
    """Record a return or credit note against a confirmed order the actor may change.
    Errors name the item: ``lines.<n>.quantity``."""
    require(actor, order, "change")
    locked(order)
    errors = Errors()
    if order.status != OrderStatus.CONFIRMED:
        errors.add("order", _("Only a confirmed order takes returns."))
    if kind not in ReturnKind.values:
        errors.add("kind", _("Choose a return of goods or a credit note."))
    text = clean_text(errors, "reason", reason, max_length=300)
    if not text:
        errors.add("reason", _("This field is required."))
    day = _clean_date(errors, "return_date", return_date) or timezone.localdate()
    if day < order.order_date:
        errors.add("return_date", _("This is before the order's date."))
    if not items:
        errors.add("lines", _("Choose at least one line."))
    errors.raise_if_any()
    seen: set[int] = set()
    cleaned = []
    for index, item in enumerate(items):
        result = _clean_item(errors, f"lines.{index}", order, kind, item, seen)
        if result is not None:
            cleaned.append(result)
    if cleaned and all(amount == 0 and quantity == 0 for _l, quantity, amount, _s in cleaned):
        errors.add("lines", _("Nothing would be returned or credited."))
    errors.raise_if_any()
    document = Return(
        order=order,
        kind=kind,
        return_date=day,
        returned_at=moment_of(day),
        reason=text,
        exchange_rate=order.exchange_rate,
        source=source,
        external_id=external_id,
        created_by=actor,
    )
    save_numbered(document, "R", day.year)
    total = Decimal(0)
    described = []
    for line, quantity, amount, serial_rows in cleaned:
        row = ReturnLine.objects.create(
            return_doc=document, order_line=line, quantity=quantity, amount=amount
        )
        if serial_rows:
            row.serials.set(serial_rows)
            SerialNumber.objects.filter(pk__in=[s.pk for s in serial_rows]).update(
                status=SerialStatus.RETURNED
            )
        total += amount
        described.append(f"{line.product.sku} × {quantity.normalize()} = {amount}")
    document.total = total
    document.total_base = to_base(total, order.exchange_rate)
    document.save(update_fields=["total", "total_base"])
    changes = {
        "number": [None, document.number],
        "kind": [None, kind],
        "return_date": [None, day.isoformat()],
        "reason": [None, text],
        "total": [None, str(total)],
        "lines": [None, "; ".join(described)],
    }
    record_audit(actor=actor, event=AuditEvent.CREATE, obj=document, changes=changes)
    record_audit(
        actor=actor,
        event=AuditEvent.CHANGE,
        obj=order,
        changes={"returns": [None, f"{document.number}: {total} {order.currency}"]},
    )
    return document
