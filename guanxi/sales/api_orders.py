"""API endpoints for orders, returns, serial numbers and exchange rates, and the ERP/shop
sync: orders and returns pushed by another system, idempotent by (source, external id)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from guanxi.core.access import can, require
from guanxi.customers.selectors import account_choices, contacts_visible_to
from guanxi.integrations import sync
from guanxi.integrations.api.calls import call_service, caller
from guanxi.integrations.api.pagination import keyset_page
from guanxi.sales.models import Order, OrderLine
from guanxi.sales.object_types import EXCHANGE_RATE, ORDER
from guanxi.sales.schemas_orders import (
    CancelIn,
    ExchangeRateIn,
    ExchangeRatePage,
    ExchangeRateSchema,
    OrderDetailSchema,
    OrderIn,
    OrderLineIn,
    OrderLinePatchIn,
    OrderPage,
    OrderPatchIn,
    ReturnIn,
    ReturnSchema,
    RevenueSchema,
    SerialsIn,
    SyncedOrderSchema,
    SyncedReturnSchema,
    SyncOrderIn,
    SyncReturnIn,
    WarrantySchema,
)
from guanxi.sales.selectors_deals import get_deal_for
from guanxi.sales.selectors_orders import (
    ORDER_SORTS,
    exchange_rates,
    filter_orders,
    get_order_by_external_id,
    get_order_for,
    get_order_line_for,
    orders_visible_to,
    revenue_by_month,
    warranty_lookup,
)
from guanxi.sales.selectors_quotes import products_visible_to
from guanxi.sales.services import exchange_rates as rate_services
from guanxi.sales.services import order_sync
from guanxi.sales.services import orders as services
from guanxi.sales.services.returns import ReturnItem, record_return

router = Router(tags=["Orders"])


SORTS = ("pk", *ORDER_SORTS, "created_at")
NAMES = {"account": "account_id", "contact": "contact_id", "product": "product_id"}


def _records(user: Any, account_id: Any = None, contact_id: Any = None) -> dict[str, Any]:
    """The account and contact named in a body, if the user may see them."""
    errors: dict[str, str] = {}
    found: dict[str, Any] = {}
    if account_id is not None:
        found["account"] = account_choices(user).filter(pk=account_id).first()
        if found["account"] is None:
            errors["account_id"] = _("This does not exist.")
    if contact_id is not None:
        found["contact"] = contacts_visible_to(user).filter(pk=contact_id).first()
        if found["contact"] is None:
            errors["contact_id"] = _("This does not exist.")
    if errors:
        raise ValidationError(errors)
    return found


def _fresh(user: Any, pk: int) -> Order:
    return get_order_for(user, pk)


def _line(user: Any, order_id: int, line_id: int) -> OrderLine:
    """A line of an order the user may change; 404 when it is on another order."""
    line = get_order_line_for(user, line_id, "change")
    if line.order_id != order_id:
        raise Http404
    return line


def _require_sync(user: Any) -> None:
    """An ERP's push makes orders or changes the ones it made."""
    if not (can(user, ORDER, "add") or can(user, ORDER, "change")):
        raise PermissionDenied


def _source(value: str) -> str:
    return value.strip().lower()


# --- orders -----------------------------------------------------------------------------------


@router.get("/orders", response=OrderPage, summary="List orders")
def list_orders(
    request: HttpRequest,
    q: str = Query("", description="Number, external id, account name or a serial number"),
    status: str = Query("", description="draft, confirmed or cancelled"),
    source: str = Query("", description="crm, or the ERP or shop that sent the order"),
    account_id: int | None = None,
    contact_id: int | None = None,
    deal_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    sort: str = "-order_date",
    cursor: str | None = None,
    limit: int = 50,
) -> Any:
    """The orders the caller may see: a sales rep their own, a sales manager their
    teams', service, marketing and analysts every order."""
    require(request.user, ORDER, "view")
    queryset = filter_orders(
        orders_visible_to(request.user),
        q=q,
        status=status,
        source=_source(source),
        account_id=account_id,
        contact_id=contact_id,
        deal_id=deal_id,
        date_from=date_from,
        date_to=date_to,
    )
    items, next_cursor = keyset_page(queryset, cursor=cursor, limit=limit, sort=sort, allowed=SORTS)
    return {"items": items, "next_cursor": next_cursor}


