"""Orders made in Guanxi: from a won deal (its accepted quote's lines and prices) or
by hand for an account (lines at the list price of the order's date).

A draft order's lines may change; confirming it converts its total to the base currency
at the rate of its date and makes it part of the customer's transaction history; from
then on only serial numbers are added (they are often known only when goods ship) and
returns are recorded against its lines. A draft, or a confirmed order without returns,
can be cancelled; its serial numbers are released.
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.access import can, is_permitted
from guanxi.core.choices import AuditEvent
from guanxi.core.models import User
from guanxi.core.services.audit import diff, record_audit
from guanxi.core.services.search import index_record, unindex_record
from guanxi.customers.models import Account, Contact
from guanxi.customers.services.common import Errors, clean_text
from guanxi.sales.choices import StageKind
from guanxi.sales.choices_orders import OrderStatus, SerialStatus
from guanxi.sales.choices_quotes import QuoteStatus
from guanxi.sales.models import Deal, Order, OrderLine, Product, Quote, SerialNumber
from guanxi.sales.object_types import ORDER, QUOTE
from guanxi.sales.services.deals_fields import _clean_date
from guanxi.sales.services.exchange_rates import base_currency, require_rate, to_base
from guanxi.sales.services.lines import clean_discount, clean_quantity, gross, line_total
from guanxi.sales.services.money import clean_currency
from guanxi.sales.services.pricing import priced_item
from guanxi.sales.services.quotes import discount_limit

ORDER_FIELDS = ("order_date", "notes", "contact", "currency")
MAX_SERIAL_LENGTH = 100


def order_snapshot(order: Order) -> dict[str, Any]:
    """What the audit log records of an order."""
    return {
        "number": order.number,
        "account": order.account_id,
        "contact": order.contact_id,
        "deal": order.deal_id,
        "status": order.status,
        "order_date": order.order_date.isoformat() if order.order_date else None,
        "currency": order.currency,
        "subtotal": str(order.subtotal),
        "discount_total": str(order.discount_total),
        "total": str(order.total),
        "exchange_rate": str(order.exchange_rate),
        "total_base": str(order.total_base),
        "source": order.source,
        "external_id": order.external_id,
        "notes": order.notes,
        "owner": order.owner_id,
    }


def line_text(line: OrderLine) -> str:
    return f"{line.product.sku} × {line.quantity} @ {line.unit_price} −{line.discount_percent}%"


def next_number(model: type[models.Model], letter: str, year: int) -> str:
    """The next free ``<letter>-<year>-NNNN`` number of orders, returns or tickets,
    counting every row (trashed ones keep their numbers, and numbers are unique)."""
    prefix = f"{letter}-{year}-"
    last = (
        model._base_manager.filter(number__startswith=prefix)
        .annotate(size=Length("number"))
        .order_by("-size", "-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{sequence:04d}"


def save_numbered(instance: Any, letter: str, year: int) -> None:
    """Save a new numbered record under the next number; two saved at once: the loser
    takes the number after."""
    for _attempt in range(5):
        instance.number = next_number(type(instance), letter, year)
        try:
            with transaction.atomic():
                instance.save()
            return
        except IntegrityError:
            if type(instance)._base_manager.filter(number=instance.number).exists():
                instance.pk = None
                continue
            raise
    raise ValidationError({"number": _("Could not number the record; try again.")})


def add_months(day: date, months: int) -> date:
    """``day`` plus whole months (the 31st of a shorter month becomes its last day)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def warranty_until(product: Product, order_date: date) -> date | None:
    return add_months(order_date, product.warranty_months) if product.warranty_months else None


def require(actor: User, order: Order, action: str) -> None:
    if not is_permitted(actor, order, action):
        raise PermissionDenied


def _require_draft(order: Order) -> None:
    if order.status != OrderStatus.DRAFT:
        raise ValidationError({"status": _("Only a draft order can be changed.")})


def locked(order: Order) -> Order:
    """The order's row, locked: two people changing one order take turns."""
    row = Order.objects.select_for_update().get(pk=order.pk)
    order.status = row.status
    return order


