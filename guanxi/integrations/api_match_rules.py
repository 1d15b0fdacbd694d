"""The API of the duplicate-matching rules: read them per kind (contacts, accounts),
replace them, preview other rules and go back to the shipped defaults. Whoever may see
a kind's duplicates reads its rules; administrators change them."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.http import HttpRequest
from ninja import Router

from guanxi.integrations import match_rules
from guanxi.integrations.api.calls import caller
from guanxi.integrations.dedupe_schedule import preview_match_rules
from guanxi.integrations.schemas_match_rules import MatchRulesIn, MatchRulesOut, RulesPreviewOut

router = Router(tags=["duplicates"])


def _out(spec: match_rules.Spec) -> dict[str, Any]:
    version = match_rules.current_version(spec.kind)
    rules = match_rules.stored_rules(spec.kind, version)
    limits = {"threshold": list(spec.threshold)}
    limits.update({n.name: [n.low, n.high] for n in spec.numbers})
    return {
        **rules,
        "kind": spec.kind,
        "version": version.version if version else 0,
        "saved_at": version.created_at if version else None,
        "saved_by": str(version.created_by) if version and version.created_by else None,
        "defaults": match_rules.default_rules(spec.kind),
        "limits": limits,
    }


@router.get(
    "/duplicates/rules/{kind}", response=MatchRulesOut, summary="The matching rules of a kind"
)
def get_match_rules(request: HttpRequest, kind: str) -> Any:
    """Threshold, weights and enabled evidence in use (``kind``: contacts or accounts),
    with the shipped defaults and the allowed range of each number."""
    return _out(match_rules.readable_spec(request.user, kind))


@router.put(
    "/duplicates/rules/{kind}",
    response=MatchRulesOut,
    summary="Change the matching rules of a kind (administrators)",
)
def put_match_rules(request: HttpRequest, kind: str, payload: MatchRulesIn) -> Any:
    """Saves the next version; what the body leaves out keeps its current value. Errors
    name the field (``body.weights.family_name``, ``body.threshold``, ``body.enabled``)."""
    spec = match_rules.editable_spec(request.user, kind)
    match_rules.save_rules(actor=caller(request), kind=spec.kind, data=payload.dict())
    return _out(spec)


@router.post(
    "/duplicates/rules/{kind}/preview",
    response=RulesPreviewOut,
    summary="How many pairs other matching rules would suggest (administrators)",
)
def preview_rules(request: HttpRequest, kind: str, payload: MatchRulesIn) -> Any:
    """The body is what a PUT would send; nothing is saved."""
    spec = match_rules.editable_spec(request.user, kind)
    proposed = match_rules.clean_rules(
        spec.kind, payload.dict(), base=match_rules.active_rules(spec.kind)
    )
    return asdict(preview_match_rules(spec.kind, proposed))


@router.post(
    "/duplicates/rules/{kind}/reset",
    response=MatchRulesOut,
    summary="Go back to the shipped matching rules (administrators)",
)
def reset_match_rules(request: HttpRequest, kind: str) -> Any:
    spec = match_rules.editable_spec(request.user, kind)
    match_rules.reset_rules(actor=caller(request), kind=spec.kind)
    return _out(spec)
