"""API schemas for deals, the board and pipelines."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field

from guanxi.customers.schemas import AccountRef, TeamRef, UserRef


class StageSchema(Schema):
    id: int
    name: str = Field(validation_alias="display_name")
    code: str
    position: int
    probability: int
    kind: str


class PipelineSchema(Schema):
    id: int
    name: str
    is_default: bool
    is_active: bool
    position: int
    stages: list[StageSchema]

    @staticmethod
    def resolve_stages(obj: Any) -> list[Any]:
        return list(obj.stages.all())


class StageIn(Schema):
    id: int | None = Field(default=None, description="An existing stage; leave out for a new one")
    name: str
    probability: int = Field(default=10, ge=0, le=100)
    kind: str = Field(default="open", description="open, won or lost")


class PipelineIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    is_default: bool = False
    position: int | None = None
    stages: list[StageIn] | None = Field(
        default=None, description="In order; default: New, Won, Lost"
    )


class PipelinePatchIn(Schema):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    is_default: bool | None = None
    is_active: bool | None = None
    position: int | None = None
    stages: list[StageIn] | None = Field(
        default=None,
        description="The whole ordered list; stages left out are deleted (refused while "
        "they have deals or are named in a deal's history)",
    )


class ContactRef(Schema):
    id: int
    full_name: str


class DealSchema(Schema):
    id: int
    name: str
    account: AccountRef
    contact: ContactRef | None
    primary_contact: ContactRef | None = Field(
        default=None, description="The account's one named person"
    )
    pipeline_id: int
    stage: StageSchema
    stage_entered_at: datetime
    amount: Decimal
    currency: str
    probability: int
    expected_close: date | None
    forecast_category: str
    next_step: str
    competitors: str
    lost_reason: str
    lost_note: str
    closed_at: datetime | None
    description: str
    owner: UserRef
    team: TeamRef | None
    tags: list[str]
    custom_fields: dict[str, Any]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_tags(obj: Any) -> list[str]:
        return [tag.name for tag in obj.tags.all()]

    @staticmethod
    def resolve_primary_contact(obj: Any) -> Any:
        links = getattr(obj.account, "primary_links", None)
        return links[0].contact if links else None


class DealPage(Schema):
    items: list[DealSchema]
    next_cursor: str | None


class DealIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    account_id: int
    contact_id: int | None = None
    pipeline_id: int | None = Field(default=None, description="Default: the default pipeline")
    stage_id: int | None = Field(default=None, description="Default: its first open stage")
    amount: Decimal = Decimal("0")
    currency: str = "CNY"
    probability: int | None = Field(default=None, description="Default: the stage's")
    expected_close: date | None = None
    forecast_category: str = "pipeline"
    next_step: str = ""
    competitors: str = ""
    description: str = ""
    lost_reason: str = ""
    lost_note: str = ""
    owner_id: int | None = Field(default=None, description="Default: you")
    team_id: int | None = Field(default=None, description="Default: the owner's first team")
    tags: list[str] = Field(default_factory=list)
    custom_fields: dict[str, Any] = Field(default_factory=dict)


class DealPatchIn(Schema):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    account_id: int | None = None
    contact_id: int | None = None
    amount: Decimal | None = None
    currency: str | None = None
    probability: int | None = None
    expected_close: date | None = None
    forecast_category: str | None = None
    next_step: str | None = None
    competitors: str | None = None
    description: str | None = None
    owner_id: int | None = None
    team_id: int | None = None
    tags: list[str] | None = Field(default=None, description="Replaces the tags")
    custom_fields: dict[str, Any] | None = Field(
        default=None, description="Changes only the keys given"
    )


class MoveIn(Schema):
    stage_id: int
    lost_reason: str | None = Field(default=None, description="Required for a lost stage")
    lost_note: str = ""


class CardSchema(Schema):
    id: int
    name: str
    account: AccountRef
    primary_contact: ContactRef | None = None
    amount: Decimal
    currency: str
    owner: UserRef
    expected_close: date | None
    days_in_stage: int

    @staticmethod
    def resolve_primary_contact(obj: Any) -> Any:
        links = getattr(obj.account, "primary_links", None)
        return links[0].contact if links else None


class TotalSchema(Schema):
    currency: str
    amount: Decimal


class ColumnSchema(Schema):
    stage: StageSchema
    count: int
    totals: list[TotalSchema]
    cards: list[CardSchema]


class BoardSchema(Schema):
    pipeline: PipelineSchema
    columns: list[ColumnSchema]
    won: ColumnSchema | None
    lost: ColumnSchema | None


class DealActivityIn(Schema):
    kind: str = Field(description="call, email, meeting, note or task")
    subject: str = Field(min_length=1, max_length=200)
    body: str = ""
    direction: str = ""
    at: datetime | None = None
    ends_at: datetime | None = None
    location: str = ""