def refresh_totals(order: Order) -> None:
    """Recompute the totals from the lines in the database."""
    lines = list(OrderLine.objects.filter(order=order).select_related(None))
    order.subtotal = sum((gross(ln.quantity, ln.unit_price) for ln in lines), Decimal(0))
    order.total = sum((ln.line_total for ln in lines), Decimal(0))
    order.discount_total = order.subtotal - order.total


def save_order(
    actor: User | None, order: Order, before: dict[str, Any], extra: dict[str, Any] | None = None
) -> Order:
    order.save()
    changes = diff(before, order_snapshot(order))
    changes.update(extra or {})
    if changes:
        record_audit(actor=actor, event=AuditEvent.CHANGE, obj=order, changes=changes)
    index_record(order)
    return order


def _check_contact(errors: Errors, actor: User, contact: Contact | None) -> None:
    if contact is not None and (contact.is_trashed or not is_permitted(actor, contact, "view")):
        errors.add("contact", _("No such contact."))


def _create(actor: User, order: Order) -> Order:
    save_numbered(order, "O", order.order_date.year)
    record_audit(
        actor=actor, event=AuditEvent.CREATE, obj=order, changes=diff({}, order_snapshot(order))
    )
    index_record(order)
    return order


def _redate_warranties(order: Order) -> None:
    """Warranty runs from the order date: a draft's serial numbers follow a new date."""
    for serial in SerialNumber.objects.filter(line__order=order).select_related("product"):
        serial.warranty_until = warranty_until(serial.product, order.order_date)
        serial.save(update_fields=["warranty_until"])


# --- the order -------------------------------------------------------------------------------


@transaction.atomic
def create_order(
    *,
    actor: User,
    account: Account | None,
    contact: Contact | None = None,
    currency: str | None = None,
    order_date: date | str | None = None,
    notes: str = "",
) -> Order:
    """A draft order for an account the actor may see, owned by the actor (with the
    account's team), dated today unless ``order_date`` says otherwise."""
    if not can(actor, ORDER, "add"):
        raise PermissionDenied
    errors = Errors()
    if account is None:
        errors.add("account", _("This field is required."))
    elif account.is_trashed or not is_permitted(actor, account, "view"):
        errors.add("account", _("No such account."))
    _check_contact(errors, actor, contact)
    code = clean_currency(errors, currency or base_currency())
    day = _clean_date(errors, "order_date", order_date) or timezone.localdate()
    text = clean_text(errors, "notes", notes, max_length=5000)
    errors.raise_if_any()
    assert account is not None
    order = Order(
        account=account,
        contact=contact,
        currency=code,
        order_date=day,
        notes=text,
        owner=actor,
        team_id=account.team_id,
        base_currency=base_currency(),
        created_by=actor,
    )
    return _create(actor, order)


@transaction.atomic
def serials_referenced(order: Order) -> bool:
    """Whether records of other modules (a ticket about a unit, a service contract
    covering it) refer to a serial number sold on the order: deleting the order would
    silently drop those links. Asked of the model's relations, so the sales module
    needs to know nothing of the modules built on it; trashed records count too."""
    serials = SerialNumber.objects.filter(line__order=order)
    for relation in SerialNumber._meta.related_objects:
        model = relation.related_model
        if not isinstance(model, type) or model._meta.app_label == SerialNumber._meta.app_label:
            continue
        lookup = f"{relation.field.name}__in"
        if model._base_manager.filter(**{lookup: serials}).exists():
            return True
    return False


def delete_order(*, actor: User, order: Order) -> None:
    """Delete an order for good, with its lines and serial numbers (orders have no
    trash), audited with what it held and taken out of the search. An order goods or
    money were returned on, or whose serial numbers tickets or contracts refer to,
    cannot be deleted. Who may delete is the caller's check (an
    import's rollback lets its owner remove the orders it made)."""
    locked(order)  # a return recorded at the same moment (it locks too) is seen or waits
    if order.returns.exists():
        raise ValidationError(
            {"order": _("Goods or money were returned on this order; it cannot be deleted.")}
        )
    if serials_referenced(order):
        raise ValidationError(
            {
                "order": _(
                    "Tickets or service contracts refer to the serial numbers of this order; "
                    "it cannot be deleted."
                )
            }
        )
    record_audit(
        actor=actor,
        event=AuditEvent.DELETE,
        obj=order,
        changes={key: [value, None] for key, value in order_snapshot(order).items()},
    )
    unindex_record(order)
    order.delete()


