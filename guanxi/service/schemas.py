"""API schemas for tickets and their conversation, categories, SLA policies and business
calendars.

Inputs forbid unknown fields (``body.status`` sent to ``PATCH /tickets/{id}`` is refused
by name, never ignored). Times are ISO 8601 with their offset; SLA times are null when
no policy applies to the ticket.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field

from guanxi.customers.schemas import AccountRef, TeamRef, UserRef
from guanxi.sales.schemas_deals import ContactRef
from guanxi.sales.schemas_quotes import ProductRef, TierRef

# --- outputs ---------------------------------------------------------------------------------


class CategoryRef(Schema):
    id: int
    name: str


class SlaPolicyRef(Schema):
    id: int
    name: str


class TicketSchema(Schema):
    id: int
    number: str
    subject: str
    channel: str = Field(description="email, web, phone, api or agent")
    category: CategoryRef | None
    priority: str = Field(description="low, normal, high or urgent")
    status: str = Field(description="new, open, pending, on_hold, solved or closed")
    account: AccountRef | None
    contact: ContactRef | None
    requester_name: str
    requester_email: str
    product: ProductRef | None
    serial: str | None = Field(description="The unit's serial number, if known")
    owner: UserRef | None = Field(description="The agent working the ticket")
    team: TeamRef | None
    language: str
    sla_policy: SlaPolicyRef | None = Field(description="null: no policy applies")
    first_response_due: datetime | None
    resolution_due: datetime | None = Field(
        description="Moves later by the business time spent pending the customer"
    )
    first_responded_at: datetime | None = Field(description="The first public reply")
    solved_at: datetime | None
    closed_at: datetime | None
    paused_at: datetime | None = Field(
        description="Pending the customer since (the clocks are stopped)"
    )
    first_response_breached_at: datetime | None
    resolution_breached_at: datetime | None
    breached: bool = Field(description="A due time was missed")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_serial(obj: Any) -> str | None:
        return obj.serial.serial if obj.serial_id and obj.serial is not None else None

    @staticmethod
    def resolve_breached(obj: Any) -> bool:
        return bool(obj.first_response_breached_at or obj.resolution_breached_at)


class TicketMessageSchema(Schema):
    id: int
    kind: str = Field(
        description="customer (from the customer), reply (public) or note (internal: "
        "colleagues only, never shown to the customer)"
    )
    is_public: bool
    body: str
    author: UserRef | None = Field(description="The user who wrote it; null: the customer")
    author_name: str
    author_email: str
    channel: str
    delivery: str = Field(description="Public replies by e-mail: queued, sent or failed")
    created_at: datetime


class EscalationSchema(Schema):
    id: int
    level: int = Field(description="1 for the ticket's first escalation, then 2, …")
    automatic: bool = Field(description="true: escalated by the SLA clocks on a breach")
    from_user: UserRef | None = Field(description="Who escalated; null: automatic")
    to_user: UserRef | None = Field(description="Who received the ticket")
    to_team: TeamRef | None
    reason: str
    tried_so_far: str = Field(description="What was tried, for the receiver to read first")
    rule_name: str = Field(
        description="The escalation rule that escalated it; empty: by hand or on a breach"
    )
    created_at: datetime


class TicketDetailSchema(TicketSchema):
    warned_at: datetime | None = Field(description="When the breach warning went out")
    paused_seconds: int = Field(description="Business seconds spent pending the customer")
    created_by: UserRef | None = Field(description="null: opened by the customer")
    messages: list[TicketMessageSchema] = Field(
        description="The conversation, oldest first, internal notes included"
    )

    escalation_level: int = Field(description="How many times the ticket was escalated")
    escalations: list[EscalationSchema] = Field(
        description="The ticket's escalations, oldest first: read them before the messages"
    )

    @staticmethod
    def resolve_messages(obj: Any) -> list[Any]:
        return list(obj.messages.all())

    @staticmethod
    def resolve_escalations(obj: Any) -> list[Any]:
        return list(obj.escalations.select_related("from_user", "to_user", "to_team"))


class TicketPage(Schema):
    items: list[TicketSchema]
    next_cursor: str | None


class AccountTicketSchema(Schema):
    """An unresolved ticket as a customer's page shows it to sales (story 10)."""

    id: int
    number: str
    subject: str
    status: str
    priority: str
    owner: UserRef | None
    resolution_due: datetime | None
    breached: bool
    created_at: datetime

    @staticmethod
    def resolve_breached(obj: Any) -> bool:
        return bool(obj.first_response_breached_at or obj.resolution_breached_at)


class CategorySchema(Schema):
    id: int
    name: str
    name_zh: str
    team: TeamRef | None = Field(description="New tickets of the category go to this team")
    is_active: bool


class CalendarRef(Schema):
    id: int
    name: str


