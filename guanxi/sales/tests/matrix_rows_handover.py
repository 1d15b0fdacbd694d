"""The handover page and operation in the permission matrix."""

from __future__ import annotations

from typing import Any

from guanxi.core.models import AuditEntry
from guanxi.testing.matrix import Case
from guanxi.testing.users import make_team, make_user

# Administrators hand over anyone's records; sales managers between their teams'
# members (assign at team scope).
HANDERS = frozenset({"administrator", "sales_manager"})


def team_case(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    leaver = make_user(role="sales_rep")
    receiver = make_user(role="sales_rep")
    make_team(members=[m for m in (actor, leaver, receiver) if m is not None])
    return {"pk": leaver.pk}, {"receivers": [receiver.pk], "reason": "left"}


def team_case_api(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    kwargs, data = team_case(actor)
    return {"user_id": kwargs["pk"]}, {"receiver_ids": data["receivers"], "reason": "left"}


PAGES: dict[str, Case] = {"sales:handover": Case("POST", HANDERS, setup=team_case)}
OPERATIONS: dict[tuple[str, str], Case] = {
    ("POST", "/api/v1/users/{user_id}/handover"): Case("POST", HANDERS, setup=team_case_api)
}


def state() -> tuple[Any, ...]:
    return (AuditEntry.objects.filter(changes__has_key="handover").count(),)
