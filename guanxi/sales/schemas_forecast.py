"""API schemas for the forecast, targets, performance and suggested owners."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from guanxi.customers.schemas import TeamRef, UserRef


class FiguresSchema(Schema):
    won: Decimal = Field(description="Won (closed) in the period")
    commit: Decimal
    best_case: Decimal
    pipeline: Decimal
    omitted: Decimal
    weighted: Decimal = Field(description="Σ amount × probability of open deals")
    projected: Decimal = Field(description="Open deals × their stage's historical win rate")


class PeriodFiguresSchema(Schema):
    start: date
    end: date = Field(description="Last day of the period")
    label: str
    figures: FiguresSchema


class ForecastRowSchema(Schema):
    id: int | None = Field(description="The rep's or team's id (null: deals without team)")
    label: str
    currency: str
    periods: list[PeriodFiguresSchema]
    total: FiguresSchema


class StageStatSchema(Schema):
    stage_id: int
    stage: str
    pipeline_id: int
    closed: int = Field(description="Closed deals that passed through the stage")
    won: int
    win_rate: float | None = Field(description="Null without history: the stage's probability")
    median_days: float | None


class ForecastSchema(Schema):
    period: str
    group: str
    rows: list[ForecastRowSchema]
    totals: list[ForecastRowSchema]
    stages: list[StageStatSchema]


class TargetSchema(Schema):
    id: int
    user: UserRef | None
    team: TeamRef | None
    period_start: date
    period_end: date
    amount: Decimal
    currency: str


class TargetPage(Schema):
    items: list[TargetSchema]
    next_cursor: str | None


class TargetIn(Schema):
    user_id: int | None = Field(default=None, description="A rep; or give team_id")
    team_id: int | None = None
    period_start: date
    period_end: date
    amount: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    currency: str = Field(default="CNY", min_length=3, max_length=3)


class PerformanceRowSchema(Schema):
    rep: UserRef
    currency: str
    target: Decimal | None
    won_amount: Decimal
    won: int
    lost: int
    attainment: Decimal | None = Field(description="Percent of target")
    win_rate: Decimal | None = Field(description="Percent of deals closed in the period")
    average_deal: Decimal | None
    average_cycle_days: Decimal | None = Field(description="Days from created to won")
    calls: int
    meetings: int
    emails: int
    open_deals: int
    open_amount: Decimal


class TeamPerformanceSchema(Schema):
    team: TeamRef
    currency: str
    target: Decimal | None
    won_amount: Decimal
    attainment: Decimal | None


class PerformanceSchema(Schema):
    start: date
    end: date
    reps: list[PerformanceRowSchema]
    teams: list[TeamPerformanceSchema]


class SuggestedOwnerSchema(Schema):
    user: UserRef
    score: float = Field(description="Shrunk win rate, 0–1")
    wins: int = Field(description="Similar deals won")
    closed: int = Field(description="Similar deals closed: what the figure rests on")
    open_deals: int
    open_amount: Decimal = Field(description="Open amount in the deal's currency")
    is_current_owner: bool


class SuggestedOwnersSchema(Schema):
    criteria: list[str] = Field(description="Similarity used: size, industry, region")
    similar: int
    overall_rate: float
    alpha: float
    beta: float
    owners: list[SuggestedOwnerSchema]
