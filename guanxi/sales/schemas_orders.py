"""API schemas for orders, returns, serial numbers, the ERP/shop sync and exchange rates.

Inputs forbid unknown fields: a ``unit_price`` sent with a line typed in Guanxi is
refused (``body.unit_price``), never used; only the sync takes the ERP's invoiced prices.
Amounts are decimals, written as strings in JSON.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field

from guanxi.customers.schemas import AccountRef, UserRef
from guanxi.sales.schemas_deals import ContactRef
from guanxi.sales.schemas_quotes import DealRef, ProductRef

CENT = Decimal("0.01")

# Sums (returned, credited, revenue) come back from some databases without their
# decimal places; amounts and quantities are always written with two.
Cents = Annotated[Decimal, AfterValidator(lambda value: value.quantize(CENT))]

# --- outputs ---------------------------------------------------------------------------------


class SerialSchema(Schema):
    id: int
    serial: str
    status: str = Field(description="sold or returned")
    warranty_until: date | None = Field(description="null: the product has no warranty")


class OrderLineSchema(Schema):
    id: int
    position: int
    product: ProductRef
    description: str
    quantity: Decimal
    unit_price: Decimal = Field(description="The agreed price: list price, quote or ERP")
    discount_percent: Decimal
    line_total: Decimal
    external_id: str = Field(description="The ERP's id of the line (synced orders)")
    returned_quantity: Cents = Field(description="Units taken back by returns so far")
    credited_amount: Cents = Field(description="Amount credited by returns and credit notes")
    serials: list[SerialSchema]

    @staticmethod
    def resolve_returned_quantity(obj: Any) -> Decimal:
        return getattr(obj, "returned", None) or Decimal(0)

    @staticmethod
    def resolve_credited_amount(obj: Any) -> Decimal:
        return getattr(obj, "credited", None) or Decimal(0)

    @staticmethod
    def resolve_serials(obj: Any) -> list[Any]:
        return list(obj.serials.all())


class ReturnLineSchema(Schema):
    id: int
    line_id: int = Field(validation_alias="order_line_id")
    position: int
    product: ProductRef
    quantity: Decimal = Field(description="Units taken back (0 on a credit note)")
    amount: Decimal
    serials: list[str]

    @staticmethod
    def resolve_position(obj: Any) -> int:
        return int(obj.order_line.position)

    @staticmethod
    def resolve_product(obj: Any) -> Any:
        return obj.order_line.product

    @staticmethod
    def resolve_serials(obj: Any) -> list[str]:
        return sorted(s.serial for s in obj.serials.all())


class ReturnSchema(Schema):
    id: int
    number: str
    order_id: int
    kind: str = Field(description="return (goods back) or credit (money only)")
    return_date: date
    reason: str
    total: Decimal = Field(description="Amount credited, in the order's currency")
    exchange_rate: Decimal = Field(description="The order's rate")
    total_base: Decimal = Field(description="Amount credited in the base currency")
    source: str
    external_id: str
    created_by: UserRef | None
    created_at: datetime
    lines: list[ReturnLineSchema]

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.all())


class OrderSchema(Schema):
    id: int
    number: str
    account: AccountRef
    contact: ContactRef | None
    deal: DealRef | None
    quote_id: int | None
    owner: UserRef
    status: str = Field(description="draft, confirmed or cancelled")
    order_date: date
    currency: str
    subtotal: Decimal
    discount_total: Decimal
    total: Decimal
    exchange_rate: Decimal = Field(description="Base-currency units per unit, fixed on confirming")
    base_currency: str
    total_base: Decimal
    source: str = Field(description="crm for orders typed in Guanxi, else the ERP or shop")
    external_id: str
    notes: str
    confirmed_at: datetime | None
    created_at: datetime
    updated_at: datetime


class OrderDetailSchema(OrderSchema):
    lines: list[OrderLineSchema]
    returns: list[ReturnSchema]

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.all())

    @staticmethod
    def resolve_returns(obj: Any) -> list[Any]:
        return list(obj.returns.all())


class SyncedOrderSchema(OrderDetailSchema):
    created: bool = Field(description="true: made by this call; false: it existed already")


class SyncedReturnSchema(ReturnSchema):
    created: bool = Field(description="true: recorded by this call; false: a retry")


class OrderPage(Schema):
    items: list[OrderSchema]
    next_cursor: str | None


class OrderRef(Schema):
    id: int
    number: str
    order_date: date
    status: str


class WarrantyUnitSchema(Schema):
    serial: str
    status: str
    warranty_until: date | None
    in_warranty: bool
    product: ProductRef
    order: OrderRef
    account: AccountRef

    @staticmethod
    def resolve_serial(obj: Any) -> str:
        return str(obj["serial"].serial)


class WarrantySchema(Schema):
    serial: str
    on: date
    units: list[WarrantyUnitSchema]


class RevenueMonthSchema(Schema):
    month: date = Field(description="The first day of the month")
    orders: int
    sold: Cents
    returned: Cents
    net: Cents


class RevenueSchema(Schema):
    base_currency: str
    date_from: date | None
    date_to: date | None
    months: list[RevenueMonthSchema]


class ExchangeRateSchema(Schema):
    id: int
    currency: str
    valid_on: date
    rate: Decimal = Field(description="Base-currency units per unit of the currency")
    created_at: datetime


class ExchangeRatePage(Schema):
    base_currency: str
    items: list[ExchangeRateSchema]
    next_cursor: str | None


# --- inputs ----------------------------------------------------------------------------------


class OrderIn(Schema):
    model_config = ConfigDict(extra="forbid")

    account_id: int
    contact_id: int | None = None
    currency: str | None = Field(default=None, description="Default: the base currency")
    order_date: date | None = Field(default=None, description="Default: today")
    notes: str = ""


class OrderPatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    order_date: date | None = None
    notes: str | None = None
    contact_id: int | None = Field(default=None, description="null: no contact")
    currency: str | None = Field(default=None, description="Only while the order has no lines")


class OrderLineIn(Schema):
    """A product and a quantity; the unit price is the list price."""

    model_config = ConfigDict(extra="forbid")

    product_id: int
    quantity: Decimal = Decimal("1")
    discount_percent: Decimal = Decimal("0")


class OrderLinePatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    quantity: Decimal | None = None
    discount_percent: Decimal | None = None


class SerialsIn(Schema):
    model_config = ConfigDict(extra="forbid")

    serials: list[str] = Field(description="Every unit the line sold; returned units stay")


class CancelIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = ""


class ReturnLineIn(Schema):
    model_config = ConfigDict(extra="forbid")

    line_id: int
    quantity: Decimal = Field(default=Decimal("0"), description="Units back; 0 on a credit note")
    amount: Decimal | None = Field(default=None, description="null: the units' net price")
    serials: list[str] = Field(default_factory=list)


class ReturnIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field(default="return", description="return or credit")
    reason: str
    return_date: date | None = Field(default=None, description="Default: today")
    lines: list[ReturnLineIn]


class SyncLineIn(Schema):
    """A line as the ERP invoiced it: the product by SKU, at the invoiced price."""

    model_config = ConfigDict(extra="forbid")

    sku: str
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal = Decimal("0")
    description: str = Field(default="", description="Default: the product's name")
    external_id: str = ""
    serials: list[str] = Field(default_factory=list)


class SyncOrderIn(Schema):
    model_config = ConfigDict(extra="forbid")

    account_id: int | None = Field(default=None, description="Or account_external_id")
    account_external_id: str | None = Field(
        default=None, description="The account's external id in the same source"
    )
    contact_id: int | None = None
    contact_external_id: str | None = Field(
        default=None, description="The contact's external id in the same source"
    )
    order_date: date
    currency: str | None = Field(default=None, description="Default: the base currency")
    status: str = Field(default="confirmed", description="confirmed or cancelled")
    notes: str = ""
    lines: list[SyncLineIn]


class SyncReturnLineIn(Schema):
    """The order line by one of ``line_id``, ``line_external_id`` or ``position``."""

    model_config = ConfigDict(extra="forbid")

    line_id: int | None = None
    line_external_id: str | None = None
    position: int | None = None
    quantity: Decimal = Decimal("0")
    amount: Decimal | None = None
    serials: list[str] = Field(default_factory=list)


class SyncReturnIn(Schema):
    model_config = ConfigDict(extra="forbid")

    order_id: int | None = None
    order_external_id: str | None = Field(
        default=None, description="The order's external id in the same source"
    )
    kind: str = Field(default="return", description="return or credit")
    reason: str
    return_date: date | None = None
    lines: list[SyncReturnLineIn]


class ExchangeRateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    rate: Decimal = Field(description="Base-currency units per unit of the currency")
