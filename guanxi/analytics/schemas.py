"""API schemas of customer analytics. Money in the base currency (decimals, written as
strings in JSON); times in weeks; predictions null while no model could be fitted."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field

from guanxi.customers.schemas import AccountRef, UserRef


class ScoreSchema(Schema):
    account: AccountRef
    segment: str = Field(description="champions, loyal, potential_loyalists, … (docs/analytics.md)")
    segment_label: str
    recency_score: int = Field(description="R, 1–5 (5: most recent)")
    frequency_score: int = Field(description="F, 1–5")
    monetary_score: int = Field(description="M, 1–5")
    recency_days: int = Field(description="Days since the last order at observation_end")
    orders_count: int
    total_spend: Decimal = Field(description="Confirmed orders less returns")
    first_order_date: date
    last_order_date: date
    frequency: int = Field(description="x: repeat purchase days")
    recency: float = Field(description="t_x: weeks from the first to the last purchase")
    age: float = Field(description="T: weeks from the first purchase to observation_end")
    monetary: Decimal = Field(description="m: mean repeat purchase")
    p_alive: float | None = Field(description="Probability the customer is still active")
    expected_purchases: float | None = Field(description="Purchases in the next horizon_months")
    expected_spend: Decimal | None = Field(description="Expected spend per purchase")
    predicted_value: Decimal | None = Field(description="Expected spend in the next horizon_months")
    clv: Decimal | None = Field(description="Discounted lifetime value over horizon_months")
    horizon_months: int
    observation_end: date
    computed_at: datetime

    @staticmethod
    def resolve_segment_label(obj: Any) -> str:
        return str(obj.get_segment_display())


class ScorePage(Schema):
    items: list[ScoreSchema]
    next_cursor: str | None


class ModelFitSchema(Schema):
    id: int
    kind: str = Field(description="rfm, bgnbd, gamma_gamma or holdout")
    parameters: dict[str, Any]
    log_likelihood: float | None
    customers: int
    iterations: int
    observation_end: date
    fitted_at: datetime


class RunSchema(Schema):
    id: int
    kind: str
    status: str = Field(description="queued, running, done or failed")
    customers_total: int
    customers_done: int
    note: str = Field(description="e.g. why no lifetime-value model could be fitted")
    requested_by: UserRef | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class ModelsSchema(Schema):
    rfm: ModelFitSchema | None
    bgnbd: ModelFitSchema | None
    gamma_gamma: ModelFitSchema | None
    holdout: ModelFitSchema | None = Field(
        description=(
            "The latest calibration vs holdout check: BG/NBD refitted up to "
            "parameters.calibration_end, with total_actual / total_predicted purchases "
            "in the holdout weeks and buckets by repeat purchases before the cut-off"
        )
    )
    last_run: RunSchema | None