@router.get(
    "/orders/{order_id}",
    response=OrderDetailSchema,
    summary="One order with its lines, serial numbers and returns",
)
def get_order(request: HttpRequest, order_id: int) -> Any:
    """Each line says how many units were returned and how much was credited so far;
    each serial number its status and warranty end."""
    require(request.user, ORDER, "view")
    return get_order_for(request.user, order_id)


@router.post("/orders", response={201: OrderDetailSchema}, summary="Make a draft order")
def create_order(request: HttpRequest, payload: OrderIn) -> Any:
    """A draft order for an account the caller may see, owned by the caller; lines are
    added at the list price of the order's date."""
    require(request.user, ORDER, "add")
    data = payload.dict()
    records = _records(request.user, data.pop("account_id"), data.pop("contact_id"))
    order = _call(
        lambda: services.create_order(
            actor=caller(request),
            account=records["account"],
            contact=records.get("contact"),
            **data,
        ),
        NAMES,
    )
    return Status(201, _fresh(request.user, order.pk))


@router.patch(
    "/orders/{order_id}",
    response=OrderDetailSchema,
    summary="Change a draft order's date, notes, contact or currency",
)
def patch_order(request: HttpRequest, order_id: int, payload: OrderPatchIn) -> Any:
    """The currency changes only while the order has no lines; ``contact_id: null``
    takes the contact off."""
    require(request.user, ORDER, "change")
    order = get_order_for(request.user, order_id, "change")
    data = payload.dict(exclude_unset=True)
    fields = {k: v for k, v in data.items() if v is not None and k != "contact_id"}
    if "contact_id" in data:
        fields["contact"] = _records(request.user, contact_id=data["contact_id"]).get("contact")
    _call(lambda: services.update_order(actor=caller(request), order=order, **fields), NAMES)
    return _fresh(request.user, order.pk)


@router.post(
    "/orders/{order_id}/lines",
    response={201: OrderDetailSchema},
    summary="Add a product to a draft order at its list price",
)
def add_line(request: HttpRequest, order_id: int, payload: OrderLineIn) -> Any:
    """The unit price is the list price for the order's customer, currency and date; a
    ``unit_price`` in the body is refused. Discounts above the quote limit only from a
    sales manager."""
    require(request.user, ORDER, "change")
    order = get_order_for(request.user, order_id, "change")
    data = payload.dict()
    product = products_visible_to(request.user).filter(pk=data.pop("product_id")).first()
    if product is None:
        raise ValidationError({"product_id": _("This does not exist.")})
    _call(
        lambda: services.add_order_line(
            actor=caller(request), order=order, product=product, **data
        ),
        NAMES,
    )
    return Status(201, _fresh(request.user, order.pk))


@router.patch(
    "/orders/{order_id}/lines/{line_id}",
    response=OrderDetailSchema,
    summary="Change a draft line's quantity or discount",
)
def patch_line(request: HttpRequest, order_id: int, line_id: int, payload: OrderLinePatchIn) -> Any:
    """The price stays as agreed."""
    require(request.user, ORDER, "change")
    line = _line(request.user, order_id, line_id)
    fields = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    _call(lambda: services.update_order_line(actor=caller(request), line=line, **fields), NAMES)
    return _fresh(request.user, order_id)


@router.delete(
    "/orders/{order_id}/lines/{line_id}",
    response=OrderDetailSchema,
    summary="Take a line off a draft order",
)
def delete_line(request: HttpRequest, order_id: int, line_id: int) -> Any:
    """Its serial numbers go with it; the totals are recomputed."""
    require(request.user, ORDER, "change")
    line = _line(request.user, order_id, line_id)
    services.remove_order_line(actor=caller(request), line=line)
    return _fresh(request.user, order_id)


@router.put(
    "/orders/{order_id}/lines/{line_id}/serials",
    response=OrderDetailSchema,
    summary="Set the serial numbers a line sold",
)
def set_serials(request: HttpRequest, order_id: int, line_id: int, payload: SerialsIn) -> Any:
    """Replaces the line's sold serial numbers (returned units stay): at most one per
    unit, each not sold on another order; on a draft or confirmed order."""
    require(request.user, ORDER, "change")
    line = _line(request.user, order_id, line_id)
    services.set_line_serials(actor=caller(request), line=line, serials=payload.serials)
    return _fresh(request.user, order_id)


