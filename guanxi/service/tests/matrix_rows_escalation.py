"""Permission-matrix rows of escalation rules (pages and API): set up by administrators
and service managers, read (API, preview included) by everyone."""

from __future__ import annotations

import itertools
from typing import Any

from guanxi.service.models import Escalation, EscalationRule
from guanxi.testing.escalation import make_escalation_rule
from guanxi.testing.matrix import EVERYONE, Case

SETUP = frozenset({"administrator", "service_manager"})
_names = itertools.count(1)


def _rule(actor: Any) -> dict[str, Any]:
    return {"pk": make_escalation_rule(keywords=f"matrix{next(_names)}").pk}


def _rule_up(actor: Any) -> dict[str, Any]:
    make_escalation_rule(keywords="first")
    return {"pk": make_escalation_rule(keywords="second").pk, "direction": "up"}


def _form(**overrides: Any) -> dict[str, Any]:
    data = {"name": "Matrix rule", "priorities": ["urgent"], "reason": "Urgent", "is_active": "on"}
    data.update(overrides)
    return data


def _edited_rule(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    return _rule(actor), _form(name="Renamed", open_hours="8")


PAGES: dict[str, Case] = {
    "service:escalation_rule_list": Case("GET", SETUP),
    "service:escalation_rule_create": Case("POST", SETUP, data=_form()),
    "service:escalation_rule_edit": Case("POST", SETUP, setup=_edited_rule),
    "service:escalation_rule_move": Case("POST", SETUP, kwargs=_rule_up),
    "service:escalation_rule_toggle": Case("POST", SETUP, kwargs=_rule),
    "service:escalation_rule_delete": Case("POST", SETUP, kwargs=_rule),
}


def _api_rule(actor: Any) -> dict[str, Any]:
    return {"rule_id": make_escalation_rule(keywords=f"api{next(_names)}").pk}


OPERATIONS: dict[tuple[str, str], Case] = {
    ("GET", "/api/v1/escalation-rules"): Case("GET", EVERYONE),
    ("POST", "/api/v1/escalation-rules"): Case(
        "POST", SETUP, data={"name": "API rule", "reason": "Urgent", "priorities": ["urgent"]}
    ),
    ("GET", "/api/v1/escalation-rules/{rule_id}"): Case("GET", EVERYONE, kwargs=_api_rule),
    ("PATCH", "/api/v1/escalation-rules/{rule_id}"): Case(
        "PATCH", SETUP, kwargs=_api_rule, data={"name": "Renamed", "is_active": False}
    ),
    ("DELETE", "/api/v1/escalation-rules/{rule_id}"): Case("DELETE", SETUP, kwargs=_api_rule),
    ("POST", "/api/v1/escalation-rules/{rule_id}/move"): Case(
        "POST", SETUP, kwargs=_api_rule, data={"direction": "up"}
    ),
    ("GET", "/api/v1/escalation-rules/{rule_id}/preview"): Case("GET", EVERYONE, kwargs=_api_rule),
}


def state() -> tuple[Any, ...]:
    """What a refused call must leave untouched."""
    return (
        sorted(
            EscalationRule.objects.values_list(
                "pk", "name", "position", "is_active", "keywords", "open_hours"
            )
        ),
        Escalation.objects.count(),
    )
