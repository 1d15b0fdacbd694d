"""API schemas of the service reports (the same figures as the page; see
docs/service-reports.md for what each means)."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema
from pydantic import Field


class ReportRowSchema(Schema):
    """The figures of one period or one row of a table."""

    key: int | date | str | None = Field(
        description="The period's first day, or the team / agent / category / product id, "
        "or the channel; null for tickets without one"
    )
    label: str
    created: int = Field(description="Tickets created in the range (or period)")
    solved: int = Field(description="Tickets solved in the range (or period)")
    backlog: int = Field(description="Tickets still unresolved at the end of the range (period)")
    first_response_median_hours: float | None
    first_response_average_hours: float | None
    resolution_median_hours: float | None
    resolution_average_hours: float | None
    first_response_sla_percent: float | None = Field(
        description="Met ÷ (met + missed) of the first-response targets of tickets created "
        "in the range; null when none is decided"
    )
    resolution_sla_percent: float | None
    sla_first_response_met: int
    sla_first_response_missed: int
    sla_resolution_met: int
    sla_resolution_missed: int
    csat_responses: int
    csat_percent: float | None = Field(description="Share of CSAT answers 4 or 5 (of 5)")
    csat_average: float | None
    nps_responses: int
    nps_promoters: int
    nps_detractors: int
    nps: float | None = Field(description="% promoters (9–10) − % detractors (0–6)")


class ReportFiltersSchema(Schema):
    date_from: date
    date_to: date
    period: str
    team: int | None = Field(None, alias="team_id")
    agent: int | None = Field(None, alias="owner_id")
    channel: str
    category: int | None = Field(None, alias="category_id")
    product: int | None = Field(None, alias="product_id")
    priority: str


class ServiceReportSchema(Schema):
    filters: ReportFiltersSchema
    generated_at: datetime
    totals: ReportRowSchema
    periods: list[ReportRowSchema]
    team: list[ReportRowSchema]
    agent: list[ReportRowSchema]
    channel: list[ReportRowSchema]
    category: list[ReportRowSchema]
    product: list[ReportRowSchema]


class ReportTableSchema(Schema):
    filters: ReportFiltersSchema
    generated_at: datetime
    table: str
    rows: list[ReportRowSchema]