class SlaPolicySchema(Schema):
    id: int
    name: str
    priority: str
    tier: TierRef | None = Field(description="null: customers of every tier")
    first_response_minutes: int = Field(description="Business minutes of the calendar")
    resolution_minutes: int
    warn_percent: int = Field(description="Warn when this share of the time is used")
    calendar: CalendarRef
    is_active: bool


class OpeningHoursSchema(Schema):
    weekday: int = Field(description="0 = Monday")
    opens: time
    closes: time


class CalendarDaySchema(Schema):
    id: int
    date: date
    kind: str = Field(description="holiday (closed) or workday (a make-up working day)")
    name: str


class BusinessCalendarSchema(Schema):
    id: int
    name: str
    timezone: str
    is_default: bool
    hours: list[OpeningHoursSchema]
    days: list[CalendarDaySchema] = Field(description="Holidays and make-up days, by date")

    @staticmethod
    def resolve_hours(obj: Any) -> list[Any]:
        return list(obj.hours.all())

    @staticmethod
    def resolve_days(obj: Any) -> list[Any]:
        return list(obj.days.all())


# --- inputs ----------------------------------------------------------------------------------


class TicketIn(Schema):
    """A ticket entered for a customer; the customer is found by ``requester_email``
    when no contact is given."""

    model_config = ConfigDict(extra="forbid")

    subject: str
    body: str = Field(description="The customer's first message")
    channel: str = Field(default="api", description="api, email, web, phone or agent")
    priority: str = "normal"
    category_id: int | None = Field(default=None, description="Routes to the category's team")
    account_id: int | None = None
    contact_id: int | None = None
    product_id: int | None = None
    serial: str | None = Field(
        default=None, description="A serial number sold (of the product, when given)"
    )
    requester_name: str = ""
    requester_email: str = ""


class TicketPatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    subject: str | None = None
    priority: str | None = Field(default=None, description="Recomputes the due times")
    category_id: int | None = Field(default=None, description="null: no category")
    account_id: int | None = Field(default=None, description="null: no account")
    contact_id: int | None = Field(default=None, description="null: no contact")
    product_id: int | None = Field(default=None, description="null: no product")
    serial: str | None = Field(default=None, description="null: no serial number")


class ReplyIn(Schema):
    model_config = ConfigDict(extra="forbid")

    body: str
    status: str | None = Field(
        default=None, description="The ticket's status after the reply; default: open"
    )


class NoteIn(Schema):
    model_config = ConfigDict(extra="forbid")

    body: str


class StatusIn(Schema):
    model_config = ConfigDict(extra="forbid")

    status: str = Field(description="new, open, pending, on_hold, solved or closed")


class EscalationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(description="Why the ticket goes up")
    tried_so_far: str = Field(description="What was tried so far (shown above the thread)")
    to_user_id: int | None = Field(
        default=None, description="The receiver; null: a manager of the ticket's team"
    )


class AssignIn(Schema):
    model_config = ConfigDict(extra="forbid")

    owner_id: int | None = Field(
        default=None, description="The agent; null: the team's least-loaded agent"
    )
    team_id: int | None = Field(default=None, description="null: the ticket's team stays")


# --- set-up inputs ---------------------------------------------------------------------------


class CategoryIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str
    name_zh: str = ""
    team_id: int | None = Field(default=None, description="null: tickets are routed by hand")
    is_active: bool = True


class CategoryPatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    name_zh: str | None = None
    team_id: int | None = Field(default=None, description="null: tickets are routed by hand")
    is_active: bool | None = Field(
        default=None, description="false: retired (its tickets keep it, new ones cannot)"
    )


class SlaPolicyIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str
    priority: str = Field(description="low, normal, high or urgent")
    tier_id: int | None = Field(default=None, description="null: customers of every tier")
    first_response_minutes: int = Field(description="Business minutes of the calendar")
    resolution_minutes: int
    warn_percent: int = 80
    calendar_id: int | None = Field(default=None, description="Default: the default calendar")
    is_active: bool = True


class SlaPolicyPatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    priority: str | None = None
    tier_id: int | None = Field(default=None, description="null: customers of every tier")
    first_response_minutes: int | None = None
    resolution_minutes: int | None = None
    warn_percent: int | None = None
    calendar_id: int | None = None
    is_active: bool | None = None


class CalendarDayIn(Schema):
    model_config = ConfigDict(extra="forbid")

    date: date
    kind: str = Field(description="holiday (closed) or workday (open with Monday's hours)")
    name: str = ""


class SpanIn(Schema):
    model_config = ConfigDict(extra="forbid")

    opens: time
    closes: time


class OpeningHoursIn(Schema):
    model_config = ConfigDict(extra="forbid")

    spans: list[SpanIn] = Field(description="The day's open periods; none: closed")
