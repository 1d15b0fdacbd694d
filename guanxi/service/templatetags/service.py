"""Template tags of the service pages and of service cards on other modules' pages:
``{% open_tickets_warning account %}`` (or a contact, or a deal: its account) warns
whoever may read tickets that the customer has unresolved ones (story 10: sales sees
service); ``{% ticket_due ticket %}`` renders the clock that matters now."""

from __future__ import annotations

from typing import Any

from django import template

from guanxi.core.access import can
from guanxi.customers.models import Account, Contact
from guanxi.service.object_types import TICKET
from guanxi.service.selectors import open_tickets_of
from guanxi.service.views.tickets import due_state

register = template.Library()
TICKETS_SHOWN = 5


def _customer_of(record: Any) -> Account | Contact | None:
    """An account or contact as is; anything else (a deal) by its account."""
    if isinstance(record, Account | Contact):
        return record
    account = getattr(record, "account", None)
    return account if isinstance(account, Account) else None


@register.inclusion_tag("service/_open_tickets_warning.html", takes_context=True)
def open_tickets_warning(context: template.Context, record: Any) -> dict[str, Any]:
    """``N unresolved tickets`` with links, when the reader may see tickets and there
    are any."""
    request = context["request"]
    customer = _customer_of(record)
    if customer is None or not can(request.user, TICKET, "view"):
        return {"show": False}
    tickets = open_tickets_of(request.user, customer)
    count = tickets.count()
    field = "account" if isinstance(customer, Account) else "contact"
    return {
        "show": count > 0,
        "count": count,
        "tickets": list(tickets[:TICKETS_SHOWN]) if count else [],
        "more": count > TICKETS_SHOWN,
        "list_query": f"tab=all&{field}={customer.pk}",
    }


@register.inclusion_tag("service/_ticket_due.html")
def ticket_due(ticket: Any) -> dict[str, Any]:
    return {"ticket": ticket, "state": due_state(ticket)}