@router.post(
    "/orders/{order_id}/confirm",
    response=OrderDetailSchema,
    summary="Confirm a draft order",
)
def confirm(request: HttpRequest, order_id: int) -> Any:
    """The order needs lines and an exchange rate for its date (``body.currency`` says
    which rate is missing); its base-currency total is fixed at that rate."""
    require(request.user, ORDER, "change")
    order = get_order_for(request.user, order_id, "change")
    services.confirm_order(actor=caller(request), order=order)
    return _fresh(request.user, order.pk)


@router.post("/orders/{order_id}/cancel", response=OrderDetailSchema, summary="Cancel an order")
def cancel(request: HttpRequest, order_id: int, payload: CancelIn) -> Any:
    """A draft, or a confirmed order nothing was returned from; its serial numbers are
    released for sale."""
    require(request.user, ORDER, "change")
    order = get_order_for(request.user, order_id, "change")
    services.cancel_order(actor=caller(request), order=order, reason=payload.reason)
    return _fresh(request.user, order.pk)


@router.post(
    "/deals/{deal_id}/order",
    response={201: OrderDetailSchema},
    summary="Make the draft order of a won deal",
)
def order_from_deal(request: HttpRequest, deal_id: int) -> Any:
    """With the lines and prices of the deal's accepted quote, owned like the deal; a
    deal has at most one order that is not cancelled (``path.deal_id`` otherwise)."""
    require(request.user, ORDER, "add")
    deal = get_deal_for(request.user, deal_id)
    order = _call(
        lambda: services.create_order_from_deal(actor=caller(request), deal=deal),
        path={"deal": "deal_id"},
    )
    return Status(201, _fresh(request.user, order.pk))


# --- returns ----------------------------------------------------------------------------------


def _return_of(user: Any, order_id: int, return_id: int) -> Any:
    """The return as the order's detail shows it."""
    return next(r for r in _fresh(user, order_id).returns.all() if r.pk == return_id)


@router.get(
    "/orders/{order_id}/returns",
    response=list[ReturnSchema],
    summary="The returns and credit notes of an order",
)
def list_returns(request: HttpRequest, order_id: int) -> Any:
    """Oldest first, each with its lines, amounts and the serial numbers taken back."""
    require(request.user, ORDER, "view")
    return list(get_order_for(request.user, order_id).returns.all())


@router.post(
    "/orders/{order_id}/returns",
    response={201: ReturnSchema},
    summary="Record a return of goods or a credit note",
)
def create_return(request: HttpRequest, order_id: int, payload: ReturnIn) -> Any:
    """Against a confirmed order, line by line: a return takes units back (each unit of
    a serialised product named) and credits them, by default at their net price; a
    credit note credits an amount only. Errors name the row: ``body.lines.0.quantity``."""
    require(request.user, ORDER, "change")
    order = get_order_for(request.user, order_id, "change")
    items = [
        ReturnItem(line=row.line_id, quantity=row.quantity, amount=row.amount, serials=row.serials)
        for row in payload.lines
    ]
    names = {f"lines.{index}.line": f"lines.{index}.line_id" for index in range(len(items))}
    made = _call(
        lambda: record_return(
            actor=caller(request),
            order=order,
            kind=payload.kind,
            reason=payload.reason,
            items=items,
            return_date=payload.return_date,
        ),
        names,
    )
    return Status(201, _return_of(request.user, order.pk, made.pk))


# --- the ERP/shop sync ------------------------------------------------------------------------


@router.get(
    "/orders/external/{source}/{external_id}",
    response=OrderDetailSchema,
    summary="An order by the id another system gave it",
)
def get_external_order(request: HttpRequest, source: str, external_id: str) -> Any:
    """``source`` is the system's name (``erp``), ``external_id`` its number for the
    order; 404 when no order the caller may see has them."""
    require(request.user, ORDER, "view")
    return get_order_by_external_id(request.user, _source(source), external_id.strip())


