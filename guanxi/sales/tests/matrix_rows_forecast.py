"""The forecast, performance and target rows of the permission matrix.

Everyone who may see deals sees the forecast, the performance page and the suggested
owners of a deal they see (narrowed to the deals they may see). Targets are read by
administrators, sales managers (their teams), reps (their own) and analysts; set and
removed by administrators and by managers for the teams they manage.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from guanxi.sales.models import Target
from guanxi.sales.services.targets import set_target
from guanxi.testing.deals import make_deal
from guanxi.testing.matrix import EVERYONE, Case
from guanxi.testing.users import make_team, make_user

TARGET_READERS = frozenset({"administrator", "sales_manager", "sales_rep", "analyst"})
TARGET_SETTERS = frozenset({"administrator", "sales_manager"})
PERIOD = {"period_start": "2026-01-01", "period_end": "2026-03-31"}


def _managed_rep(actor: Any) -> Any:
    """A rep in a team the actor manages (when there is an actor)."""
    rep = make_user(role="sales_rep")
    members = [rep] if actor is None else [actor, rep]
    make_team(members=members, managers=[m for m in members if m is actor])
    return rep


def target_form(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    rep = _managed_rep(actor)
    return {}, {"user": rep.pk, **PERIOD, "amount": "1000", "currency": "CNY"}


def target_body(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    rep = _managed_rep(actor)
    return {}, {"user_id": rep.pk, **PERIOD, "amount": "1000", "currency": "CNY"}


def _team_target(actor: Any) -> Target:
    rep = _managed_rep(actor)
    return set_target(
        actor=make_user(role="administrator"),
        user=rep,
        amount=500,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 3, 31),
    )


def target_pk(actor: Any) -> dict[str, Any]:
    return {"pk": _team_target(actor).pk}


def target_id(actor: Any) -> dict[str, Any]:
    return {"target_id": _team_target(actor).pk}


def own_deal_id(actor: Any) -> dict[str, Any]:
    return {"deal_id": make_deal(owner=actor or make_user(role="sales_rep")).pk}


def quarter(actor: Any) -> dict[str, Any]:
    return {"start": "2026-01-01", "end": "2026-03-31"}


PAGES: dict[str, Case] = {
    "sales:forecast": Case("GET", EVERYONE),
    "sales:performance": Case("GET", EVERYONE),
    "sales:target_list": Case("POST", TARGET_SETTERS, setup=target_form),
    "sales:target_delete": Case("POST", TARGET_SETTERS, kwargs=target_pk),
}

OPERATIONS: dict[tuple[str, str], Case] = {
    ("GET", "/api/v1/forecast"): Case("GET", EVERYONE),
    ("GET", "/api/v1/performance"): Case("GET", EVERYONE, query=quarter),
    ("GET", "/api/v1/targets"): Case("GET", TARGET_READERS),
    ("POST", "/api/v1/targets"): Case("POST", TARGET_SETTERS, setup=target_body),
    ("DELETE", "/api/v1/targets/{target_id}"): Case("DELETE", TARGET_SETTERS, kwargs=target_id),
    ("GET", "/api/v1/deals/{deal_id}/suggested-owners"): Case("GET", EVERYONE, kwargs=own_deal_id),
}


def state() -> tuple[Any, ...]:
    """What a refused call must leave untouched."""
    return (
        sorted(
            Target.objects.values_list(
                "pk", "user_id", "team_id", "period_start", "period_end", "amount", "currency"
            )
        ),
    )
