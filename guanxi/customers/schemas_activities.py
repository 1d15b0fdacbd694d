"""API schemas for activities, the timeline and My day."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import Field


class ActivitySchema(Schema):
    id: int
    kind: str
    subject: str
    body: str
    direction: str
    at: datetime
    ends_at: datetime | None
    location: str
    status: str
    completed_at: datetime | None
    assignee_id: int | None
    reminder_at: datetime | None
    owner_id: int
    team_id: int | None
    account_ids: list[int]
    contact_ids: list[int]
    email_from: str
    email_to: str
    message_id: str
    custom_fields: dict[str, Any]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_account_ids(obj: Any) -> list[int]:
        return sorted(a.pk for a in obj.accounts.all())

    @staticmethod
    def resolve_contact_ids(obj: Any) -> list[int]:
        return sorted(c.pk for c in obj.contacts.all())


class ActivityPage(Schema):
    items: list[ActivitySchema]
    next_cursor: str | None


class ActivityIn(Schema):
    kind: str = Field(description="call, email, meeting, note or task")
    subject: str = Field(min_length=1, max_length=200)
    body: str = ""
    direction: str = Field(default="", description="inbound or outbound (calls and emails)")
    at: datetime | None = Field(
        default=None,
        description="when it happened, when the meeting starts or when the task is due; "
        "calls, emails and notes default to now",
    )
    ends_at: datetime | None = None
    location: str = ""
    status: str | None = Field(
        default=None, description="open, done or cancelled; defaults by kind and time"
    )
    assignee_id: int | None = None
    reminder_at: datetime | None = None
    account_ids: list[int] = Field(default_factory=list)
    contact_ids: list[int] = Field(default_factory=list)
    owner_id: int | None = None
    team_id: int | None = None
    custom_fields: dict[str, Any] = Field(default_factory=dict)


class ActivityPatchIn(Schema):
    kind: str | None = None
    subject: str | None = Field(default=None, min_length=1, max_length=200)
    body: str | None = None
    direction: str | None = None
    at: datetime | None = None
    ends_at: datetime | None = None
    location: str | None = None
    status: str | None = None
    assignee_id: int | None = None
    reminder_at: datetime | None = None
    account_ids: list[int] | None = None
    contact_ids: list[int] | None = None
    owner_id: int | None = None
    team_id: int | None = None
    custom_fields: dict[str, Any] | None = None


class TimelineEntrySchema(Schema):
    at: datetime
    source: str
    id: int
    kind: str
    kind_label: str
    title: str
    body: str
    actor: str
    url: str


class TimelinePage(Schema):
    items: list[TimelineEntrySchema]
    next_cursor: str | None


class AgendaSchema(Schema):
    day: str
    overdue: list[ActivitySchema]
    today: list[ActivitySchema]
    meetings: list[ActivitySchema]