@router.put(
    "/orders/external/{source}/{external_id}",
    response={200: SyncedOrderSchema, 201: SyncedOrderSchema},
    summary="Make or update an order pushed by an ERP or shop (idempotent)",
)
def put_external_order(
    request: HttpRequest, source: str, external_id: str, payload: SyncOrderIn
) -> Any:
    """``source`` names the system (``erp``, ``shop``; not ``crm``), ``external_id`` its
    number for the order. The first push makes the order (201), owned by the account's
    owner, at the ERP's invoiced prices; the same push again changes nothing (200); a
    push with other contents updates the order (200; its lines are replaced while nothing
    was returned from it). Errors name the row: ``body.lines.1.sku``."""
    _require_sync(request.user)
    data = payload.dict()
    _ids_by_ref(request.user, source, data)
    records = _records(request.user, data["account_id"], data["contact_id"])
    lines = [order_sync.SyncLine(**row) for row in data["lines"]]
    order, created = _call(
        lambda: order_sync.upsert_order(
            actor=caller(request),
            source=source,
            external_id=external_id,
            account=records["account"],
            contact=records.get("contact"),
            order_date=data["order_date"],
            currency=data["currency"] or rate_services.base_currency(),
            status=data["status"],
            notes=data["notes"],
            lines=lines,
        ),
        NAMES,
        path={"source": "source", "external_id": "external_id"},
    )
    detail = _fresh(request.user, order.pk)
    detail.created = created  # type: ignore[attr-defined]
    return Status(201 if created else 200, detail)


def _ids_by_ref(user: Any, source: str, data: dict[str, Any]) -> None:
    """The account (and contact) of a pushed order named by ``account_id`` or by
    ``account_external_id``, an account of the same source: set as ``account_id``."""
    errors: dict[str, str] = {}
    if (data["account_id"] is None) == (data["account_external_id"] is None):
        errors["account_id"] = _("Give either account_id or account_external_id.")
    if data["contact_id"] is not None and data["contact_external_id"] is not None:
        errors["contact_id"] = _("Give either contact_id or contact_external_id.")
    for name, by_ref, visible in (
        ("account", sync.account_by_ref, account_choices),
        ("contact", sync.contact_by_ref, contacts_visible_to),
    ):
        external = data.pop(f"{name}_external_id")
        if external is None or f"{name}_id" in errors:
            continue
        record = by_ref(source, external)
        if record is None or not visible(user).filter(pk=record.pk).exists():
            errors[f"{name}_external_id"] = _("This does not exist.")
        else:
            data[f"{name}_id"] = record.pk
    if errors:
        raise ValidationError(errors)


def _sync_order(user: Any, source: str, payload: SyncReturnIn) -> Order:
    """The order a pushed return is against: by ``order_id`` or by its external id in
    the same source."""
    if (payload.order_id is None) == (payload.order_external_id is None):
        message = _("Give either order_id or order_external_id.")
        raise ValidationError({"order_id": message})
    if payload.order_id is not None:
        order = orders_visible_to(user).filter(pk=payload.order_id).first()
        field = "order_id"
    else:
        external = str(payload.order_external_id).strip()
        order = orders_visible_to(user).filter(source=_source(source), external_id=external).first()
        field = "order_external_id"
    if order is None:
        raise ValidationError({field: _("This does not exist.")})
    return order


LINE_KEYS = (("line_id", "id"), ("line_external_id", "external_id"), ("position", "position"))


@router.put(
    "/returns/external/{source}/{external_id}",
    response={200: SyncedReturnSchema, 201: SyncedReturnSchema},
    summary="Record a return pushed by an ERP or shop (idempotent)",
)
def put_external_return(
    request: HttpRequest, source: str, external_id: str, payload: SyncReturnIn
) -> Any:
    """Against ``order_id`` or ``order_external_id`` (an order of the same source); each
    line names the order line by ``line_id``, ``line_external_id`` or ``position``. The
    first push records the return (201); a retry answers with it unchanged (200):
    returns are not edited afterwards, a correction is another credit note."""
    _require_sync(request.user)
    order = _sync_order(request.user, source, payload)
    items: list[ReturnItem] = []
    names: dict[str, str] = {}
    errors: dict[str, str] = {}
    for index, row in enumerate(payload.lines):
        given = [(field, key) for field, key in LINE_KEYS if getattr(row, field) is not None]
        if len(given) != 1:
            message = _("Give one of line_id, line_external_id or position.")
            errors[f"lines.{index}.line_id"] = message
            continue
        field, key = given[0]
        names[f"lines.{index}.line"] = f"lines.{index}.{field}"
        items.append(
            ReturnItem(
                line={key: getattr(row, field)},
                quantity=row.quantity,
                amount=row.amount,
                serials=row.serials,
            )
        )
    if errors:
        raise ValidationError(errors)
    names["order"] = "order_id" if payload.order_id is not None else "order_external_id"
    made, created = _call(
        lambda: order_sync.upsert_return(
            actor=caller(request),
            source=source,
            external_id=external_id,
            order=order,
            kind=payload.kind,
            reason=payload.reason,
            items=items,
            return_date=payload.return_date,
        ),
        names,
        path={"source": "source", "external_id": "external_id"},
    )
    detail = _return_of(request.user, made.order_id, made.pk)
    detail.created = created
    return Status(201 if created else 200, detail)


