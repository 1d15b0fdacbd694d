"""API schemas for products, price lists and quotes.

No input schema has a unit price for a quote line, and line inputs forbid unknown
fields: a ``unit_price`` sent with a line is refused (``body.unit_price``), never used.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field

from guanxi.customers.schemas import AccountRef, UserRef


class ProductSchema(Schema):
    id: int
    sku: str
    name: str
    category: str
    unit: str
    cost: Decimal
    is_serialised: bool
    warranty_months: int
    is_active: bool
    created_at: datetime
    updated_at: datetime


class ProductPage(Schema):
    items: list[ProductSchema]
    next_cursor: str | None


class ProductIn(Schema):
    sku: str = Field(min_length=1, max_length=50)
    name: str = Field(min_length=1, max_length=200)
    category: str = ""
    unit: str = "pcs"
    cost: Decimal = Decimal("0")
    is_serialised: bool = False
    warranty_months: int = 0
    is_active: bool = True


class ProductPatchIn(Schema):
    sku: str | None = Field(default=None, min_length=1, max_length=50)
    name: str | None = Field(default=None, min_length=1, max_length=200)
    category: str | None = None
    unit: str | None = None
    cost: Decimal | None = None
    is_serialised: bool | None = None
    warranty_months: int | None = None
    is_active: bool | None = Field(default=None, description="false retires the product")


class ProductRef(Schema):
    id: int
    sku: str
    name: str


class TierRef(Schema):
    id: int
    code: str
    name: str = Field(validation_alias="display_name")


class PriceListItemSchema(Schema):
    id: int
    product: ProductRef
    unit_price: Decimal


class PriceListSchema(Schema):
    id: int
    name: str
    currency: str
    tier: TierRef | None = Field(description="null: every customer")
    valid_from: date
    valid_to: date | None
    is_active: bool


class PriceListDetailSchema(PriceListSchema):
    items: list[PriceListItemSchema]

    @staticmethod
    def resolve_items(obj: Any) -> list[Any]:
        return list(obj.items.select_related("product").order_by("product__sku"))


class PriceListPage(Schema):
    items: list[PriceListSchema]
    next_cursor: str | None


class PriceListIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    currency: str = "CNY"
    tier_id: int | None = Field(default=None, description="null: every customer")
    valid_from: date
    valid_to: date | None = None
    is_active: bool = True


class PriceListPatchIn(Schema):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    currency: str | None = None
    tier_id: int | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    is_active: bool | None = None


class PriceIn(Schema):
    unit_price: Decimal


class ListPriceSchema(Schema):
    product_id: int
    currency: str
    on: date
    unit_price: Decimal | None = Field(description="null: no price list prices it")
    price_list_id: int | None


class QuoteLineSchema(Schema):
    id: int
    position: int
    product: ProductRef
    description: str
    quantity: Decimal
    unit_price: Decimal = Field(description="The list price; never set by a caller")
    discount_percent: Decimal
    line_total: Decimal
    price_list_id: int | None


class DealRef(Schema):
    id: int
    name: str


class QuoteSchema(Schema):
    id: int
    number: str
    deal: DealRef
    account: AccountRef
    owner: UserRef = Field(description="The deal's owner")
    currency: str
    price_date: date
    valid_until: date
    status: str
    approval: str = Field(description="not_needed, needed, requested, approved or rejected")
    approved_by: UserRef | None
    approval_note: str
    subtotal: Decimal
    discount_total: Decimal
    total: Decimal
    notes: str
    sent_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_owner(obj: Any) -> Any:
        return obj.deal.owner


class QuoteDetailSchema(QuoteSchema):
    lines: list[QuoteLineSchema]

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.all())


class QuotePage(Schema):
    items: list[QuoteSchema]
    next_cursor: str | None


class QuoteIn(Schema):
    deal_id: int
    currency: str | None = Field(default=None, description="Default: the deal's currency")
    valid_until: date | None = Field(default=None, description="Default: 30 days from today")
    notes: str = ""


class QuotePatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    valid_until: date | None = None
    notes: str | None = None


class QuoteLineIn(Schema):
    """A product and a quantity; the unit price is the list price."""

    model_config = ConfigDict(extra="forbid")

    product_id: int
    quantity: Decimal = Decimal("1")
    discount_percent: Decimal = Decimal("0")


class QuoteLinePatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    quantity: Decimal | None = None
    discount_percent: Decimal | None = None


class DecisionIn(Schema):
    note: str = ""
