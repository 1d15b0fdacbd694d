"""Ticket conversations on the customer timelines: each message the customer sent and
each public reply (internal notes stay on the ticket), for tickets the reader may see."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Model
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from guanxi.core.access import restrict
from guanxi.customers.models import Account, Contact
from guanxi.customers.timeline import Cursor, TimelineEntry, TimelineSource, before
from guanxi.service.choices import MessageKind
from guanxi.service.models import Ticket, TicketMessage

SOURCE = "ticket"
KINDS = [
    ("ticket_customer", _lazy("Customer wrote to service")),
    ("ticket_reply", _lazy("Service replied")),
]
KIND_OF = {MessageKind.CUSTOMER: "ticket_customer", MessageKind.REPLY: "ticket_reply"}


def ticket_entries(
    user: Any, subject: Model, cursor: Cursor | None, limit: int, kinds: set[str] | None
) -> Sequence[TimelineEntry]:
    if isinstance(subject, Account):
        tickets = Ticket.objects.filter(account=subject)
    elif isinstance(subject, Contact):
        tickets = Ticket.objects.filter(contact=subject)
    else:
        return []
    visible = restrict(tickets, user, "view").values("pk")
    wanted = [kind for kind, name in KIND_OF.items() if kinds is None or name in kinds]
    rows = (
        TicketMessage.objects.filter(ticket__in=visible, kind__in=wanted)
        .filter(before(cursor, SOURCE, "created_at"))
        .select_related("ticket", "author")
        .order_by("-created_at", "-pk")[:limit]
    )
    entries = []
    for row in rows:
        kind = KIND_OF[MessageKind(row.kind)]
        ticket = row.ticket
        entries.append(
            TimelineEntry(
                at=row.created_at,
                source=SOURCE,
                id=row.pk,
                kind=kind,
                kind_label=str(dict(KINDS)[kind]),
                title=_("Ticket %(number)s: %(subject)s")
                % {"number": ticket.number, "subject": ticket.subject},
                body=Truncator(row.body).chars(400),
                actor=row.author_name or (str(row.author) if row.author else ""),
                url=ticket.get_absolute_url(),
                details={"ticket_id": ticket.pk, "status": ticket.status},
            )
        )
    return entries


def register() -> None:
    from guanxi.customers.timeline import register_source

    register_source(TimelineSource(key=SOURCE, kinds=KINDS, fetch=ticket_entries))
