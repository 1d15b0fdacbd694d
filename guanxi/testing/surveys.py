"""Small factories for satisfaction surveys."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from guanxi.service.models import Survey
from guanxi.service.services.surveys import new_token


def make_survey(**overrides: Any) -> Survey:
    """A CSAT survey sent now (to the ticket's requester when a ticket is given),
    unanswered unless ``score`` is given (then answered now)."""
    ticket = overrides.get("ticket")
    fields: dict[str, Any] = {
        "kind": "csat",
        "email": ticket.requester_email if ticket is not None else "customer@example.com",
        "language": "en",
        "token": new_token(),
        "sent_at": timezone.now(),
        "delivery": "sent",
    }
    if ticket is not None:
        fields.update(contact=ticket.contact, account=ticket.account)
    fields.update(overrides)
    if fields.get("score") is not None:
        fields.setdefault("answered_at", fields["sent_at"])
    return Survey.objects.create(**fields)
