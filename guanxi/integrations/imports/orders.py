"""Importing orders from a file with one row per order line: rows are grouped into
orders by the order number, and each order is made (or updated, or skipped) whole by the
ERP sync's ``upsert_order`` under (channel, order number), so importing a file twice, or
resuming an import, never doubles an order."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from guanxi.core.models import User
from guanxi.customers.models import Account, Contact
from guanxi.customers.selectors import account_choices, contacts_visible_to
from guanxi.integrations.imports.fields import RowError, parse_date
from guanxi.integrations.imports.fields_orders import (
    ORDER_LEVEL,
    amount_text,
    currency_code,
    discount_text,
    status_code,
)
from guanxi.integrations.imports.models import ImportJob, ImportRecord, OnDuplicate
from guanxi.integrations.imports.rows import IMPORT_SOURCE
from guanxi.integrations.imports.rows_more import _one
from guanxi.integrations.sync import record_by_ref
from guanxi.lib.phones import normalize_phone
from guanxi.sales.models import Order
from guanxi.sales.services.exchange_rates import base_currency
from guanxi.sales.services.order_sync import SyncLine, upsert_order

Row = tuple[int, dict[str, str]]  # (line in the file, cells keyed by import field)
CUSTOMER_FIELDS = ("account_external_id", "account_name", "contact_email", "contact_phone")
# The service's error keys that are not the import field's key.
LINE_ERROR_FIELDS = {"external_id": "line_external_id"}
ORDER_ERROR_FIELDS = {"external_id": "order_ref", "lines": "order_ref"}


@dataclass
class UnitResult:
    """What importing one row, or one order's rows, came to."""

    outcome: str  # created, updated, skipped, error
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (row, field, message)
    warnings: list[tuple[int, str, str]] = field(default_factory=list)  # imported anyway


def group_rows(rows: list[Row]) -> list[list[Row]]:
    """The rows of each order, in the order the orders first appear in the file (an
    order's lines need not be next to each other); a row without an order number is an
    order of its own, which fails."""
    groups: dict[str, list[Row]] = {}
    alone: list[list[Row]] = []
    for row in rows:
        ref = row[1].get("order_ref", "").strip()
        if ref:
            groups.setdefault(ref, []).append(row)
        else:
            groups[f"\x00{len(alone)}"] = group = [row]
            alone.append(group)
    return list(groups.values())


def _order_level(
    rows: list[Row], problems: list[tuple[int, RowError]], where: dict[str, int]
) -> dict[str, str]:
    """Each order-level value from the first row that gives it (``where`` records that
    row); a later row giving another value is an error on that later row."""
    header: dict[str, str] = {}
    for line, cells in rows:
        for key in ORDER_LEVEL:
            value = " ".join(cells.get(key, "").split())
            if not value:
                continue
            if key not in header:
                header[key], where[key] = value, line
            elif value.lower() != header[key].lower():
                message = _("Row %(row)s of the same order says “%(value)s”.") % {
                    "row": where[key],
                    "value": header[key],
                }
                problems.append((line, RowError(key, message)))
    return header


def _account(actor: User, source: str, header: dict[str, str]) -> Account | None:
    if header.get("account_external_id"):
        ext = header["account_external_id"]
        for system in dict.fromkeys((source, IMPORT_SOURCE)):
            found = record_by_ref(Account, system, ext)
            if found is not None and account_choices(actor).filter(pk=found.pk).exists():
                return found
        raise RowError("account_external_id", _("No account you can see has this ID."))
    if header.get("account_name"):
        visible = account_choices(actor).filter(name__iexact=header["account_name"])
        return _one(visible, "account_name")  # type: ignore[no-any-return]
    return None


def _contact(actor: User, header: dict[str, str]) -> Contact | None:
    if header.get("contact_email"):
        email = header["contact_email"]
        visible = contacts_visible_to(actor).filter(emails__value__iexact=email)
        return _one(visible, "contact_email")  # type: ignore[no-any-return]
    if header.get("contact_phone"):
        try:
            phone = normalize_phone(header["contact_phone"])
        except ValueError as error:
            raise RowError("contact_phone", _("This is not a phone number.")) from error
        visible = contacts_visible_to(actor).filter(phones__value=phone)
        return _one(visible, "contact_phone")  # type: ignore[no-any-return]
    return None


def _customer(
    actor: User, source: str, header: dict[str, str], problems: list[RowError]
) -> tuple[Account | None, Contact | None]:
    """The account (by its ID in the old system or its name) and the contact (by email
    or phone); without an account, the contact's primary account."""
    account = contact = None
    try:
        account = _account(actor, source, header)
    except RowError as error:
        problems.append(error)
    try:
        contact = _contact(actor, header)
    except RowError as error:
        problems.append(error)
    if account is None and contact is not None and not problems:
        link = contact.account_links.order_by("-is_primary", "pk").first()
        account = link.account if link is not None else None
        if account is None:
            problems.append(RowError(_customer_field(header), _("This contact has no account.")))
    if not any(header.get(key) for key in CUSTOMER_FIELDS):
        problems.append(
            RowError(
                "account_name",
                _("Name the customer: account ID or name, or contact email or phone."),
            )
        )
    return account, contact


