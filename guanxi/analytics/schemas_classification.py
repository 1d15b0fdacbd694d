"""API schemas of customer classification: classes with their reasons, lifecycle
transitions, the flow between stages, the rules and their preview."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field

from guanxi.customers.schemas import AccountRef, UserRef


class ExplainedSchema(Schema):
    dimension: str = Field(description="purchase, value, needs or loyalty")
    code: str = Field(description="The class code; needs may be empty (no signal yet)")
    label: str
    reason: str = Field(description="Why, with the numbers and the rule, in the caller's language")


class ClassSchema(Schema):
    account: AccountRef
    purchase: str = Field(description="regular, occasional, potential or lost")
    value: str = Field(description="high, medium, low or negative")
    needs: str = Field(description="functional, quality, emotional, social or empty")
    loyalty: str = Field(description="high, medium, low or none")
    stage: str = Field(description="potential, new, growth, mature, decline or churned")
    stage_since: date
    is_key_account: bool
    key_reasons: list[dict[str, Any]] = Field(description="Codes and numbers of the reasons")
    margin: Decimal = Field(description="Net value in the period (base currency)")
    inputs: dict[str, Any] = Field(description="The measures the rules were applied to")
    rules_version: int
    observation_end: date
    computed_at: datetime

    @staticmethod
    def resolve_rules_version(obj: Any) -> int:
        return int(obj.rules.version)


class ClassDetailSchema(ClassSchema):
    explained: list[ExplainedSchema]
    key_reasons_text: list[str]
    stage_reason: str


class ClassPage(Schema):
    items: list[ClassSchema]
    next_cursor: str | None


class TransitionSchema(Schema):
    id: int
    from_stage: str = Field(description="Empty when the customer was first classified")
    to_stage: str
    date: date
    reason: dict[str, Any]
    reason_text: str
    rules_version: int


class FlowMonthSchema(Schema):
    month: date
    entered: dict[str, int] = Field(description="Stage → customers who entered it")
    moves: list[tuple[str, str, int]] = Field(description="(from, to, customers)")


class FlowSchema(Schema):
    months: list[FlowMonthSchema]
    matrix: dict[str, dict[str, int]] = Field(description="from → to → customers over the period")
    current: dict[str, int] = Field(description="Customers in each stage now")


class NeedMappingSchema(Schema):
    source: str = Field(description="category, tag or survey")
    match: str
    need: str = Field(description="functional, quality, emotional or social")


class RulesIn(Schema):
    """Any subset of the rules; the others keep their current values."""

    window_months: int | None = None
    regular_min_orders: int | None = None
    lost_after_days: int | None = None
    value_high_min: float | None = None
    value_medium_min: float | None = None
    ticket_cost: float | None = None
    visit_cost: float | None = None
    loyalty_tenure_days: int | None = None
    loyalty_repeat_rate: float | None = None
    loyalty_category_share: float | None = None
    nps_promoter_min: int | None = None
    nps_detractor_max: int | None = None
    loyalty_high_points: int | None = None
    loyalty_medium_points: int | None = None
    needs_tag_weight: float | None = None
    needs_survey_weight: float | None = None
    new_days: int | None = None
    decline_days: int | None = None
    decline_drop: float | None = None
    growth_rise: float | None = None
    mature_days: int | None = None
    key_growth_rise: float | None = None
    key_growth_min_revenue: float | None = None
    needs_mapping: list[NeedMappingSchema] | None = None


class RulesSchema(Schema):
    version: int
    rules: dict[str, Any]
    created_at: datetime
    created_by: UserRef | None


class PreviewSchema(Schema):
    customers: int
    changed: dict[str, int] = Field(description="Per dimension, customers whose class would change")
    moves: dict[str, list[tuple[str, str, int]]] = Field(
        description='Per dimension, (from, to, customers); "" = not classified'
    )
    totals: dict[str, dict[str, int]] = Field(description="Per dimension, customers per class")
    key_accounts_now: int
    key_accounts_after: int
