"""A solved ticket asks its requester for a CSAT answer (connected in apps.py)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError

from guanxi.service.choices import TicketStatus
from guanxi.service.models import Ticket
from guanxi.service.services.surveys import send_csat


def ticket_solved(
    sender: Any, *, ticket: Ticket, old_status: str, new_status: str, actor: Any, **kwargs: Any
) -> None:
    """Solved, or closed straight from an unsolved status: one CSAT survey (the
    service decides whether one is due)."""
    solved = new_status == TicketStatus.SOLVED or (
        new_status == TicketStatus.CLOSED and old_status != TicketStatus.SOLVED
    )
    if not solved:
        return
    try:
        send_csat(actor=actor, ticket=ticket)  # atomic: a savepoint inside the change
    except IntegrityError:
        # A concurrent solve created the ticket's one unanswered survey first: the
        # ticket's change must still go through.
        return


def connect() -> None:
    from guanxi.service.signals import ticket_status_changed

    ticket_status_changed.connect(ticket_solved, sender=Ticket, dispatch_uid="surveys.csat")
