"""The API of customer classification: classes per account (with the reasons), lists
and key accounts, lifecycle transitions and flow, and the rules (read, preview without
saving, save a new version)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from guanxi.analytics.object_types import CUSTOMER_CLASS, RULES, TRANSITION
from guanxi.analytics.schemas_classification import (
    ClassDetailSchema,
    ClassPage,
    FlowSchema,
    PreviewSchema,
    RulesIn,
    RulesSchema,
    TransitionSchema,
)
from guanxi.analytics.selectors_classification import (
    classes_visible_to,
    filter_classes,
    get_class_for_account,
    key_accounts_visible_to,
    lifecycle_flow,
    transitions_of_account,
)
from guanxi.analytics.services.classification import preview
from guanxi.analytics.services.classification_explain import explain, key_reason_text, stage_text
from guanxi.analytics.services.classification_rules import clean_rules, current_rules, save_rules
from guanxi.core.access import require
from guanxi.integrations.api.calls import call_service, caller
from guanxi.integrations.api.pagination import keyset_page
from guanxi.sales.services.exchange_rates import base_currency

router = Router(tags=["Customer classification"])

SORTS = ("pk", "margin", "stage_since")


@router.get("/analytics/classes", response=ClassPage, summary="List customer classes")
def list_classes(
    request: HttpRequest,
    purchase: str = "",
    value: str = "",
    needs: str = "",
    loyalty: str = "",
    stage: str = "",
    key: bool | None = Query(None, description="Only key accounts (true) or the others"),
    sort: str = "pk",
    cursor: str | None = None,
    limit: int = 50,
) -> Any:
    """The classes of the customers the caller may see (like their accounts)."""
    require(request.user, CUSTOMER_CLASS, "view")
    queryset = filter_classes(
        classes_visible_to(request.user),
        key=key,
        purchase=purchase,
        value=value,
        needs=needs,
        loyalty=loyalty,
        stage=stage,
    )
    items, next_cursor = keyset_page(queryset, cursor=cursor, limit=limit, sort=sort, allowed=SORTS)
    return {"items": items, "next_cursor": next_cursor}


@router.get("/analytics/key-accounts", response=ClassPage, summary="List key accounts")
def list_key_accounts(
    request: HttpRequest, sort: str = "-margin", cursor: str | None = None, limit: int = 50
) -> Any:
    """Key accounts (high value or fast growth); ``key_reasons`` says why."""
    require(request.user, CUSTOMER_CLASS, "view")
    items, next_cursor = keyset_page(
        key_accounts_visible_to(request.user), cursor=cursor, limit=limit, sort=sort, allowed=SORTS
    )
    return {"items": items, "next_cursor": next_cursor}


@router.get(
    "/accounts/{account_id}/classes", response=ClassDetailSchema, summary="An account's classes"
)
def account_classes(request: HttpRequest, account_id: int) -> Any:
    """404 when the account is not classified (no order and no interest) or not visible."""
    require(request.user, CUSTOMER_CLASS, "view")
    row = get_class_for_account(request.user, account_id)
    currency = base_currency()
    last = transitions_of_account(request.user, row.account_id, limit=1)
    row.explained = explain(row, currency)  # type: ignore[attr-defined]
    row.key_reasons_text = [key_reason_text(r, currency) for r in row.key_reasons]  # type: ignore[attr-defined]
    row.stage_reason = stage_text(last[0].reason) if last else ""  # type: ignore[attr-defined]
    return row


@router.get(
    "/accounts/{account_id}/lifecycle",
    response=list[TransitionSchema],
    summary="An account's lifecycle transitions",
)
def account_lifecycle(request: HttpRequest, account_id: int) -> Any:
    """The stage changes, newest first (empty for an account the caller may not see)."""
    require(request.user, TRANSITION, "view")
    transitions = transitions_of_account(request.user, account_id, limit=200)
    for transition in transitions:
        transition.reason_text = stage_text(transition.reason)  # type: ignore[attr-defined]
    return transitions


@router.get("/analytics/lifecycle/flow", response=FlowSchema, summary="Flow between stages")
def flow(request: HttpRequest, months: int = Query(12, ge=1, le=36)) -> Any:
    """Customers entering each stage per month, from → to totals, stages now."""
    require(request.user, TRANSITION, "view")
    found = lifecycle_flow(request.user, months=months, as_of=timezone.localdate())
    return {
        "months": [
            {"month": m.month, "entered": m.entered, "moves": m.moves} for m in found.months
        ],
        "matrix": found.matrix,
        "current": found.current,
    }


@router.get("/analytics/classification/rules", response=RulesSchema, summary="The rules in use")
def rules(request: HttpRequest) -> Any:
    require(request.user, RULES, "view")
    return current_rules()


@router.post(
    "/analytics/classification/rules/preview",
    response=PreviewSchema,
    summary="Preview proposed rules",
)
def rules_preview(request: HttpRequest, body: RulesIn) -> Any:
    """How many customers would move between classes with these rules (any subset; the
    rest as in use). Nothing is saved."""
    require(request.user, RULES, "view")
    proposed = call_service(lambda: clean_rules(body.dict(exclude_none=True)))
    found = preview(proposed)
    return {
        "customers": found.customers,
        "changed": found.changed,
        "moves": found.moves,
        "totals": found.totals,
        "key_accounts_now": found.key_accounts[0],
        "key_accounts_after": found.key_accounts[1],
    }


@router.put("/analytics/classification/rules", response=RulesSchema, summary="Save the rules")
def update_rules(request: HttpRequest, body: RulesIn) -> Any:
    """Store the next version (administrators); everyone is then reclassified."""
    require(request.user, RULES, "change")
    return call_service(
        lambda: save_rules(actor=caller(request), data=body.dict(exclude_none=True))
    )
