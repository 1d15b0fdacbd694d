"""Service contracts (story 18): what a customer bought beyond the warranty.

A contract belongs to an account, or to a consumer contact; it covers the serial
numbers listed, and the units of the products listed, or — when neither is listed —
every unit the customer bought, from its start to its end date inclusive.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.access import is_permitted, require
from guanxi.core.choices import AuditEvent
from guanxi.core.models import User
from guanxi.core.services.audit import delete_audited, diff, record_audit, snapshot
from guanxi.core.services.search import index_record, unindex_record
from guanxi.customers.models import Account, Contact
from guanxi.customers.services.common import Errors, clean_text
from guanxi.sales.models import Product, SerialNumber
from guanxi.sales.services.orders import save_numbered
from guanxi.service.models import ServiceContract, Ticket
from guanxi.service.object_types import CONTRACT

FIELDS = (
    "number",
    "name",
    "account_id",
    "contact_id",
    "starts_on",
    "ends_on",
    "response_hours",
    "notes",
    "products",
    "serials",
)
PLAIN_FIELDS = [name for name in FIELDS if name not in ("products", "serials")]
EDITABLE = {
    "name",
    "account",
    "contact",
    "starts_on",
    "ends_on",
    "products",
    "serials",
    "response_hours",
    "notes",
}
MAX_RESPONSE_HOURS = 24 * 365


def _snapshot(contract: ServiceContract) -> dict[str, Any]:
    values = snapshot(contract, PLAIN_FIELDS)
    if contract.pk:
        values["products"] = sorted(contract.products.values_list("pk", flat=True))
        values["serials"] = sorted(contract.serials.values_list("pk", flat=True))
    return values


def _date(errors: Errors, name: str, value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if value:
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            pass
    errors.add(name, _("Enter a valid date."))
    return None


def _customer_units(account: Account | None, contact: Contact | None) -> QuerySet[SerialNumber]:
    """Units sold on the customer's orders (the account's, or the contact's)."""
    if account is not None:
        return SerialNumber.objects.filter(line__order__account=account)
    if contact is not None:
        return SerialNumber.objects.filter(line__order__contact=contact)
    return SerialNumber.objects.none()


def _clean(
    errors: Errors, actor: User, contract: ServiceContract, values: dict[str, Any]
) -> dict[str, list[Any]]:
    """Set the plain fields; return the products and serials to set (after saving)."""
    if "name" in values:
        contract.name = clean_text(errors, "name", values["name"], max_length=100, required=True)
    if "notes" in values:
        contract.notes = clean_text(errors, "notes", values["notes"], max_length=5000)
    for name, model in (("account", Account), ("contact", Contact)):
        if name not in values:
            continue
        record = values[name]
        if record is not None and (
            not isinstance(record, model)
            or record.is_trashed
            or not is_permitted(actor, record, "view")
        ):
            errors.add(name, _("No such record."))
        else:
            setattr(contract, name, record)
    if contract.account is None and contract.contact is None and "account" not in errors:
        errors.add("account", _("Choose the account (or the contact) the contract is with."))
    for name in ("starts_on", "ends_on"):
        if name in values:
            setattr(contract, name, _date(errors, name, values[name]))
    if contract.starts_on and contract.ends_on and contract.ends_on < contract.starts_on:
        errors.add("ends_on", _("The contract cannot end before it starts."))
    if "response_hours" in values:
        hours = values["response_hours"]
        if hours in (None, ""):
            contract.response_hours = None
        else:
            try:
                contract.response_hours = int(hours)
            except (TypeError, ValueError):
                errors.add("response_hours", _("Enter a whole number of hours."))
            else:
                if not 1 <= contract.response_hours <= MAX_RESPONSE_HOURS:
                    errors.add("response_hours", _("Enter a number of hours from 1 to 8760."))
    lists: dict[str, list[Any]] = {}
    if "products" in values:
        products = list(values["products"] or [])
        if any(not isinstance(p, Product) for p in products):
            errors.add("products", _("No such product."))
        lists["products"] = products
    if "serials" in values or "account" in values or "contact" in values:
        serials = (
            list(values["serials"] or [])
            if "serials" in values
            else list(contract.serials.all())
            if contract.pk
            else []
        )
        units = _customer_units(contract.account, contract.contact)
        foreign = [
            s
            for s in serials
            if not isinstance(s, SerialNumber) or not units.filter(pk=s.pk).exists()
        ]
        if foreign:
            errors.add(
                "serials",
                _("These units were not sold to this customer: %(serials)s")
                % {"serials": ", ".join(str(s) for s in foreign)},
            )
        lists["serials"] = serials
    return lists