def accepted_quote(deal: Deal) -> Quote | None:
    """The deal's most recently accepted quote, if any."""
    return (
        Quote.objects.filter(deal=deal, status=QuoteStatus.ACCEPTED)
        .order_by("-sent_at", "-created_at", "-pk")
        .first()
    )


@transaction.atomic
def create_order_from_deal(*, actor: User, deal: Deal) -> Order:
    """A draft order for a won deal's account, owned like the deal, with the lines and
    prices of the deal's accepted quote (none accepted: no lines yet, in the deal's
    currency). A deal has at most one order that is not cancelled."""
    if not is_permitted(actor, deal, "view") or not can(actor, ORDER, "add"):
        raise PermissionDenied
    if deal.stage.kind != StageKind.WON:
        raise ValidationError({"deal": _("Only a won deal becomes an order.")})
    # Lock the deal: with no order yet there is no order row to lock, and two people
    # turning the deal into an order at once must not make two.
    Deal.all_objects.select_for_update().filter(pk=deal.pk).first()
    existing = (
        Order.objects.select_for_update()
        .filter(deal=deal)
        .exclude(status=OrderStatus.CANCELLED)
        .first()
    )
    if existing is not None:
        raise ValidationError(
            {"deal": _("This deal already has order %(number)s.") % {"number": existing.number}}
        )
    quote = accepted_quote(deal)
    order = Order(
        account_id=deal.account_id,
        contact_id=deal.contact_id,
        deal=deal,
        quote=quote,
        currency=quote.currency if quote else deal.currency,
        order_date=timezone.localdate(),
        owner_id=deal.owner_id,
        team_id=deal.team_id,
        base_currency=base_currency(),
        created_by=actor,
    )
    _create(actor, order)
    if quote is not None:
        for position, qline in enumerate(quote.lines.select_related("product"), start=1):
            OrderLine.objects.create(
                order=order,
                position=position,
                product=qline.product,
                description=qline.description,
                quantity=qline.quantity,
                unit_price=qline.unit_price,
                discount_percent=qline.discount_percent,
                line_total=qline.line_total,
            )
        before = order_snapshot(order)
        refresh_totals(order)
        save_order(actor, order, before, {"lines": [None, _("from quote %s") % quote.number]})
    return order


