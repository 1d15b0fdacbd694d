"""API schemas of satisfaction surveys. Inputs forbid unknown fields."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import ConfigDict, Field

from guanxi.customers.schemas import AccountRef
from guanxi.sales.schemas_deals import ContactRef


class SurveyTicketRef(Schema):
    id: int
    number: str
    subject: str


class SurveySchema(Schema):
    id: int
    kind: str = Field(description="csat (score 1–5) or nps (score 0–10)")
    ticket: SurveyTicketRef | None = Field(description="The solved ticket of a CSAT survey")
    contact: ContactRef | None
    account: AccountRef | None
    email: str = Field(description="The address the survey went to")
    language: str
    sent_at: datetime
    delivery: str = Field(description="queued, sent or failed")
    score: int | None = Field(description="null until answered")
    comment: str
    answered_at: datetime | None = Field(description="The first answer")
    changed_at: datetime | None = Field(description="The last change of the answer")
    follow_up_id: int | None = Field(description="The task a low score opened")


class SurveyPage(Schema):
    items: list[SurveySchema]
    next_cursor: str | None


class CsatSummarySchema(Schema):
    sent: int
    answered: int
    response_rate: float | None = Field(description="% of the sent surveys answered")
    average: float | None
    satisfied: int = Field(description="Answers of 4 or 5")
    satisfied_percent: float | None = Field(description="% of the answers that are 4 or 5")


class NpsSummarySchema(Schema):
    sent: int
    answered: int
    response_rate: float | None
    average: float | None
    promoters: int = Field(description="Answers of 9 or 10")
    passives: int = Field(description="Answers of 7 or 8")
    detractors: int = Field(description="Answers of 0 to 6")
    nps: int | None = Field(description="% promoters − % detractors (−100 to 100)")


class SurveySummarySchema(Schema):
    csat: CsatSummarySchema
    nps: NpsSummarySchema


class SurveyAnswerIn(Schema):
    model_config = ConfigDict(extra="forbid")

    score: int = Field(description="1–5 for a CSAT survey, 0–10 for an NPS survey")
    comment: str = ""


class SurveyAnswerSchema(Schema):
    """What the customer sees of their own answer."""

    kind: str
    score: int | None
    comment: str
    answered_at: datetime | None
