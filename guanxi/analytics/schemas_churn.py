"""API schemas of churn risks and cross-sell. Risks 0–1; money in the base currency
(decimals, written as strings in JSON)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field

from guanxi.analytics.selectors_churn import crossings_of
from guanxi.analytics.services.churn_explain import describe_factor
from guanxi.customers.schemas import AccountRef, TeamRef, UserRef
from guanxi.sales.schemas_quotes import ProductRef


class FactorSchema(Schema):
    factor: str = Field(description="p_alive, trend, tickets or satisfaction")
    contribution: float = Field(description="What the factor adds to the risk")
    reason: str = Field(description="The factor in words, e.g. 'P(alive) 0.31 → +0.35'")
    inputs: dict[str, Any] = Field(description="The numbers behind the factor")


def _factors(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "factor": item.get("factor", ""),
            "contribution": item.get("contribution", 0.0),
            "reason": describe_factor(item),
            "inputs": {k: v for k, v in item.items() if k not in ("factor", "contribution")},
        }
        for item in items
    ]


class CrossingSchema(Schema):
    direction: str = Field(description="up (an alert was raised) or down")
    risk: float
    threshold: float
    crossed_at: datetime
    task_id: int | None = Field(description="The owner's task raised by an upward crossing")


class RiskSchema(Schema):
    account: AccountRef
    owner: UserRef
    team: TeamRef | None
    risk: float = Field(description="Churn risk, 0–1")
    level: str = Field(description="low, medium or high")
    level_label: str
    value_at_stake: Decimal = Field(description="Lifetime value (or predicted value) × risk")
    above_threshold: bool
    crossed_at: datetime | None = Field(description="When it last rose above the threshold")
    factors: list[FactorSchema]
    observation_end: date
    computed_at: datetime

    @staticmethod
    def resolve_owner(obj: Any) -> Any:
        return obj.account.owner

    @staticmethod
    def resolve_team(obj: Any) -> Any:
        return obj.account.team

    @staticmethod
    def resolve_level_label(obj: Any) -> str:
        return str(obj.get_level_display())

    @staticmethod
    def resolve_factors(obj: Any) -> list[dict[str, Any]]:
        return _factors(obj.factors)


class RiskDetailSchema(RiskSchema):
    crossings: list[CrossingSchema] = Field(description="The latest threshold crossings")

    @staticmethod
    def resolve_crossings(obj: Any) -> list[Any]:
        return crossings_of(obj.account)


class RiskPage(Schema):
    items: list[RiskSchema]
    next_cursor: str | None


class AssociationSchema(Schema):
    id: int
    antecedent: ProductRef = Field(description="Bought")
    consequent: ProductRef = Field(description="Also bought")
    pair_buyers: int = Field(description="Customers who bought both")
    antecedent_buyers: int
    consequent_buyers: int
    support: float = Field(description="Share of all buying customers who bought both")
    confidence: float = Field(description="Share of the antecedent's buyers who bought both")
    lift: float = Field(description="Confidence ÷ share of customers who bought the consequent")
    computed_at: datetime


class AssociationPage(Schema):
    items: list[AssociationSchema]
    next_cursor: str | None


class SuggestionSchema(Schema):
    kind: str = Field(description="cross_sell or up_sell")
    product: ProductRef
    because: ProductRef = Field(description="The product bought that led to the suggestion")
    confidence: float | None
    lift: float | None
    pair_buyers: int | None
    antecedent_buyers: int | None
    price: Decimal | None = Field(description="Up-sell: average unit price paid")
    because_price: Decimal | None


class SuggestionsSchema(Schema):
    cross_sell: list[SuggestionSchema]
    up_sell: list[SuggestionSchema]
