"""API schemas for leads, their rules, conversion and the quality report."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field

from guanxi.customers.schemas import TeamRef, UserRef


class ScoreReason(Schema):
    rule: str
    points: int
    why: str


class LeadSchema(Schema):
    id: int
    status: str
    source: str
    family_name: str
    given_name: str
    full_name: str
    name_pinyin: str
    company: str
    title: str
    email: str
    phone: str
    country: str
    province: str
    city: str
    industry: str
    size: str
    description: str
    wants_call: bool
    first_contact_due: datetime | None
    first_contacted_at: datetime | None
    score: int
    score_reasons: list[ScoreReason]
    predicted_score: float | None = Field(description="Not computed yet: always null")
    assignment_reason: str
    disqualify_reason: str
    disqualify_note: str
    consent_email: bool
    consent_wording: str
    converted_at: datetime | None
    converted_account_id: int | None
    converted_contact_id: int | None
    converted_deal_id: int | None
    owner: UserRef
    team: TeamRef | None
    tags: list[str] = Field(description="Tag names")
    custom_fields: dict[str, Any]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_tags(obj: Any) -> list[str]:
        return [tag.name for tag in obj.tags.all()]


class LeadPage(Schema):
    items: list[LeadSchema]
    next_cursor: str | None


class LeadIn(Schema):
    family_name: str = Field(min_length=1, max_length=100)
    given_name: str = ""
    company: str = ""
    title: str = ""
    email: str = ""
    phone: str = Field(default="", description="Any format; stored in E.164")
    source: str = "api"
    country: str = "CN"
    province: str = Field(default="", description="Province code or name")
    city: str = ""
    industry: str = ""
    size: str = ""
    description: str = ""
    wants_call: bool = False
    consent_email: bool = False
    consent_wording: str = ""
    owner: int | None = Field(default=None, description="User id; default: the assignment rules")
    team: int | None = None
    tags: list[str] = Field(default_factory=list)
    custom_fields: dict[str, Any] = Field(default_factory=dict)


class LeadPatchIn(Schema):
    family_name: str | None = Field(default=None, min_length=1, max_length=100)
    given_name: str | None = None
    company: str | None = None
    title: str | None = None
    email: str | None = None
    phone: str | None = None
    source: str | None = None
    country: str | None = None
    province: str | None = None
    city: str | None = None
    industry: str | None = None
    size: str | None = None
    description: str | None = None
    wants_call: bool | None = None
    consent_email: bool | None = None
    consent_wording: str | None = None
    owner: int | None = None
    team: int | None = None
    tags: list[str] | None = None
    custom_fields: dict[str, Any] | None = None


class DisqualifyIn(Schema):
    reason: str
    note: str = ""


class LeadActivityIn(Schema):
    kind: str
    subject: str
    body: str = ""
    at: datetime | None = None
    direction: str = ""


class ActivityOut(Schema):
    id: int
    kind: str
    subject: str
    at: datetime
    status: str


class CandidateRef(Schema):
    id: int
    name: str
    matched_by: str = Field(description="name, email, phone or contact")


class CandidatesOut(Schema):
    accounts: list[CandidateRef]
    contacts: list[CandidateRef]


class ConvertIn(Schema):
    account_id: int | None = Field(default=None, description="Link this account; null: create")
    contact_id: int | None = Field(default=None, description="Link this contact; null: create")
    create_deal: bool = True
    deal_name: str = ""
    amount: Decimal = Decimal("0")


class ConvertOut(Schema):
    lead: LeadSchema
    account_id: int | None
    contact_id: int
    deal_id: int | None
    account_created: bool
    contact_created: bool


class AssignmentRuleSchema(Schema):
    id: int
    position: int
    name: str
    field: str
    value: str
    method: str
    user_id: int | None
    team_id: int | None
    last_assigned_id: int | None
    is_active: bool


class AssignmentRuleIn(Schema):
    name: str
    field: str = ""
    value: str = ""
    method: str = "user"
    user_id: int | None = None
    team_id: int | None = None
    is_active: bool = True


class AssignmentRulePatchIn(Schema):
    name: str | None = None
    field: str | None = None
    value: str | None = None
    method: str | None = None
    user_id: int | None = None
    team_id: int | None = None
    is_active: bool | None = None
    move: int | None = Field(default=None, description="-1: one place up, 1: one place down")


class ScoringRuleSchema(Schema):
    id: int
    name: str
    field: str
    value: str
    points: int
    is_active: bool


class ScoringRuleIn(Schema):
    name: str
    field: str
    value: str = ""
    points: int
    is_active: bool = True


class ScoringRulePatchIn(Schema):
    name: str | None = None
    field: str | None = None
    value: str | None = None
    points: int | None = None
    is_active: bool | None = None


class RescoreOut(Schema):
    changed: int


class SourceQualitySchema(Schema):
    source: str
    label: str
    leads: int
    average_score: float
    qualified_pct: float
    converted_pct: float
    disqualified_pct: float
