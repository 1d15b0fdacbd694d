"""The permission-matrix rows of routing rules, team strategies, service contracts and
the warranty lookup (pages and API).

Rules and strategies: set up by administrators and service managers, read by everyone
(API). Contracts: read by everyone, kept by service and sales managers (sales reps add
and change). The lookup: everyone who reads tickets; opening a ticket for a unit:
everyone who opens tickets, on a unit sold on an order they may see.
"""

from __future__ import annotations

import itertools
from typing import Any

from guanxi.core.models import Team
from guanxi.service.models import RoutingRule, ServiceContract, TeamRouting, TicketRouting
from guanxi.testing.customers import make_account
from guanxi.testing.matrix import EVERYONE, Case
from guanxi.testing.routing import make_contract, make_rule, make_unit
from guanxi.testing.users import make_team, make_user

SETUP = frozenset({"administrator", "service_manager"})
CONTRACT_EDITORS = frozenset({"administrator", "service_manager", "sales_manager", "sales_rep"})
CONTRACT_DELETERS = frozenset({"administrator", "service_manager", "sales_manager"})
TICKET_OPENERS = frozenset(
    {"administrator", "service_manager", "service_agent", "sales_manager", "sales_rep"}
)
_names = itertools.count(1)


def _role(actor: Any) -> str:
    if actor is None:
        return ""
    return "administrator" if actor.is_superuser else actor.roles.values_list("code", flat=True)[0]


def _team(actor: Any) -> Team:
    return make_team(name=f"Matrix routing team {next(_names)}")


def _rule(actor: Any) -> dict[str, Any]:
    return {"pk": make_rule(keywords=f"matrix{next(_names)}").pk}


def _rule_up(actor: Any) -> dict[str, Any]:
    make_rule(keywords="first")
    return {"pk": make_rule(keywords="second").pk, "direction": "up"}