@transaction.atomic
def update_order(*, actor: User, order: Order, **fields: Any) -> Order:
    """Change a draft order's date, notes, contact, or its currency while it has no
    lines."""
    unknown = set(fields) - set(ORDER_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    require(actor, order, "change")
    _require_draft(locked(order))
    errors = Errors()
    before = order_snapshot(order)
    if "order_date" in fields:
        day = _clean_date(errors, "order_date", fields["order_date"])
        if day is None and "order_date" not in errors:
            errors.add("order_date", _("This field is required."))
        elif day is not None and day != order.order_date:
            order.order_date = day
            _redate_warranties(order)
    if "notes" in fields:
        order.notes = clean_text(errors, "notes", fields["notes"], max_length=5000)
    if "contact" in fields:
        _check_contact(errors, actor, fields["contact"])
        order.contact = fields["contact"]
    if "currency" in fields:
        code = clean_currency(errors, fields["currency"])
        if code != order.currency and OrderLine.objects.filter(order=order).exists():
            errors.add("currency", _("Remove the lines before changing the currency."))
        order.currency = code
    if errors.messages:
        order.refresh_from_db()
        errors.raise_if_any()
    return save_order(actor, order, before)


@transaction.atomic
def confirm_order(*, actor: User, order: Order) -> Order:
    """The customer's order is firm: it needs lines and an exchange rate for its date;
    its base-currency total is fixed at that rate."""
    require(actor, order, "change")
    _require_draft(locked(order))
    errors = Errors()
    if not OrderLine.objects.filter(order=order).exists():
        errors.add("lines", _("Add at least one line first."))
    rate = require_rate(errors, order.currency, order.order_date)
    errors.raise_if_any()
    before = order_snapshot(order)
    refresh_totals(order)
    order.exchange_rate = rate
    order.base_currency = base_currency()
    order.total_base = to_base(order.total, rate)
    order.status = OrderStatus.CONFIRMED
    order.confirmed_at = timezone.now()
    return save_order(actor, order, before)


@transaction.atomic
def cancel_order(*, actor: User, order: Order, reason: str = "") -> Order:
    """Cancel a draft, or a confirmed order nothing was returned from; its serial
    numbers are released for sale."""
    require(actor, order, "change")
    locked(order)
    errors = Errors()
    if order.status == OrderStatus.CANCELLED:
        errors.add("status", _("This order is already cancelled."))
    elif order.returns.exists():
        errors.add(
            "status", _("Goods or money were returned on this order: it cannot be cancelled.")
        )
    text = clean_text(errors, "reason", reason, max_length=300)
    errors.raise_if_any()
    before = order_snapshot(order)
    released = list(SerialNumber.objects.filter(line__order=order).values_list("serial", flat=True))
    SerialNumber.objects.filter(line__order=order).delete()
    order.status = OrderStatus.CANCELLED
    extra: dict[str, Any] = {"reason": [None, text]} if text else {}
    if released:
        extra["serials"] = [", ".join(sorted(released)), None]
    return save_order(actor, order, before, extra)


# --- lines -----------------------------------------------------------------------------------


def clean_line_quantity(errors: Errors, product: Product | None, value: Any, field: str) -> Decimal:
    quantity = clean_quantity(errors, value, field)
    if product is not None and product.is_serialised and quantity != quantity.to_integral_value():
        errors.add(field, _("A serialised product is sold in whole units."))
    return quantity


def _check_discount_allowed(errors: Errors, actor: User, discount: Decimal) -> None:
    if discount > discount_limit() and not can(actor, QUOTE, "approve"):
        errors.add(
            "discount_percent",
            _("Discounts above %(limit)s%% are given by a sales manager.")
            % {"limit": discount_limit()},
        )


@transaction.atomic
def add_order_line(
    *,
    actor: User,
    order: Order,
    product: Product | None,
    quantity: Any = 1,
    discount_percent: Any = 0,
) -> OrderLine:
    """Put a product on a draft order at its list price for the customer, currency and
    order date; a discount above the quote limit only from a sales manager."""
    require(actor, order, "change")
    _require_draft(locked(order))
    errors = Errors()
    qty = clean_line_quantity(errors, product, quantity, "quantity")
    discount = clean_discount(errors, discount_percent)
    _check_discount_allowed(errors, actor, discount)
    item = priced_item(errors, product, order.account, order.currency, order.order_date)
    errors.raise_if_any()
    assert product is not None and item is not None
    before = order_snapshot(order)
    last = (
        OrderLine.objects.filter(order=order)
        .order_by("-position")
        .values_list("position", flat=True)
        .first()
    )
    line = OrderLine.objects.create(
        order=order,
        position=(last or 0) + 1,
        product=product,
        description=product.name,
        quantity=qty,
        unit_price=item.unit_price,
        discount_percent=discount,
        line_total=line_total(qty, item.unit_price, discount),
    )
    refresh_totals(order)
    save_order(actor, order, before, {f"lines.{line.position}": [None, line_text(line)]})
    return line


@transaction.atomic
def update_order_line(
    *, actor: User, line: OrderLine, quantity: Any = None, discount_percent: Any = None
) -> OrderLine:
    """Change a draft line's quantity or discount (the price stays as agreed)."""
    order = line.order
    require(actor, order, "change")
    _require_draft(locked(order))
    errors = Errors()
    old = line_text(line)
    qty = (
        clean_line_quantity(errors, line.product, quantity, "quantity")
        if quantity is not None
        else line.quantity
    )
    discount = (
        clean_discount(errors, discount_percent)
        if discount_percent is not None
        else line.discount_percent
    )
    if discount != line.discount_percent:
        _check_discount_allowed(errors, actor, discount)
    errors.raise_if_any()
    before = order_snapshot(order)
    line.quantity, line.discount_percent = qty, discount
    line.line_total = line_total(qty, line.unit_price, discount)
    line.save()
    refresh_totals(order)
    new = line_text(line)
    save_order(actor, order, before, {f"lines.{line.position}": [old, new]} if new != old else {})
    return line


@transaction.atomic
def remove_order_line(*, actor: User, line: OrderLine) -> Order:
    """Take a line (and its serial numbers) off a draft order."""
    order = line.order
    require(actor, order, "change")
    _require_draft(locked(order))
    before = order_snapshot(order)
    text, position = line_text(line), line.position
    line.delete()
    refresh_totals(order)
    return save_order(actor, order, before, {f"lines.{position}": [text, None]})


# --- serial numbers --------------------------------------------------------------------------


def clean_serials(errors: Errors, field: str, values: Any) -> list[str]:
    """Serial numbers from a list or from text (one per line or comma-separated), each
    once, trimmed."""
    if values is None:
        return []
    if isinstance(values, str):
        values = values.replace("，", ",").replace(",", "\n").splitlines()
    serials: list[str] = []
    for value in values:
        text = str(value).strip()
        if not text:
            continue
        if len(text) > MAX_SERIAL_LENGTH:
            errors.add(field, _("A serial number has at most 100 characters."))
        elif text in serials:
            errors.add(field, _("%(serial)s is given twice.") % {"serial": text})
        else:
            serials.append(text)
    return serials


def check_serials_free(
    errors: Errors, field: str, product: Product, serials: list[str], line: OrderLine | None
) -> None:
    """An error for each serial number of ``product`` sold (and not returned) on
    another line."""
    taken = SerialNumber.objects.filter(
        product=product, serial__in=serials, status=SerialStatus.SOLD
    ).select_related("line__order")
    if line is not None and line.pk:
        taken = taken.exclude(line=line)
    for row in taken:
        errors.add(
            field,
            _("%(serial)s was already sold on order %(number)s.")
            % {"serial": row.serial, "number": row.line.order.number},
        )


def write_serials(line: OrderLine, serials: list[str]) -> None:
    """Make the line's sold serial numbers exactly ``serials`` (returned ones stay)."""
    order_date = line.order.order_date
    current = {s.serial: s for s in line.serials.filter(status=SerialStatus.SOLD)}
    for serial, row in current.items():
        if serial not in serials:
            row.delete()
    until = warranty_until(line.product, order_date)
    SerialNumber.objects.bulk_create(
        SerialNumber(line=line, product=line.product, serial=s, warranty_until=until)
        for s in serials
        if s not in current
    )


@transaction.atomic
def set_line_serials(*, actor: User, line: OrderLine, serials: Any) -> OrderLine:
    """Record which units of a serialised product a line sold (at most one per unit;
    on a draft or confirmed order). Units already returned stay as they are."""
    order = line.order
    require(actor, order, "change")
    locked(order)
    errors = Errors()
    if order.status == OrderStatus.CANCELLED:
        errors.add("status", _("This order is cancelled."))
    if not line.product.is_serialised:
        errors.add("serials", _("This product has no serial numbers."))
    returned = set(
        line.serials.filter(status=SerialStatus.RETURNED).values_list("serial", flat=True)
    )
    # Units already returned stay as they are (a list of every unit may name them).
    wanted = [s for s in clean_serials(errors, "serials", serials) if s not in returned]
    if len(wanted) + len(returned) > line.quantity:
        errors.add(
            "serials",
            _("This line sold %(quantity)s units: give at most that many serial numbers.")
            % {"quantity": int(line.quantity)},
        )
    errors.raise_if_any()
    check_serials_free(errors, "serials", line.product, wanted, line)
    errors.raise_if_any()
    before = sorted(line.serials.filter(status=SerialStatus.SOLD).values_list("serial", flat=True))
    write_serials(line, wanted)
    after = sorted(wanted)
    if before != after:
        record_audit(
            actor=actor,
            event=AuditEvent.CHANGE,
            obj=order,
            changes={f"serials.{line.position}": [", ".join(before), ", ".join(after)]},
        )
        index_record(order)
    return line
