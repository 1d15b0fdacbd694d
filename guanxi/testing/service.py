"""Small factories for tickets and service levels, through the services."""

from __future__ import annotations

import itertools
from typing import Any

from guanxi.service.models import Category, SlaPolicy, Ticket
from guanxi.service.services.calendars import default_calendar
from guanxi.service.services.tickets import open_ticket

_counter = itertools.count(1)


def make_category(**overrides: Any) -> Category:
    fields: dict[str, Any] = {"name": f"Category {next(_counter)}"}
    fields.update(overrides)
    return Category.objects.create(**fields)


def make_policy(**overrides: Any) -> SlaPolicy:
    """A policy for normal priority and every tier: first response in 4 business hours,
    resolution in 2 business days (16 hours), on the default (Chinese) calendar."""
    fields: dict[str, Any] = {
        "name": f"Policy {next(_counter)}",
        "priority": "normal",
        "first_response_minutes": 240,
        "resolution_minutes": 960,
        "calendar": default_calendar(),
    }
    fields.update(overrides)
    return SlaPolicy.objects.create(**fields)


def make_ticket(**overrides: Any) -> Ticket:
    """A ticket by e-mail from a customer (no acting user) unless ``actor`` is given."""
    fields: dict[str, Any] = {
        "actor": None,
        "subject": f"Printer problem {next(_counter)}",
        "body": "The printer does not print.",
        "channel": "email",
        "requester_email": "customer@example.com",
    }
    fields.update(overrides)
    return open_ticket(**fields)