def _new_rule(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    team = _team(actor)
    return {}, {"name": "Matrix rule", "keywords": "打印机", "team": team.pk, "is_active": "on"}


def _edited_rule(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    rule = make_rule(keywords="x")
    return {"pk": rule.pk}, {"name": "Renamed", "keywords": "y", "team": rule.team_id}


def _team_strategy(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    team = _team(actor)
    return {"pk": team.pk}, {f"team{team.pk}-strategy": "round_robin"}


def _account(actor: Any) -> Any:
    """An account the actor may see (their own; a fresh rep's for a visitor)."""
    owner = actor or make_user(role="sales_rep")
    return make_account(owner=owner, actor=make_user(role="administrator"))


def _contract(actor: Any) -> ServiceContract:
    return make_contract(account=_account(actor))


def _contract_kwargs(actor: Any) -> dict[str, Any]:
    return {"pk": _contract(actor).pk}


def _contract_form(account: Any) -> dict[str, Any]:
    return {
        "name": "Matrix gold",
        "account": account.pk,
        "starts_on": "2026-01-01",
        "ends_on": "2027-12-31",
    }


def _new_contract(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    return {}, _contract_form(_account(actor))


def _edited_contract(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    contract = _contract(actor)
    return {"pk": contract.pk}, _contract_form(contract.account)


def _unit_for(actor: Any) -> Any:
    """A unit sold on an order the actor may see: their own order for sales roles,
    anyone's for service (who read every order)."""
    if _role(actor) in ("sales_rep", "sales_manager"):
        return make_unit(actor=actor)
    return make_unit()


def _unit_ticket(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    unit = _unit_for(actor)
    data = {"subject": "Jam", "body": "Paper jam", "channel": "phone", "priority": "normal"}
    return {"pk": unit.pk}, data


PAGES: dict[str, Case] = {
    "service:routing_rule_list": Case("GET", SETUP, data={"text": "我的打印机一直卡纸"}),
    "service:routing_rule_create": Case("POST", SETUP, setup=_new_rule),
    "service:routing_rule_edit": Case("POST", SETUP, setup=_edited_rule),
    "service:routing_rule_move": Case("POST", SETUP, kwargs=_rule_up),
    "service:routing_rule_toggle": Case("POST", SETUP, kwargs=_rule),
    "service:routing_team_strategy": Case("POST", SETUP, setup=_team_strategy),
    "service:contract_list": Case("GET", EVERYONE, data={"current": "1"}),
    "service:contract_detail": Case("GET", EVERYONE, kwargs=_contract_kwargs),
    "service:contract_create": Case("POST", CONTRACT_EDITORS, setup=_new_contract),
    "service:contract_edit": Case("POST", CONTRACT_EDITORS, setup=_edited_contract),
    "service:contract_delete": Case("POST", CONTRACT_DELETERS, kwargs=_contract_kwargs),
    "service:warranty_lookup": Case("GET", EVERYONE, data={"q": "138 0013 8000"}),
    "service:warranty_ticket": Case("POST", TICKET_OPENERS, setup=_unit_ticket),
}


def _api_rule(actor: Any) -> dict[str, Any]:
    return {"rule_id": make_rule(keywords=f"api{next(_names)}").pk}


def _api_new_rule(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    return {}, {"name": "API rule", "keywords": "printer", "team_id": _team(actor).pk}


def _api_team(actor: Any) -> dict[str, Any]:
    return {"team_id": _team(actor).pk}


def _api_contract(actor: Any) -> dict[str, Any]:
    return {"contract_id": _contract(actor).pk}


def _api_new_contract(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    data = {
        "name": "API gold",
        "account_id": _account(actor).pk,
        "starts_on": "2026-01-01",
        "ends_on": "2027-12-31",
    }
    return {}, data


OPERATIONS: dict[tuple[str, str], Case] = {
    ("GET", "/api/v1/routing-rules"): Case("GET", EVERYONE),
    ("POST", "/api/v1/routing-rules"): Case("POST", SETUP, setup=_api_new_rule),
    ("GET", "/api/v1/routing-rules/{rule_id}"): Case("GET", EVERYONE, kwargs=_api_rule),
    ("PATCH", "/api/v1/routing-rules/{rule_id}"): Case(
        "PATCH", SETUP, kwargs=_api_rule, data={"name": "Renamed", "is_active": False}
    ),
    ("DELETE", "/api/v1/routing-rules/{rule_id}"): Case("DELETE", SETUP, kwargs=_api_rule),
    ("POST", "/api/v1/routing-rules/{rule_id}/move"): Case(
        "POST", SETUP, kwargs=_api_rule, data={"direction": "up"}
    ),
    ("POST", "/api/v1/routing-rules/preview"): Case(
        "POST", EVERYONE, data={"subject": "我的打印机一直卡纸"}
    ),
    ("GET", "/api/v1/routing-strategies"): Case("GET", EVERYONE),
    ("PUT", "/api/v1/routing-strategies/{team_id}"): Case(
        "PUT", SETUP, kwargs=_api_team, data={"strategy": "round_robin"}
    ),
    ("GET", "/api/v1/service-contracts"): Case("GET", EVERYONE),
    ("POST", "/api/v1/service-contracts"): Case("POST", CONTRACT_EDITORS, setup=_api_new_contract),
    ("GET", "/api/v1/service-contracts/{contract_id}"): Case("GET", EVERYONE, kwargs=_api_contract),
    ("PATCH", "/api/v1/service-contracts/{contract_id}"): Case(
        "PATCH", CONTRACT_EDITORS, kwargs=_api_contract, data={"name": "Platinum"}
    ),
    ("DELETE", "/api/v1/service-contracts/{contract_id}"): Case(
        "DELETE", CONTRACT_DELETERS, kwargs=_api_contract
    ),
    ("GET", "/api/v1/warranty-lookup"): Case(
        "GET", EVERYONE, query=lambda actor: {"q": "+86 138 0013 8000"}
    ),
}


def state() -> tuple[Any, ...]:
    """What a refused call must leave untouched."""
    return (
        sorted(RoutingRule.objects.values_list("pk", "name", "position", "is_active", "keywords")),
        sorted(TeamRouting.objects.values_list("team_id", "strategy", "last_agent_id")),
        TicketRouting.objects.count(),
        sorted(ServiceContract.objects.values_list("pk", "name", "ends_on", "account_id")),
    )
