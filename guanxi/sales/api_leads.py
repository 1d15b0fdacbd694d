"""API endpoints for leads: CRUD, qualification, follow-ups, conversion (with the
existing customers it would duplicate), the assignment and scoring rules, and lead
quality per source."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from guanxi.core.access import require
from guanxi.core.models import Team, User
from guanxi.customers.selectors import get_account_for, get_contact_for
from guanxi.integrations.api.pagination import keyset_page
from guanxi.sales.models import AssignmentRule, ScoringRule
from guanxi.sales.object_types import ASSIGNMENT_RULE, LEAD, SCORING_RULE
from guanxi.sales.schemas_leads import (
    ActivityOut,
    AssignmentRuleIn,
    AssignmentRulePatchIn,
    AssignmentRuleSchema,
    CandidatesOut,
    ConvertIn,
    ConvertOut,
    DisqualifyIn,
    LeadActivityIn,
    LeadIn,
    LeadPage,
    LeadPatchIn,
    LeadSchema,
    RescoreOut,
    ScoringRuleIn,
    ScoringRulePatchIn,
    ScoringRuleSchema,
    SourceQualitySchema,
)
from guanxi.sales.selectors_leads import (
    assignment_rules,
    conversion_candidates,
    filter_leads,
    get_lead_for,
    lead_quality_by_source,
    leads_visible_to,
    scoring_rules,
    search_leads,
)
from guanxi.sales.services import assignment, scoring
from guanxi.sales.services import leads as lead_services
from guanxi.sales.services.conversion import check_may_convert, convert_lead

router = Router(tags=["leads"])

SORTS = ("pk", "score", "created_at", "updated_at")


def _resolve(data: dict[str, Any]) -> dict[str, Any]:
    """Ids of the body as records, naming any bad field."""
    errors: dict[str, str] = {}
    for name in ("owner", "user_id"):
        if name in data and data[name] is not None:
            key = name.removesuffix("_id")
            found = User.objects.filter(pk=data.pop(name)).first()
            if found is None:
                errors[name] = _("No such user.")
            data[key] = found
    for name in ("team", "team_id"):
        if name in data and data[name] is not None:
            key = name.removesuffix("_id")
            found_team = Team.objects.filter(pk=data.pop(name)).first()
            if found_team is None:
                errors[name] = _("No such team.")
            data[key] = found_team
        elif name in data:
            data[name.removesuffix("_id")] = data.pop(name)
    if "user_id" in data:
        data["user"] = data.pop("user_id")
    if errors:
        raise ValidationError(errors)
    return data


@router.get("/leads", response=LeadPage, summary="List leads (best scored first)")
def list_leads(
    request: HttpRequest,
    q: str = "",
    status: str = Query(
        "", description="new, contacted, qualified, disqualified, converted or open"
    ),
    source: str = "",
    owner_id: int | None = None,
    tag: list[str] = Query([], description="Repeat for leads with all these tags"),  # noqa: B008
    sort: str = "-score",
    cursor: str | None = None,
    limit: int = 50,
) -> Any:
    require(request.user, LEAD, "view")
    queryset = filter_leads(
        leads_visible_to(request.user), status=status, source=source, owner_id=owner_id, tags=tag
    )
    rows, next_cursor = keyset_page(
        search_leads(queryset, q),
        cursor=cursor,
        limit=limit,
        sort=sort.replace("id", "pk"),
        allowed=SORTS,
    )
    return {"items": rows, "next_cursor": next_cursor}


@router.get("/leads/quality", response=list[SourceQualitySchema], summary="Lead quality per source")
def lead_quality(request: HttpRequest) -> Any:
    """Leads, average score, qualified / converted / disqualified shares per source,
    over the leads you may see."""
    require(request.user, LEAD, "view")
    return lead_quality_by_source(request.user)


@router.get("/leads/{lead_id}", response=LeadSchema, summary="One lead")
def get_lead(request: HttpRequest, lead_id: int) -> Any:
    require(request.user, LEAD, "view")
    return get_lead_for(request.user, lead_id)


@router.post("/leads", response={201: LeadSchema}, summary="Create a lead (assigned by the rules)")
def create_lead(request: HttpRequest, payload: LeadIn) -> Any:
    require(request.user, LEAD, "add")
    data = payload.dict()
    if data.get("team") is None:
        data.pop("team")
    data = _resolve(data)
    lead = lead_services.create_lead(actor=request.user, **data)
    return Status(201, get_lead_for_or_created(request, lead))


def get_lead_for_or_created(request: HttpRequest, lead: Any) -> Any:
    """The lead as the caller sees it; a lead the rules gave to someone the caller
    cannot see is still returned once, as created."""
    found = leads_visible_to(request.user).filter(pk=lead.pk).first()
    return found or lead


@router.patch("/leads/{lead_id}", response=LeadSchema, summary="Change a lead")
def patch_lead(request: HttpRequest, lead_id: int, payload: LeadPatchIn) -> Any:
    require(request.user, LEAD, "change")
    lead = get_lead_for(request.user, lead_id, "change")
    data = payload.dict(exclude_unset=True)
    if "owner" in data and data["owner"] is None:
        raise ValidationError({"owner": _("Choose an owner.")})
    lead_services.update_lead(actor=request.user, lead=lead, **_resolve(data))
    return get_lead_for(request.user, lead.pk)


@router.delete("/leads/{lead_id}", response={204: None}, summary="Move to the trash")
def delete_lead(request: HttpRequest, lead_id: int) -> Any:
    require(request.user, LEAD, "delete")
    lead = get_lead_for(request.user, lead_id, "delete")
    lead_services.delete_lead(actor=request.user, lead=lead)
    return Status(204, None)


@router.post("/leads/{lead_id}/qualify", response=LeadSchema, summary="Qualify a lead")
def qualify_lead(request: HttpRequest, lead_id: int) -> Any:
    require(request.user, LEAD, "change")
    lead = get_lead_for(request.user, lead_id, "change")
    lead_services.qualify_lead(actor=request.user, lead=lead)
    return get_lead_for(request.user, lead.pk)


@router.post("/leads/{lead_id}/disqualify", response=LeadSchema, summary="Disqualify a lead")
def disqualify_lead(request: HttpRequest, lead_id: int, payload: DisqualifyIn) -> Any:
    require(request.user, LEAD, "change")
    lead = get_lead_for(request.user, lead_id, "change")
    lead_services.disqualify_lead(actor=request.user, lead=lead, **payload.dict())
    return get_lead_for(request.user, lead.pk)


@router.post(
    "/leads/{lead_id}/activities",
    response={201: ActivityOut},
    summary="Log a follow-up on a lead (a call or email marks a new lead contacted)",
)
def log_lead_activity(request: HttpRequest, lead_id: int, payload: LeadActivityIn) -> Any:
    require(request.user, LEAD, "view")
    require(request.user, "customers.activity", "add")
    lead = get_lead_for(request.user, lead_id)
    activity = lead_services.log_lead_activity(actor=request.user, lead=lead, **payload.dict())
    return Status(201, activity)


@router.get(
    "/leads/{lead_id}/duplicates",
    response=CandidatesOut,
    summary="Existing customers this lead probably is (offered before converting)",
)
def lead_duplicates(request: HttpRequest, lead_id: int) -> Any:
    require(request.user, LEAD, "change")
    lead = get_lead_for(request.user, lead_id, "change")
    found = conversion_candidates(request.user, lead)
    return {
        "accounts": [{"id": a.pk, "name": a.name, "matched_by": why} for a, why in found.accounts],
        "contacts": [
            {"id": c.pk, "name": c.full_name, "matched_by": why} for c, why in found.contacts
        ],
    }


@router.post(
    "/leads/{lead_id}/convert",
    response=ConvertOut,
    summary="Convert a lead into an account, a contact and a deal (or link existing ones)",
)
def convert(request: HttpRequest, lead_id: int, payload: ConvertIn) -> Any:
    require(request.user, LEAD, "change")
    lead = get_lead_for(request.user, lead_id, "change")
    account = (
        get_account_for(request.user, payload.account_id, "change") if payload.account_id else None
    )
    contact = (
        get_contact_for(request.user, payload.contact_id, "change") if payload.contact_id else None
    )
    check_may_convert(
        request.user,
        new_account=account is None and bool(lead.company),
        new_contact=contact is None,
        new_deal=payload.create_deal,
    )
    result = convert_lead(
        actor=request.user,
        lead=lead,
        account=account,
        contact=contact,
        create_deal=payload.create_deal,
        deal_name=payload.deal_name,
        amount=payload.amount,
    )
    return {
        "lead": get_lead_for(request.user, lead.pk),
        "account_id": result.account.pk if result.account else None,
        "contact_id": result.contact.pk,
        "deal_id": result.deal.pk if result.deal else None,
        "account_created": result.account_created,
        "contact_created": result.contact_created,
    }


# --- assignment rules ------------------------------------------------------------------


@router.get(
    "/lead-assignment-rules",
    response=list[AssignmentRuleSchema],
    summary="Assignment rules, in order",
)
def list_assignment_rules(request: HttpRequest) -> Any:
    require(request.user, ASSIGNMENT_RULE, "view")
    return list(assignment_rules())


@router.post(
    "/lead-assignment-rules",
    response={201: AssignmentRuleSchema},
    summary="Add an assignment rule (last)",
)
def create_assignment_rule(request: HttpRequest, payload: AssignmentRuleIn) -> Any:
    require(request.user, ASSIGNMENT_RULE, "add")
    rule = assignment.create_assignment_rule(actor=request.user, **_resolve(payload.dict()))
    return Status(201, rule)


@router.patch(
    "/lead-assignment-rules/{rule_id}",
    response=AssignmentRuleSchema,
    summary="Change or move an assignment rule",
)
def patch_assignment_rule(
    request: HttpRequest, rule_id: int, payload: AssignmentRulePatchIn
) -> Any:
    require(request.user, ASSIGNMENT_RULE, "change")
    rule = get_object_or_404(AssignmentRule, pk=rule_id)
    data = payload.dict(exclude_unset=True)
    move = data.pop("move", None)
    if data:
        rule = assignment.update_assignment_rule(actor=request.user, rule=rule, **_resolve(data))
    if move:
        assignment.move_assignment_rule(actor=request.user, rule=rule, offset=move)
    return AssignmentRule.objects.get(pk=rule.pk)


@router.delete(
    "/lead-assignment-rules/{rule_id}", response={204: None}, summary="Remove an assignment rule"
)
def delete_assignment_rule(request: HttpRequest, rule_id: int) -> Any:
    require(request.user, ASSIGNMENT_RULE, "delete")
    rule = get_object_or_404(AssignmentRule, pk=rule_id)
    assignment.delete_assignment_rule(actor=request.user, rule=rule)
    return Status(204, None)


# --- scoring rules ---------------------------------------------------------------------


@router.get("/lead-scoring-rules", response=list[ScoringRuleSchema], summary="Scoring rules")
def list_scoring_rules(request: HttpRequest) -> Any:
    require(request.user, SCORING_RULE, "view")
    return list(scoring_rules())


@router.post("/lead-scoring-rules", response={201: ScoringRuleSchema}, summary="Add a scoring rule")
def create_scoring_rule(request: HttpRequest, payload: ScoringRuleIn) -> Any:
    require(request.user, SCORING_RULE, "add")
    return Status(201, scoring.create_scoring_rule(actor=request.user, **payload.dict()))


@router.post("/lead-scoring-rules/rescore", response=RescoreOut, summary="Rescore every lead")
def rescore(request: HttpRequest) -> Any:
    require(request.user, SCORING_RULE, "change")
    return {"changed": scoring.rescore_all(actor=request.user)}


@router.patch(
    "/lead-scoring-rules/{rule_id}", response=ScoringRuleSchema, summary="Change a scoring rule"
)
def patch_scoring_rule(request: HttpRequest, rule_id: int, payload: ScoringRulePatchIn) -> Any:
    require(request.user, SCORING_RULE, "change")
    rule = get_object_or_404(ScoringRule, pk=rule_id)
    return scoring.update_scoring_rule(
        actor=request.user, rule=rule, **payload.dict(exclude_unset=True)
    )


@router.delete(
    "/lead-scoring-rules/{rule_id}", response={204: None}, summary="Remove a scoring rule"
)
def delete_scoring_rule(request: HttpRequest, rule_id: int) -> Any:
    require(request.user, SCORING_RULE, "delete")
    rule = get_object_or_404(ScoringRule, pk=rule_id)
    scoring.delete_scoring_rule(actor=request.user, rule=rule)
    return Status(204, None)
