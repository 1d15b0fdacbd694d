"""Warranty lookup in one step (story 18): a serial number, a phone number in any
format, or an e-mail address gives every unit found, with its warranty, the contracts
covering it and its open tickets.

A phone number must be a whole number (read in China unless it has a country code):
the last digits alone find nothing, so a caller cannot fish for someone else's units.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.access import can
from guanxi.customers.models import AccountContact, ContactEmail, ContactPhone
from guanxi.customers.selectors import contacts_visible_to
from guanxi.lib.phones import normalize_phone, phone_digits
from guanxi.sales.choices_orders import OrderStatus, SerialStatus
from guanxi.sales.models import SerialNumber
from guanxi.sales.selectors_orders import serials_visible_to
from guanxi.service.choices import UNRESOLVED
from guanxi.service.models import ServiceContract, Ticket
from guanxi.service.object_types import CONTRACT, TICKET
from guanxi.service.selectors import tickets_visible_to
from guanxi.service.services.contracts import contracts_covering

MAX_UNITS = 50
# Fewer digits than this cannot be a whole phone number (a short serial, say).
MIN_PHONE_DIGITS = 7


@dataclass
class Unit:
    """One unit found, as the lookup page and the API show it."""

    serial: SerialNumber
    purchased_on: date
    warranty_until: date | None
    in_warranty: bool
    contracts: list[ServiceContract] = field(default_factory=list)
    open_tickets: list[Ticket] = field(default_factory=list)

    @property
    def order(self) -> Any:
        return self.serial.line.order

    @property
    def product(self) -> Any:
        return self.serial.product

    @property
    def account(self) -> Any:
        return self.order.account

    @property
    def contact(self) -> Any:
        return self.order.contact

    @property
    def returned(self) -> bool:
        return self.serial.status != SerialStatus.SOLD

    @property
    def warranty_ended_on(self) -> date | None:
        """The first day without warranty, once it is over."""
        if self.warranty_until is None or self.in_warranty or self.returned:
            return None
        return self.warranty_until + timedelta(days=1)


@dataclass
class Lookup:
    """What was searched for, how it was read, and the units found."""

    query: str
    searched: list[str] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    phone: str = ""
    email: str = ""

    @property
    def searched_labels(self) -> list[str]:
        labels = {
            "serial": _("serial number"),
            "phone": _("phone number"),
            "email": _("email address"),
        }
        return [str(labels[code]) for code in self.searched]


def _as_phone(text: str) -> str:
    """``text`` as an E.164 number when it is a whole, valid phone number, else ''."""
    if "@" in text or len(phone_digits(text)) < MIN_PHONE_DIGITS:
        return ""
    try:
        return normalize_phone(text, settings.PHONE_DEFAULT_REGION)
    except ValueError:
        return ""


def _as_email(text: str) -> str:
    if "@" not in text:
        return ""
    try:
        validate_email(text)
    except ValidationError:
        return ""
    return text.lower()


def _units_of_contacts(contact_ids: QuerySet[Any]) -> Q:
    """Orders of these contacts, or of the accounts they work for."""
    accounts = AccountContact.objects.filter(
        contact__in=contact_ids, account__deleted_at__isnull=True
    ).values("account_id")
    return Q(line__order__contact__in=contact_ids) | Q(line__order__account__in=accounts)


def find_units(user: Any, query: str) -> Lookup:
    """The units sold on confirmed orders the user may see whose serial number is the
    query, or whose customer has this phone number or e-mail address."""
    text = (query or "").strip()
    result = Lookup(query=text)
    if not text:
        return result
    wanted = Q(serial__iexact=text)
    result.searched.append("serial")
    result.phone = _as_phone(text)
    result.email = _as_email(text)
    contacts = contacts_visible_to(user)
    if result.phone:
        result.searched.append("phone")
        by_phone = ContactPhone.objects.filter(value=result.phone).values("contact_id")
        wanted |= _units_of_contacts(contacts.filter(pk__in=by_phone).values("pk"))
    if result.email:
        result.searched.append("email")
        by_email = ContactEmail.objects.filter(value__iexact=result.email).values("contact_id")
        wanted |= _units_of_contacts(contacts.filter(pk__in=by_email).values("pk"))
    units = (
        serials_visible_to(user)
        .filter(wanted, line__order__status=OrderStatus.CONFIRMED)
        .select_related("line__order__contact")
        .distinct()
        .order_by("-line__order__order_date", "-pk")[:MAX_UNITS]
    )
    today = timezone.localdate()
    may_see_contracts = can(user, CONTRACT, "view")
    may_see_tickets = can(user, TICKET, "view")
    for unit in units:
        until = unit.warranty_until
        result.units.append(
            Unit(
                serial=unit,
                purchased_on=unit.line.order.order_date,
                warranty_until=until,
                in_warranty=bool(unit.status == SerialStatus.SOLD and until and until >= today),
                contracts=contracts_covering(unit, today) if may_see_contracts else [],
                open_tickets=list(
                    tickets_visible_to(user).filter(serial=unit, status__in=UNRESOLVED)
                )
                if may_see_tickets
                else [],
            )
        )
    return result
