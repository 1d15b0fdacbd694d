"""API schemas of escalation rules and their preview."""

from __future__ import annotations

from ninja import Schema
from pydantic import ConfigDict, Field

from guanxi.customers.schemas import TeamRef, UserRef
from guanxi.sales.schemas_quotes import TierRef
from guanxi.service.schemas import CategoryRef

PRIORITIES = "low, normal, high, urgent"
STATUSES = "new, open, pending, on_hold"


class EscalationRuleSchema(Schema):
    id: int
    name: str
    position: int = Field(description="Rules are tried by position, lowest first")
    is_active: bool
    priorities: list[str] = Field(description=f"Condition: priority one of {PRIORITIES}")
    statuses: list[str] = Field(
        description=f"Condition: status one of {STATUSES}; empty: any unresolved"
    )
    category: CategoryRef | None = Field(description="Condition: the ticket's category")
    tier: TierRef | None = Field(description="Condition: the customer's tier")
    team: TeamRef | None = Field(description="Condition: the ticket's team")
    keywords: str = Field(description="Condition: any of these words in subject or messages")
    no_reply_hours: int | None = Field(
        description="Condition: the customer waited this many business hours for a reply"
    )
    open_hours: int | None = Field(description="Condition: open this many business hours")
    first_response_due_minutes: int | None = Field(
        description="Condition: not answered yet, first response due within these minutes"
    )
    to_user: UserRef | None = Field(description="Who receives; null: the supervisor")
    to_team: TeamRef | None = Field(
        description="Whose supervisor receives (without to_user); null: the ticket's team's"
    )
    reason: str = Field(description="Shown on each escalation the rule makes")


class EscalationRuleIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str
    reason: str
    priorities: list[str] = Field(default_factory=list, description=PRIORITIES)
    statuses: list[str] = Field(default_factory=list, description=STATUSES)
    category_id: int | None = None
    tier_id: int | None = None
    team_id: int | None = None
    keywords: str = Field(default="", description="Comma-separated; any one must appear")
    no_reply_hours: int | None = Field(default=None, description="1 to 10000")
    open_hours: int | None = Field(default=None, description="1 to 10000")
    first_response_due_minutes: int | None = Field(default=None, description="0 to 100000")
    to_user_id: int | None = None
    to_team_id: int | None = None
    is_active: bool = True


class EscalationRulePatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    reason: str | None = None
    priorities: list[str] | None = None
    statuses: list[str] | None = None
    category_id: int | None = None
    tier_id: int | None = None
    team_id: int | None = None
    keywords: str | None = None
    no_reply_hours: int | None = None
    open_hours: int | None = None
    first_response_due_minutes: int | None = None
    to_user_id: int | None = None
    to_team_id: int | None = None
    is_active: bool | None = Field(default=None, description="false: the rule is paused")


class MoveIn(Schema):
    model_config = ConfigDict(extra="forbid")

    direction: str = Field(description="up or down")


class PreviewTicketRef(Schema):
    id: int
    number: str
    subject: str
    status: str
    priority: str
    owner: UserRef | None


class EscalationPreviewSchema(Schema):
    ticket: PreviewTicketRef
    reasons: list[str] = Field(description="Why each condition holds")
