"""API schemas of ticket routing rules, service contracts and the warranty lookup."""

from __future__ import annotations

from datetime import date

from ninja import Schema
from pydantic import ConfigDict, Field

from guanxi.customers.schemas import AccountRef, TeamRef, UserRef
from guanxi.sales.schemas_deals import ContactRef
from guanxi.sales.schemas_quotes import ProductRef, TierRef
from guanxi.service.schemas import CategoryRef

STRATEGY = "least_loaded or round_robin"


class RoutingRuleSchema(Schema):
    id: int
    name: str
    position: int = Field(description="Rules are tried by position, lowest first")
    is_active: bool
    category: CategoryRef | None = Field(description="Condition: the ticket's category")
    product: ProductRef | None = Field(description="Condition: the ticket's product")
    product_category: str = Field(description="Condition: the product's category")
    tier: TierRef | None = Field(description="Condition: the customer's tier")
    language: str = Field(description="Condition: the ticket's language (zh-hans, en)")
    keywords: str = Field(description="Condition: any of these words in subject or message")
    team: TeamRef = Field(description="Where matching tickets go")
    strategy: str = Field(description=f"{STRATEGY}; empty: the team's own")
    set_priority: str = Field(description="Priority given to matching tickets; empty: kept")
    set_category: CategoryRef | None = Field(description="Category given; null: kept")


class RoutingRuleIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str
    team_id: int
    keywords: str = Field(default="", description="Comma-separated; any one must appear")
    category_id: int | None = None
    product_id: int | None = None
    product_category: str = ""
    tier_id: int | None = None
    language: str = ""
    strategy: str = Field(default="", description=f"{STRATEGY}; empty: the team's own")
    set_priority: str = ""
    set_category_id: int | None = None
    is_active: bool = True


class RoutingRulePatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    team_id: int | None = None
    keywords: str | None = None
    category_id: int | None = None
    product_id: int | None = None
    product_category: str | None = None
    tier_id: int | None = None
    language: str | None = None
    strategy: str | None = None
    set_priority: str | None = None
    set_category_id: int | None = None
    is_active: bool | None = Field(default=None, description="false: the rule is skipped")


class MoveIn(Schema):
    model_config = ConfigDict(extra="forbid")

    direction: str = Field(description="up or down")


class PreviewIn(Schema):
    """A ticket as it would be opened; nothing is saved."""

    model_config = ConfigDict(extra="forbid")

    subject: str = ""
    body: str = ""
    category_id: int | None = None
    product_id: int | None = None
    tier_id: int | None = Field(default=None, description="Or give the account or contact")
    account_id: int | None = None
    contact_id: int | None = None
    language: str = ""


class VerdictSchema(Schema):
    rule_id: int
    name: str
    matched: bool
    reasons: list[str] = Field(description="Conditions that matched, or the one that failed")


class PreviewSchema(Schema):
    rule: VerdictSchema | None = Field(description="The rule that would route it; null: none")
    team: TeamRef | None = Field(description="Where it would go (the category's team if no rule)")
    rules: list[VerdictSchema] = Field(description="Every active rule, in order, tried")


class TeamRoutingSchema(Schema):
    team: TeamRef
    strategy: str = Field(description=STRATEGY)
    last_agent: UserRef | None = Field(description="The agent given the last ticket (round robin)")


class TeamRoutingIn(Schema):
    model_config = ConfigDict(extra="forbid")

    strategy: str = Field(description=STRATEGY)


class SerialRef(Schema):
    id: int
    serial: str


class ServiceContractSchema(Schema):
    id: int
    number: str
    name: str = Field(description="The contract's level, e.g. Gold")
    account: AccountRef | None
    contact: ContactRef | None
    starts_on: date
    ends_on: date
    products: list[ProductRef] = Field(description="Every unit of these is covered")
    serials: list[SerialRef] = Field(description="These units are covered")
    response_hours: int | None
    notes: str
    in_force: bool = Field(description="Today is within its dates")


class ServiceContractIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str
    account_id: int | None = None
    contact_id: int | None = Field(default=None, description="For a consumer without account")
    starts_on: date
    ends_on: date
    product_ids: list[int] = Field(default_factory=list)
    serial_ids: list[int] = Field(
        default_factory=list, description="No products and no serials: every unit covered"
    )
    response_hours: int | None = None
    notes: str = ""


class ServiceContractPatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    account_id: int | None = None
    contact_id: int | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    product_ids: list[int] | None = None
    serial_ids: list[int] | None = None
    response_hours: int | None = None
    notes: str | None = None


class ContractRef(Schema):
    id: int
    number: str
    name: str
    ends_on: date


class TicketRef(Schema):
    id: int
    number: str
    subject: str
    status: str


class OrderRef(Schema):
    id: int
    number: str


class WarrantyUnitSchema(Schema):
    serial: SerialRef
    product: ProductRef
    status: str = Field(description="sold, or returned / exchanged")
    purchased_on: date
    order: OrderRef
    account: AccountRef | None
    contact: ContactRef | None
    warranty_until: date | None
    in_warranty: bool
    contracts: list[ContractRef] = Field(description="Contracts in force covering the unit")
    open_tickets: list[TicketRef]


class WarrantyLookupSchema(Schema):
    query: str
    searched_as: list[str] = Field(description="What the query was read as: serial, phone, email")
    phone: str = Field(description="The query as an E.164 phone number, if it is one")
    units: list[WarrantyUnitSchema]
