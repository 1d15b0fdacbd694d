"""Small factory for escalation rules, through the service."""

from __future__ import annotations

import itertools
from typing import Any

from guanxi.service.models import EscalationRule
from guanxi.service.services.escalation_rules import create_rule
from guanxi.testing.users import make_user

_counter = itertools.count(1)


def make_escalation_rule(**overrides: Any) -> EscalationRule:
    """A rule made by a fresh administrator: urgent tickets by default, to the team's
    supervisor, with a reason."""
    fields: dict[str, Any] = {
        "name": f"Escalation rule {next(_counter)}",
        "reason": "Urgent ticket waiting",
        "priorities": ["urgent"],
    }
    fields.update(overrides)
    actor = fields.pop("actor", None) or make_user(role="administrator")
    return create_rule(actor=actor, **fields)