def _save(
    actor: User, contract: ServiceContract, lists: dict[str, list[Any]], before: Any
) -> ServiceContract:
    if contract.pk is None:
        save_numbered(contract, "SC", timezone.localdate().year)
    else:
        contract.save()
    for name, records in lists.items():
        getattr(contract, name).set(records)
    # After what it covers is set: the document lists the units and their products.
    prefetch_related_objects([contract], "products", "serials__product")
    index_record(contract)
    changes = diff(before or {}, _snapshot(contract))
    if before is None:
        record_audit(actor=actor, event=AuditEvent.CREATE, obj=contract, changes=changes)
    elif changes:
        record_audit(actor=actor, event=AuditEvent.CHANGE, obj=contract, changes=changes)
    return contract


@transaction.atomic
def create_contract(
    *,
    actor: User,
    name: str,
    starts_on: Any,
    ends_on: Any,
    account: Account | None = None,
    contact: Contact | None = None,
    products: Iterable[Product] = (),
    serials: Iterable[SerialNumber] = (),
    response_hours: int | None = None,
    notes: str = "",
) -> ServiceContract:
    """A new contract, numbered SC-<year>-NNNN."""
    require(actor, CONTRACT, "add")
    contract = ServiceContract(created_by=actor)
    errors = Errors()
    lists = _clean(
        errors,
        actor,
        contract,
        {
            "name": name,
            "account": account,
            "contact": contact,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "products": list(products),
            "serials": list(serials),
            "response_hours": response_hours,
            "notes": notes,
        },
    )
    errors.raise_if_any()
    return _save(actor, contract, lists, None)


@transaction.atomic
def update_contract(*, actor: User, contract: ServiceContract, **changes: Any) -> ServiceContract:
    """Change a contract's level, dates, customer or what it covers."""
    require(actor, CONTRACT, "change")
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ValidationError({key: _("This field cannot be changed here.") for key in unknown})
    before = _snapshot(contract)
    errors = Errors()
    lists = _clean(errors, actor, contract, changes)
    errors.raise_if_any()
    return _save(actor, contract, lists, before)


@transaction.atomic
def delete_contract(*, actor: User, contract: ServiceContract) -> None:
    """Delete a contract entered by mistake (an ended one is simply past its end date)."""
    require(actor, CONTRACT, "delete")
    unindex_record(contract)
    delete_audited(actor=actor, obj=contract, fields=PLAIN_FIELDS)


# --- what a contract covers --------------------------------------------------------------------


def _annotated(contracts: QuerySet[ServiceContract]) -> QuerySet[ServiceContract]:
    return contracts.annotate(
        product_count=Count("products", distinct=True), serial_count=Count("serials", distinct=True)
    )


def _covers_everything(contract: ServiceContract) -> bool:
    """Neither products nor serials listed (counts annotated by ``_annotated``)."""
    return getattr(contract, "product_count", 0) == 0 and getattr(contract, "serial_count", 0) == 0


def contracts_covering(unit: SerialNumber, on: date | None = None) -> list[ServiceContract]:
    """The contracts in force on ``on`` (today) that cover this unit: of the account or
    contact it was sold to, listing it, or its product, or nothing (every unit)."""
    day = on or timezone.localdate()
    order = unit.line.order
    customer = Q(account_id=order.account_id)
    if order.contact_id:
        customer |= Q(account__isnull=True, contact_id=order.contact_id)
    contracts = _annotated(
        ServiceContract.objects.filter(customer, starts_on__lte=day, ends_on__gte=day)
    )
    return [
        contract
        for contract in contracts.order_by("-ends_on", "pk")
        if _covers_everything(contract)
        or contract.serials.filter(pk=unit.pk).exists()
        or contract.products.filter(pk=unit.product_id).exists()
    ]


def contracts_for_ticket(ticket: Ticket, on: date | None = None) -> list[ServiceContract]:
    """The contracts in force covering the ticket's unit; without a unit, the customer's
    contracts covering every unit or the ticket's product."""
    if ticket.serial is not None:
        return contracts_covering(ticket.serial, on)
    day = on or timezone.localdate()
    if ticket.account_id:
        customer = Q(account_id=ticket.account_id)
    elif ticket.contact_id:
        customer = Q(contact_id=ticket.contact_id)
    else:
        return []
    contracts = _annotated(
        ServiceContract.objects.filter(customer, starts_on__lte=day, ends_on__gte=day)
    )
    return [
        contract
        for contract in contracts.order_by("-ends_on", "pk")
        if _covers_everything(contract)
        or (ticket.product_id and contract.products.filter(pk=ticket.product_id).exists())
    ]


def contracts_of(customer: Account | Contact) -> QuerySet[ServiceContract]:
    """The customer's contracts, the latest ending first."""
    field = "account" if isinstance(customer, Account) else "contact"
    return ServiceContract.objects.filter(**{field: customer}).order_by("-ends_on", "-pk")
