"""Opening a ticket for a unit found by the warranty lookup (story 18): the unit, its
product and its customer are filled in, so the agent only writes what is wrong."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from guanxi.core.access import can
from guanxi.core.models import User
from guanxi.sales.models import SerialNumber
from guanxi.service.models import Ticket
from guanxi.service.object_types import TICKET
from guanxi.service.services.tickets import open_ticket


@transaction.atomic
def open_ticket_for_unit(
    *,
    actor: User,
    unit: SerialNumber,
    subject: str,
    body: str,
    channel: str,
    priority: str,
    **extra: Any,
) -> Ticket:
    """A ticket on the unit, for the customer it was sold to (the order's account and
    contact), routed like any other ticket."""
    if not can(actor, TICKET, "add"):
        raise PermissionDenied
    order = unit.line.order
    return open_ticket(
        actor=actor,
        subject=subject,
        body=body,
        channel=channel,
        priority=priority,
        account=order.account,
        contact=order.contact,
        product=unit.product,
        serial=unit,
        **extra,
    )
