"""The API of ticket routing (rules, a preview of where a ticket would go, each team's
way of choosing agents), service contracts and the one-step warranty lookup.

Rules and strategies are set up by administrators and service managers; everyone may
read them. Contracts are kept by service and sales. The lookup shows only units sold
on orders the caller may see.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from guanxi.core.access import require
from guanxi.core.models import Team
from guanxi.customers.models import CustomerTier
from guanxi.customers.selectors import account_choices, contacts_visible_to
from guanxi.integrations.api.calls import call_service, caller
from guanxi.sales.models import SerialNumber
from guanxi.sales.selectors_quotes import products_visible_to
from guanxi.service.models import Category, RoutingRule, ServiceContract, TeamRouting
from guanxi.service.object_types import CONTRACT, ROUTING_RULE, TICKET
from guanxi.service.schemas_routing import (
    MoveIn,
    PreviewIn,
    PreviewSchema,
    RoutingRuleIn,
    RoutingRulePatchIn,
    RoutingRuleSchema,
    ServiceContractIn,
    ServiceContractPatchIn,
    ServiceContractSchema,
    TeamRoutingIn,
    TeamRoutingSchema,
    WarrantyLookupSchema,
)
from guanxi.service.selectors_warranty import find_units
from guanxi.service.services import contracts, routing

router = Router(tags=["Ticket routing"])

NAMES = {
    "account": "account_id",
    "contact": "contact_id",
    "product": "product_id",
    "category": "category_id",
    "set_category": "set_category_id",
    "tier": "tier_id",
    "team": "team_id",
    "products": "product_ids",
    "serials": "serial_ids",
}


def _call(call: Callable[[], Any]) -> Any:
    return call_service(call, names=NAMES)


def _resolve(user: Any, data: dict[str, Any]) -> dict[str, Any]:
    """Ids in the body to records the caller may see (``team_id`` → ``team``), naming
    the field of an unknown one."""
    errors: dict[str, str] = {}
    lookups: dict[str, tuple[str, Callable[[], Any]]] = {
        "account_id": ("account", lambda: account_choices(user)),
        "contact_id": ("contact", lambda: contacts_visible_to(user)),
        "product_id": ("product", lambda: products_visible_to(user)),
        "category_id": ("category", lambda: Category.objects.all()),
        "set_category_id": ("set_category", lambda: Category.objects.all()),
        "tier_id": ("tier", lambda: CustomerTier.objects.all()),
        "team_id": ("team", lambda: Team.objects.filter(deleted_at__isnull=True)),
    }
    for key, (name, queryset) in lookups.items():
        if key not in data:
            continue
        pk = data.pop(key)
        record = queryset().filter(pk=pk).first() if pk is not None else None
        if pk is not None and record is None:
            errors[key] = _("This does not exist.")
        data[name] = record
    for key, name, queryset in (
        ("product_ids", "products", lambda: products_visible_to(user)),
        ("serial_ids", "serials", lambda: SerialNumber.objects.all()),
    ):
        if key not in data:
            continue
        ids = list(dict.fromkeys(data.pop(key) or []))
        records = {r.pk: r for r in queryset().filter(pk__in=ids)}
        if len(records) != len(ids):
            errors[key] = _("This does not exist.")
        data[name] = [records[pk] for pk in ids if pk in records]
    if errors:
        raise ValidationError(errors)
    return data


def _changes(payload: Any, nullable: tuple[str, ...]) -> dict[str, Any]:
    """The fields a PATCH sent; ``null`` counts only for the ``nullable`` ones."""
    given = payload.dict(exclude_unset=True)
    return {k: v for k, v in given.items() if v is not None or k in nullable}


# --- rules -------------------------------------------------------------------------------------


def _rule(pk: int) -> RoutingRule:
    rule = (
        RoutingRule.objects.select_related("category", "product", "tier", "team", "set_category")
        .filter(pk=pk)
        .first()
    )
    if rule is None:
        raise Http404
    return rule


@router.get("/routing-rules", response=list[RoutingRuleSchema], summary="Ticket routing rules")
def list_rules(request: HttpRequest) -> Any:
    """In the order they are tried; the first active rule whose conditions all match
    routes a new ticket."""
    require(request.user, ROUTING_RULE, "view")
    return list(
        RoutingRule.objects.select_related(
            "category", "product", "tier", "team", "set_category"
        ).order_by("position", "pk")
    )


@router.get("/routing-rules/{int:rule_id}", response=RoutingRuleSchema, summary="A routing rule")
def get_rule(request: HttpRequest, rule_id: int) -> Any:
    require(request.user, ROUTING_RULE, "view")
    return _rule(rule_id)


@router.post("/routing-rules", response={201: RoutingRuleSchema}, summary="Add a routing rule")
def create_rule(request: HttpRequest, payload: RoutingRuleIn) -> Any:
    """Added at the end of the list; it needs a team and at least one condition."""
    require(request.user, ROUTING_RULE, "add")
    data = _call(lambda: _resolve(request.user, payload.dict()))
    rule = _call(lambda: routing.create_rule(actor=caller(request), **data))
    return Status(201, _rule(rule.pk))


@router.patch(
    "/routing-rules/{int:rule_id}", response=RoutingRuleSchema, summary="Change a routing rule"
)
def patch_rule(request: HttpRequest, rule_id: int, payload: RoutingRulePatchIn) -> Any:
    """``is_active: false`` retires it; ``null`` clears a condition."""
    require(request.user, ROUTING_RULE, "change")
    rule = _rule(rule_id)
    nullable = ("category_id", "product_id", "tier_id", "set_category_id")
    changes = _call(lambda: _resolve(request.user, _changes(payload, nullable)))
    _call(lambda: routing.update_rule(actor=caller(request), rule=rule, **changes))
    return _rule(rule.pk)


@router.delete(
    "/routing-rules/{int:rule_id}", response={204: None}, summary="Delete a routing rule"
)
def delete_rule(request: HttpRequest, rule_id: int) -> Any:
    """Tickets it routed keep its name."""
    require(request.user, ROUTING_RULE, "delete")
    rule = _rule(rule_id)
    _call(lambda: routing.delete_rule(actor=caller(request), rule=rule))
    return Status(204, None)


@router.post(
    "/routing-rules/{int:rule_id}/move",
    response=list[RoutingRuleSchema],
    summary="Move a routing rule up or down",
)
def move_rule(request: HttpRequest, rule_id: int, payload: MoveIn) -> Any:
    """Swaps it with its neighbour; returns the rules in their new order."""
    require(request.user, ROUTING_RULE, "change")
    rule = _rule(rule_id)
    _call(lambda: routing.move_rule(actor=caller(request), rule=rule, direction=payload.direction))
    return list_rules(request)


@router.post(
    "/routing-rules/preview",
    response=PreviewSchema,
    summary="Where a ticket would be routed, and why",
)
def preview(request: HttpRequest, payload: PreviewIn) -> Any:
    """Tries every active rule on the ticket described; nothing is saved."""
    require(request.user, ROUTING_RULE, "view")
    data = _call(lambda: _resolve(request.user, payload.dict()))
    facts = routing.facts_for(
        subject=data["subject"],
        body=data["body"],
        category=data["category"],
        product=data["product"],
        account=data["account"],
        contact=data["contact"],
        language=data["language"],
    )
    if data["tier"] is not None:
        facts = routing.TicketFacts(**{**facts.__dict__, "tier": data["tier"]})
    verdicts = routing.explain(facts)
    rows = [
        {"rule_id": v.rule.pk, "name": v.rule.name, "matched": v.matched, "reasons": v.reasons}
        for v in verdicts
    ]
    first = next((i for i, v in enumerate(verdicts) if v.matched), None)
    category = data["category"]
    team = verdicts[first].rule.team if first is not None else None
    if team is None and category is not None:
        team = category.team
    return {"rule": rows[first] if first is not None else None, "team": team, "rules": rows}


def _team_rows() -> list[dict[str, Any]]:
    settings = {s.team_id: s for s in TeamRouting.objects.select_related("last_agent")}
    return [
        {
            "team": team,
            "strategy": settings[team.pk].strategy if team.pk in settings else "least_loaded",
            "last_agent": settings[team.pk].last_agent if team.pk in settings else None,
        }
        for team in Team.objects.filter(deleted_at__isnull=True).order_by("name")
    ]


@router.get(
    "/routing-strategies",
    response=list[TeamRoutingSchema],
    summary="How each team's agent is chosen",
)
def list_strategies(request: HttpRequest) -> Any:
    """least_loaded (the default): the agent with the fewest unresolved tickets;
    round_robin: each agent in turn."""
    require(request.user, ROUTING_RULE, "view")
    return _team_rows()


@router.put(
    "/routing-strategies/{team_id}",
    response=TeamRoutingSchema,
    summary="Set how a team's agent is chosen",
)
def put_strategy(request: HttpRequest, team_id: int, payload: TeamRoutingIn) -> Any:
    require(request.user, ROUTING_RULE, "change")
    team = Team.objects.filter(pk=team_id, deleted_at__isnull=True).first()
    if team is None:
        raise Http404
    _call(
        lambda: routing.set_team_strategy(
            actor=caller(request), team=team, strategy=payload.strategy
        )
    )
    return next(row for row in _team_rows() if row["team"].pk == team.pk)


# --- contracts ---------------------------------------------------------------------------------


def _contract_out(contract: ServiceContract) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "id": contract.pk,
        "number": contract.number,
        "name": contract.name,
        "account": contract.account,
        "contact": contract.contact,
        "starts_on": contract.starts_on,
        "ends_on": contract.ends_on,
        "products": list(contract.products.order_by("sku")),
        "serials": list(contract.serials.order_by("serial")),
        "response_hours": contract.response_hours,
        "notes": contract.notes,
        "in_force": contract.starts_on <= today <= contract.ends_on,
    }


def _contract(pk: int) -> ServiceContract:
    contract = ServiceContract.objects.select_related("account", "contact").filter(pk=pk).first()
    if contract is None:
        raise Http404
    return contract


@router.get("/service-contracts", response=list[ServiceContractSchema], summary="Service contracts")
def list_contracts(
    request: HttpRequest,
    account_id: int | None = None,
    contact_id: int | None = None,
    current: bool | None = Query(None, description="true: only those in force today"),
) -> Any:
    """The latest ending first (at most 500)."""
    require(request.user, CONTRACT, "view")
    queryset = ServiceContract.objects.select_related("account", "contact")
    if account_id is not None:
        queryset = queryset.filter(account_id=account_id)
    if contact_id is not None:
        queryset = queryset.filter(contact_id=contact_id)
    if current:
        today = timezone.localdate()
        queryset = queryset.filter(starts_on__lte=today, ends_on__gte=today)
    return [_contract_out(c) for c in queryset.order_by("-ends_on", "-pk")[:500]]


@router.get(
    "/service-contracts/{contract_id}",
    response=ServiceContractSchema,
    summary="A service contract",
)
def get_contract(request: HttpRequest, contract_id: int) -> Any:
    require(request.user, CONTRACT, "view")
    return _contract_out(_contract(contract_id))


@router.post(
    "/service-contracts",
    response={201: ServiceContractSchema},
    summary="Add a service contract",
)
def create_contract(request: HttpRequest, payload: ServiceContractIn) -> Any:
    """Numbered SC-<year>-NNNN; covers the serials and products listed, or every unit
    the customer bought when none are."""
    require(request.user, CONTRACT, "add")
    data = _call(lambda: _resolve(request.user, payload.dict()))
    contract = _call(lambda: contracts.create_contract(actor=caller(request), **data))
    return Status(201, _contract_out(_contract(contract.pk)))


@router.patch(
    "/service-contracts/{contract_id}",
    response=ServiceContractSchema,
    summary="Change a service contract",
)
def patch_contract(request: HttpRequest, contract_id: int, payload: ServiceContractPatchIn) -> Any:
    require(request.user, CONTRACT, "change")
    contract = _contract(contract_id)
    nullable = ("account_id", "contact_id", "response_hours")
    changes = _call(lambda: _resolve(request.user, _changes(payload, nullable)))
    _call(lambda: contracts.update_contract(actor=caller(request), contract=contract, **changes))
    return _contract_out(_contract(contract.pk))


@router.delete(
    "/service-contracts/{contract_id}",
    response={204: None},
    summary="Delete a service contract",
)
def delete_contract(request: HttpRequest, contract_id: int) -> Any:
    require(request.user, CONTRACT, "delete")
    contract = _contract(contract_id)
    _call(lambda: contracts.delete_contract(actor=caller(request), contract=contract))
    return Status(204, None)


# --- warranty lookup ---------------------------------------------------------------------------


@router.get(
    "/warranty-lookup",
    response=WarrantyLookupSchema,
    summary="Units by serial number, phone number or email, with their warranty",
)
def warranty_lookup(
    request: HttpRequest,
    q: str = Query(
        ..., description="A serial number, a whole phone number in any format, or an email"
    ),
) -> Any:
    """Each unit sold on a confirmed order the caller may see: product, purchase date,
    order, customer, warranty end, contracts in force covering it and its open tickets."""
    require(request.user, TICKET, "view")
    if not q.strip():
        raise ValidationError({"q": _("Type a serial number, a phone number or an email.")})
    lookup = find_units(request.user, q)
    return {
        "query": lookup.query,
        "searched_as": lookup.searched,
        "phone": lookup.phone,
        "units": [
            {
                "serial": unit.serial,
                "product": unit.product,
                "status": unit.serial.status,
                "purchased_on": unit.purchased_on,
                "order": unit.order,
                "account": unit.account,
                "contact": unit.contact,
                "warranty_until": unit.warranty_until,
                "in_warranty": unit.in_warranty,
                "contracts": unit.contracts,
                "open_tickets": unit.open_tickets,
            }
            for unit in lookup.units
        ],
    }
