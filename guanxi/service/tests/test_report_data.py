"""Hand-built tickets and survey answers for the service-report tests: every timestamp
is set directly, so each figure has a known answer."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from guanxi.service.models import Survey, Ticket
from guanxi.testing.service import make_ticket

SH = ZoneInfo("Asia/Shanghai")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)


def ticket(created: datetime, **fields: Any) -> Ticket:
    """A ticket created at ``created`` with the given fields written as they are
    (``responded_after`` / ``solved_after``: hours after its creation)."""
    made = make_ticket()
    responded = fields.pop("responded_after", None)
    solved = fields.pop("solved_after", None)
    if responded is not None:
        fields["first_responded_at"] = created + timedelta(hours=responded)
    if solved is not None:
        fields["solved_at"] = created + timedelta(hours=solved)
        fields.setdefault("status", "solved")
    fields.setdefault("team", None)
    fields.setdefault("owner", None)
    Ticket.objects.filter(pk=made.pk).update(created_at=created, **fields)
    made.refresh_from_db()
    return made


def answer(kind: str, score: int, answered: datetime, ticket: Ticket | None = None) -> Survey:
    return Survey.objects.create(
        kind=kind,
        ticket=ticket,
        token=secrets.token_urlsafe(24),
        sent_at=answered - timedelta(hours=1),
        answered_at=answered,
        score=score,
    )
