"""Reads of tickets narrowed to what the user may see, the customer's view by secret
link, and a customer's unresolved tickets (the warning sales sees, story 10)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from guanxi.core.access import get_for_or_404, restrict
from guanxi.customers.models import Account, Contact
from guanxi.service.choices import UNRESOLVED, MessageKind
from guanxi.service.models import Category, Ticket, TicketMessage


def tickets_visible_to(user: Any, action: str = "view") -> QuerySet[Ticket]:
    return restrict(Ticket.objects.all(), user, action).select_related(
        "account", "contact", "owner", "team", "category", "product", "serial", "sla_policy"
    )


def get_ticket_for(user: Any, pk: Any, action: str = "view") -> Ticket:
    """The ticket with its whole conversation (internal notes included) if the user may
    ``action`` it; 404 otherwise."""
    messages = Prefetch(
        "messages",
        queryset=TicketMessage.objects.select_related("author").order_by("created_at", "pk"),
    )
    return get_for_or_404(
        tickets_visible_to(user, action).prefetch_related(messages), user, pk, action
    )


def ticket_by_token(token: str) -> Ticket:
    """The ticket a customer's secret link points at (its public messages only are for
    them to read); 404 for anything else."""
    if not token or len(token) < 20:
        raise Http404
    public = Prefetch(
        "messages",
        queryset=TicketMessage.objects.exclude(kind=MessageKind.NOTE).order_by("created_at", "pk"),
        to_attr="public_messages",
    )
    ticket = Ticket.objects.filter(public_token=token).prefetch_related(public).first()
    if ticket is None:
        raise Http404
    return ticket


def filter_tickets(
    queryset: QuerySet[Ticket],
    *,
    q: str = "",
    status: str = "",
    priority: str = "",
    category_id: Any = None,
    owner_id: Any = None,
    team_id: Any = None,
    account_id: Any = None,
    contact_id: Any = None,
    unresolved: bool = False,
    breached: bool = False,
) -> QuerySet[Ticket]:
    """Narrow by number, subject, requester or account (``q``) and the given fields;
    ``unresolved`` keeps the tickets still waiting for the service team's work,
    ``breached`` those past a due time."""
    text = q.strip()
    if text:
        queryset = queryset.filter(
            Q(number__icontains=text)
            | Q(subject__icontains=text)
            | Q(requester_email__icontains=text)
            | Q(requester_name__icontains=text)
            | Q(account__name__icontains=text)
        )
    for field, value in (
        ("status", status),
        ("priority", priority),
        ("category_id", category_id),
        ("owner_id", owner_id),
        ("team_id", team_id),
        ("account_id", account_id),
        ("contact_id", contact_id),
    ):
        if value:
            queryset = queryset.filter(**{field: value})
    if unresolved:
        queryset = queryset.filter(status__in=UNRESOLVED)
    if breached:
        queryset = queryset.filter(
            Q(first_response_breached_at__isnull=False) | Q(resolution_breached_at__isnull=False)
        )
    return queryset


def open_tickets_of(user: Any, customer: Account | Contact) -> QuerySet[Ticket]:
    """The customer's unresolved tickets the user may see, oldest first."""
    field = "account" if isinstance(customer, Account) else "contact"
    return (
        restrict(Ticket.objects.filter(**{field: customer}, status__in=UNRESOLVED), user, "view")
        .select_related("owner")
        .order_by("created_at", "pk")
    )


def active_categories() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).order_by("name")
