"""The account list's "unresolved tickets" mark (story 10: a rep's "my accounts" list
shows which customers have an open problem), registered with
``guanxi.customers.list_marks``."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import ngettext

from guanxi.core.access import can, restrict
from guanxi.customers.list_marks import Mark, register_account_marks
from guanxi.service.choices import UNRESOLVED
from guanxi.service.models import Ticket
from guanxi.service.object_types import TICKET


def open_ticket_marks(user: Any, account_ids: list[int]) -> dict[int, Mark]:
    """One query: the unresolved tickets the user may see, counted per account."""
    if not can(user, TICKET, "view"):
        return {}
    counts = (
        restrict(
            Ticket.objects.filter(account_id__in=account_ids, status__in=UNRESOLVED), user, "view"
        )
        .order_by()
        .values("account_id")
        .annotate(n=Count("pk"))
        .values_list("account_id", "n")
    )
    tickets = reverse("service:ticket_list")
    return {
        account_id: Mark(
            text=ngettext("%(n)s unresolved ticket", "%(n)s unresolved tickets", n) % {"n": n},
            url=f"{tickets}?tab=all&account={account_id}",
        )
        for account_id, n in counts
    }


def register() -> None:
    register_account_marks("service.open_tickets", open_ticket_marks)
