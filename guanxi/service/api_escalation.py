"""The API of escalation rules: list, read, add, change, move, delete, and a preview of
the unresolved tickets a rule would escalate now.

Rules are set up by administrators and service managers; everyone reads them. The
preview lists only tickets the caller may see; nothing is changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from guanxi.core.access import require
from guanxi.core.models import Team
from guanxi.customers.models import CustomerTier
from guanxi.integrations.api.calls import call_service, caller
from guanxi.service.models import Category, EscalationRule
from guanxi.service.schemas_escalation import (
    EscalationPreviewSchema,
    EscalationRuleIn,
    EscalationRulePatchIn,
    EscalationRuleSchema,
    MoveIn,
)
from guanxi.service.selectors import tickets_visible_to
from guanxi.service.services import escalation_rules as services
from guanxi.service.services.escalation_rules import ESCALATION_RULE, PREVIEW_LIMIT
from guanxi.service.views.tickets import assignable_users

router = Router(tags=["Escalation rules"])

NAMES = {
    "category": "category_id",
    "tier": "tier_id",
    "team": "team_id",
    "to_user": "to_user_id",
    "to_team": "to_team_id",
}
NULLABLE = (
    "category_id",
    "tier_id",
    "team_id",
    "no_reply_hours",
    "open_hours",
    "first_response_due_minutes",
    "to_user_id",
    "to_team_id",
)
RELATED = ("category", "tier", "team", "to_user", "to_team")


def _call(call: Callable[[], Any]) -> Any:
    return call_service(call, names=NAMES)


def _resolve(data: dict[str, Any]) -> dict[str, Any]:
    """Ids in the body to records (``team_id`` → ``team``), naming the field of an
    unknown one."""
    errors: dict[str, str] = {}
    lookups: dict[str, tuple[str, Callable[[], Any]]] = {
        "category_id": ("category", lambda: Category.objects.all()),
        "tier_id": ("tier", lambda: CustomerTier.objects.all()),
        "team_id": ("team", lambda: Team.objects.filter(deleted_at__isnull=True)),
        "to_team_id": ("to_team", lambda: Team.objects.filter(deleted_at__isnull=True)),
        "to_user_id": ("to_user", assignable_users),
    }
    for key, (name, queryset) in lookups.items():
        if key not in data:
            continue
        pk = data.pop(key)
        record = queryset().filter(pk=pk).first() if pk is not None else None
        if pk is not None and record is None:
            errors[key] = _("This does not exist.")
        data[name] = record
    if errors:
        raise ValidationError(errors)
    return data


def _rule(pk: int) -> EscalationRule:
    rule = EscalationRule.objects.select_related(*RELATED).filter(pk=pk).first()
    if rule is None:
        raise Http404
    return rule


@router.get("/escalation-rules", response=list[EscalationRuleSchema], summary="Escalation rules")
def list_rules(request: HttpRequest) -> Any:
    """In the order they are tried; every few minutes the active rules escalate the
    unresolved tickets matching all their conditions, once per rule."""
    require(request.user, ESCALATION_RULE, "view")
    return list(EscalationRule.objects.select_related(*RELATED).order_by("position", "pk"))


@router.get(
    "/escalation-rules/{int:rule_id}",
    response=EscalationRuleSchema,
    summary="An escalation rule",
)
def get_rule(request: HttpRequest, rule_id: int) -> Any:
    require(request.user, ESCALATION_RULE, "view")
    return _rule(rule_id)


@router.post(
    "/escalation-rules",
    response={201: EscalationRuleSchema},
    summary="Add an escalation rule",
)
def create_rule(request: HttpRequest, payload: EscalationRuleIn) -> Any:
    """Added at the end of the list; it needs a reason and at least one condition."""
    require(request.user, ESCALATION_RULE, "add")
    data = _call(lambda: _resolve(payload.dict()))
    rule = _call(lambda: services.create_rule(actor=caller(request), **data))
    return Status(201, _rule(rule.pk))


@router.patch(
    "/escalation-rules/{int:rule_id}",
    response=EscalationRuleSchema,
    summary="Change an escalation rule",
)
def patch_rule(request: HttpRequest, rule_id: int, payload: EscalationRulePatchIn) -> Any:
    """``is_active: false`` pauses it; ``null`` clears a condition or the target."""
    require(request.user, ESCALATION_RULE, "change")
    rule = _rule(rule_id)
    given = payload.dict(exclude_unset=True)
    changes = {k: v for k, v in given.items() if v is not None or k in NULLABLE}
    changes = _call(lambda: _resolve(changes))
    _call(lambda: services.update_rule(actor=caller(request), rule=rule, **changes))
    return _rule(rule.pk)


@router.delete(
    "/escalation-rules/{int:rule_id}",
    response={204: None},
    summary="Delete an escalation rule",
)
def delete_rule(request: HttpRequest, rule_id: int) -> Any:
    """The escalations it made keep its name."""
    require(request.user, ESCALATION_RULE, "delete")
    rule = _rule(rule_id)
    _call(lambda: services.delete_rule(actor=caller(request), rule=rule))
    return Status(204, None)


@router.post(
    "/escalation-rules/{int:rule_id}/move",
    response=list[EscalationRuleSchema],
    summary="Move an escalation rule up or down",
)
def move_rule(request: HttpRequest, rule_id: int, payload: MoveIn) -> Any:
    """Swaps it with its neighbour; returns the rules in their new order."""
    require(request.user, ESCALATION_RULE, "change")
    rule = _rule(rule_id)
    _call(lambda: services.move_rule(actor=caller(request), rule=rule, direction=payload.direction))
    return list_rules(request)


@router.get(
    "/escalation-rules/{int:rule_id}/preview",
    response=list[EscalationPreviewSchema],
    summary="The tickets an escalation rule would escalate now",
)
def preview(request: HttpRequest, rule_id: int) -> Any:
    """The unresolved tickets (of those the caller may see, oldest first, at most 100)
    matching every condition and not escalated by the rule yet, with why; whether the
    rule is active or not. Nothing is changed."""
    require(request.user, ESCALATION_RULE, "view")
    rule = _rule(rule_id)
    within = tickets_visible_to(request.user)
    matches = services.matching_tickets(rule, within=within, limit=PREVIEW_LIMIT)
    return [{"ticket": match.ticket, "reasons": match.reasons} for match in matches]
