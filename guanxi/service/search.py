"""What the global search box knows of a ticket: number, subject, requester, customer,
product and serial number."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from guanxi.core.search import Document, Searchable, register_searchable
from guanxi.lib.names import pinyin_of
from guanxi.service.models import Ticket
from guanxi.service.object_types import TICKET


def ticket_document(ticket: Ticket) -> Document:
    account = ticket.account.name if ticket.account_id and ticket.account else ""
    return Document(
        title=f"{ticket.number} {ticket.subject}",
        subtitle=" · ".join(p for p in (account, ticket.requester_name) if p),
        terms=[
            ticket.number,
            ticket.subject,
            pinyin_of(ticket.subject),
            ticket.requester_name,
            ticket.requester_email,
            account,
            pinyin_of(account),
            ticket.product.sku if ticket.product_id and ticket.product else "",
            ticket.serial.serial if ticket.serial_id and ticket.serial else "",
        ],
    )


def register() -> None:
    register_searchable(
        Searchable(
            key=TICKET,
            label=_("Tickets"),
            document=ticket_document,
            url=lambda pk: reverse("service:ticket_detail", args=[pk]),
        )
    )