# --- serial numbers and reports ---------------------------------------------------------------


@router.get(
    "/serials/{serial}/warranty",
    response=WarrantySchema,
    summary="Warranty check: who bought a unit and until when it is covered",
)
def warranty(request: HttpRequest, serial: str, on: date | None = None) -> Any:
    """Each unit sold under this serial number on an order the caller may see (404 when
    none): product, order, customer, status and whether it is under warranty on ``on``
    (today by default); a returned unit is not."""
    require(request.user, ORDER, "view")
    day = on or timezone.localdate()
    units = warranty_lookup(request.user, serial, day)
    if not units:
        raise Http404
    return {"serial": serial.strip(), "on": day, "units": units}


@router.get(
    "/reports/revenue",
    response=RevenueSchema,
    summary="Revenue per month in the base currency",
)
def revenue(
    request: HttpRequest, date_from: date | None = None, date_to: date | None = None
) -> Any:
    """Per month: confirmed orders the caller may see, what was returned against them
    (in the month of the return) and the net, all in the base currency at each order's
    rate."""
    require(request.user, ORDER, "view")
    if date_from and date_to and date_from > date_to:
        raise ValidationError({"date_to": _("This is before the start date.")})
    return {
        "base_currency": rate_services.base_currency(),
        "date_from": date_from,
        "date_to": date_to,
        "months": revenue_by_month(request.user, date_from, date_to),
    }


# --- exchange rates ---------------------------------------------------------------------------


@router.get("/exchange-rates", response=ExchangeRatePage, summary="List exchange rates")
def list_exchange_rates(
    request: HttpRequest,
    currency: str = Query("", description="A three-letter code, such as USD"),
    cursor: str | None = None,
    limit: int = 50,
) -> Any:
    """Units of the base currency per unit of each currency, newest first; a rate holds
    from its date until the next rate of the same currency."""
    require(request.user, EXCHANGE_RATE, "view")
    items, next_cursor = keyset_page(
        exchange_rates(currency.strip()),
        cursor=cursor,
        limit=limit,
        sort="-valid_on",
        allowed=("valid_on",),
    )
    return {
        "base_currency": rate_services.base_currency(),
        "items": items,
        "next_cursor": next_cursor,
    }


@router.put(
    "/exchange-rates/{currency}/{valid_on}",
    response=ExchangeRateSchema,
    summary="Set (or correct) a currency's rate from a date on",
)
def put_exchange_rate(
    request: HttpRequest, currency: str, valid_on: date, payload: ExchangeRateIn
) -> Any:
    """Orders already confirmed keep the rate they were converted at."""
    require(request.user, EXCHANGE_RATE, "add")
    return _call(
        lambda: rate_services.set_exchange_rate(
            actor=caller(request), currency=currency, valid_on=valid_on, rate=payload.rate
        ),
        path={"currency": "currency", "valid_on": "valid_on"},
    )


@router.delete(
    "/exchange-rates/{currency}/{valid_on}",
    response={204: None},
    summary="Remove a rate typed by mistake",
)
def delete_exchange_rate(request: HttpRequest, currency: str, valid_on: date) -> Any:
    """Amounts already converted keep their rate."""
    require(request.user, EXCHANGE_RATE, "delete")
    rate = exchange_rates(currency.strip()).filter(valid_on=valid_on).first()
    if rate is None:
        raise Http404
    rate_services.delete_exchange_rate(actor=caller(request), rate=rate)
    return Status(204, None)


def _call(
    call: Callable[[], Any],
    names: dict[str, str] | None = None,
    path: dict[str, str] | None = None,
) -> Any:
    return call_service(call, names=names, path=path)