def _customer_field(header: dict[str, str]) -> str:
    return next((key for key in CUSTOMER_FIELDS if header.get(key)), "account_name")


def _lines(rows: list[Row], problems: list[tuple[int, RowError]]) -> list[SyncLine]:
    lines = []
    for line, cells in rows:
        price = cells.get("unit_price", "").strip()
        if not price:
            problems.append((line, RowError("unit_price", _("Give the unit price."))))
        if not cells.get("quantity", "").strip():
            problems.append((line, RowError("quantity", _("Give the quantity."))))
        lines.append(
            SyncLine(
                sku=cells.get("sku", "").strip(),
                quantity=amount_text(cells.get("quantity", "")),
                unit_price=amount_text(price) or "0",
                discount_percent=discount_text(cells.get("discount_percent", "")),
                description=cells.get("description", "").strip(),
                external_id=cells.get("line_external_id", "").strip(),
                serials=cells.get("serials", ""),  # type: ignore[arg-type]  # text is split
            )
        )
    return lines


def _place(
    key: str, rows: list[Row], where: dict[str, int], header: dict[str, str]
) -> tuple[int, str]:
    """(row, import field) of a service error key such as ``lines.2.quantity``."""
    head, _sep, rest = key.partition(".")
    if head == "lines" and rest:
        index, _sep, sub = rest.partition(".")
        if index.isdigit() and int(index) < len(rows):
            return rows[int(index)][0], LINE_ERROR_FIELDS.get(sub, sub)
    if head == "account":
        name = _customer_field(header)
    elif head == "contact":
        name = "contact_email" if header.get("contact_email") else "contact_phone"
    else:
        name = ORDER_ERROR_FIELDS.get(head, head)
    return where.get(name, rows[0][0]), name


def _service_errors(
    error: ValidationError, rows: list[Row], where: dict[str, int], header: dict[str, str]
) -> list[tuple[int, str, str]]:
    messages = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    found = []
    for key, texts in messages.items():
        line, name = _place(key, rows, where, header)
        found.append((line, name, " ".join(str(m) for m in texts)))
    return found


def import_order(actor: User, job: ImportJob, rows: list[Row]) -> UnitResult:
    """Make (or update, or skip) the order of these rows through ``upsert_order``;
    conversion problems and the service's errors come back by row and import field.
    The caller owns the transaction and rolls it back on an error."""
    first = rows[0][0]
    problems: list[tuple[int, RowError]] = []
    where: dict[str, int] = {}
    header = _order_level(rows, problems, where)
    ref = header.get("order_ref", "")
    if not ref:
        problems.append((first, RowError("order_ref", _("Give the order number."))))
        return _failed(problems, [])
    source = (header.get("source") or job.options.get("source") or IMPORT_SOURCE).lower()
    existing = Order.objects.filter(source=source, external_id=ref).first()
    if existing is not None and job.options.get("on_duplicate") != OnDuplicate.UPDATE:
        return UnitResult("skipped")  # the same order number is the same order
    customer_problems: list[RowError] = []
    account, contact = _customer(actor, source, header, customer_problems)
    problems.extend((where.get(p.field, first), p) for p in customer_problems)
    day = None
    if header.get("order_date"):
        try:
            day = parse_date(header["order_date"])
        except ValueError:
            error = RowError("order_date", _("This is not a date (use 2024-03-05)."))
            problems.append((where["order_date"], error))
    lines = _lines(rows, problems)
    found: list[tuple[int, str, str]] = []
    try:
        order, created = upsert_order(
            actor=actor,
            source=source,
            external_id=ref,
            account=account,
            contact=contact,
            order_date=day,
            currency=currency_code(header.get("currency", "")) or base_currency(),
            status=status_code(header.get("status", "")),
            notes=header.get("notes", ""),
            lines=lines,
        )
    except ValidationError as error:
        found = _service_errors(error, rows, where, header)
    except PermissionDenied:
        found = [(first, "order_ref", _("You may not change this order."))]
    if problems or found:
        return _failed(problems, found)
    if not created:
        return UnitResult("updated")
    ImportRecord.objects.create(
        job=job,
        row=first,
        content_type=ContentType.objects.get_for_model(Order),
        object_id=order.pk,
    )
    return UnitResult("created")


def _failed(problems: list[tuple[int, RowError]], found: list[tuple[int, str, str]]) -> UnitResult:
    """The conversion problems first, then what the service said about other cells."""
    errors = [(line, p.field, p.message) for line, p in problems]
    seen = {(line, name) for line, name, _message in errors}
    return UnitResult("error", errors + [e for e in found if (e[0], e[1]) not in seen])
