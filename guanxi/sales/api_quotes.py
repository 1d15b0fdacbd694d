"""API endpoints for products, price lists (with the one list price of a product for a
customer) and quotes with their lines, approval and status steps."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from guanxi.core.access import require
from guanxi.customers.models import CustomerTier
from guanxi.customers.selectors import account_choices, contacts_visible_to
from guanxi.integrations.api.pagination import keyset_page
from guanxi.sales.object_types import PRICE_LIST, PRODUCT, QUOTE
from guanxi.sales.schemas_quotes import (
    DecisionIn,
    ListPriceSchema,
    PriceIn,
    PriceListDetailSchema,
    PriceListIn,
    PriceListItemSchema,
    PriceListPage,
    PriceListPatchIn,
    ProductIn,
    ProductPage,
    ProductPatchIn,
    ProductSchema,
    QuoteDetailSchema,
    QuoteIn,
    QuoteLineIn,
    QuoteLinePatchIn,
    QuotePage,
    QuotePatchIn,
)
from guanxi.sales.selectors_deals import deals_visible_to
from guanxi.sales.selectors_quotes import (
    filter_products,
    filter_quotes,
    get_price_list_for,
    get_product_for,
    get_quote_for,
    price_lists_visible_to,
    products_visible_to,
    quotes_visible_to,
)
from guanxi.sales.services import products as product_services
from guanxi.sales.services import quotes as services
from guanxi.sales.services.pricing import applicable_item

router = Router(tags=["products and quotes"])


def _renamed(call: Callable[[], Any], names: dict[str, str]) -> Any:
    """Run a service, naming its errors as the body's fields (``product`` → ``product_id``)."""
    try:
        return call()
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        raise ValidationError(
            {names.get(key, key): msgs for key, msgs in error.message_dict.items()}
        ) from error


# --- products ---------------------------------------------------------------------------------


@router.get("/products", response=ProductPage, summary="List products")
def list_products(
    request: HttpRequest,
    q: str = "",
    category: str = "",
    active: str = Query("", description="yes or no"),
    sort: str = "sku",
    cursor: str | None = None,
    limit: int = 50,
) -> Any:
    require(request.user, PRODUCT, "view")
    queryset = filter_products(
        products_visible_to(request.user), q=q, category=category, active=active
    )
    items, next_cursor = keyset_page(
        queryset, cursor=cursor, limit=limit, sort=sort, allowed=("pk", "sku", "name", "updated_at")
    )
    return {"items": items, "next_cursor": next_cursor}


@router.get("/products/{product_id}", response=ProductSchema, summary="One product")
def get_product(request: HttpRequest, product_id: int) -> Any:
    require(request.user, PRODUCT, "view")
    return get_product_for(request.user, product_id)


@router.post("/products", response={201: ProductSchema}, summary="Add a product")
def create_product(request: HttpRequest, payload: ProductIn) -> Any:
    require(request.user, PRODUCT, "add")
    product = product_services.create_product(actor=request.user, **payload.dict())
    return Status(201, product)


@router.patch(
    "/products/{product_id}", response=ProductSchema, summary="Change or retire a product"
)
def patch_product(request: HttpRequest, product_id: int, payload: ProductPatchIn) -> Any:
    require(request.user, PRODUCT, "change")
    product = get_product_for(request.user, product_id, "change")
    fields = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return product_services.update_product(actor=request.user, product=product, **fields)


@router.get(
    "/products/{product_id}/list-price",
    response=ListPriceSchema,
    summary="The one list price of a product for a customer",
)
def get_list_price(
    request: HttpRequest,
    product_id: int,
    currency: str = "CNY",
    account_id: int | None = None,
    contact_id: int | None = None,
    on: date | None = None,
) -> Any:
    """The customer's tier list first, then the list for every customer; without a
    customer, the list for every customer."""
    require(request.user, PRODUCT, "view")
    product = get_product_for(request.user, product_id)
    customer = None
    if account_id is not None:
        customer = account_choices(request.user).filter(pk=account_id).first()
        if customer is None:
            raise ValidationError({"account_id": _("This does not exist.")})
    elif contact_id is not None:
        customer = contacts_visible_to(request.user).filter(pk=contact_id).first()
        if customer is None:
            raise ValidationError({"contact_id": _("This does not exist.")})
    day = on or timezone.localdate()
    item = applicable_item(product, customer, currency, day)
    return {
        "product_id": product.pk,
        "currency": currency.upper(),
        "on": day,
        "unit_price": item.unit_price if item else None,
        "price_list_id": item.price_list_id if item else None,
    }


# --- price lists ------------------------------------------------------------------------------


def _tier(data: dict[str, Any]) -> dict[str, Any]:
    if "tier_id" in data:
        pk = data.pop("tier_id")
        tier = CustomerTier.objects.filter(pk=pk).first() if pk is not None else None
        if pk is not None and tier is None:
            raise ValidationError({"tier_id": _("This does not exist.")})
        data["tier"] = tier
    return data


@router.get("/price-lists", response=PriceListPage, summary="List price lists")
def list_price_lists(
    request: HttpRequest, currency: str = "", cursor: str | None = None, limit: int = 50
) -> Any:
    require(request.user, PRICE_LIST, "view")
    queryset = price_lists_visible_to(request.user)
    if currency:
        queryset = queryset.filter(currency=currency.upper())
    items, next_cursor = keyset_page(
        queryset, cursor=cursor, limit=limit, sort="pk", allowed=("pk",)
    )
    return {"items": items, "next_cursor": next_cursor}


@router.get(
    "/price-lists/{price_list_id}", response=PriceListDetailSchema, summary="One price list"
)
def get_price_list(request: HttpRequest, price_list_id: int) -> Any:
    require(request.user, PRICE_LIST, "view")
    return get_price_list_for(request.user, price_list_id)


@router.post("/price-lists", response={201: PriceListDetailSchema}, summary="Create a price list")
def create_price_list(request: HttpRequest, payload: PriceListIn) -> Any:
    require(request.user, PRICE_LIST, "add")
    data = _tier(payload.dict())
    price_list = _renamed(
        lambda: product_services.create_price_list(actor=request.user, **data), {"tier": "tier_id"}
    )
    return Status(201, price_list)


@router.patch(
    "/price-lists/{price_list_id}",
    response=PriceListDetailSchema,
    summary="Change a price list (refused if it would give a product two list prices)",
)
def patch_price_list(request: HttpRequest, price_list_id: int, payload: PriceListPatchIn) -> Any:
    require(request.user, PRICE_LIST, "change")
    price_list = get_price_list_for(request.user, price_list_id, "change")
    data = _tier(payload.dict(exclude_unset=True))
    return _renamed(
        lambda: product_services.update_price_list(
            actor=request.user, price_list=price_list, **data
        ),
        {"tier": "tier_id"},
    )


@router.put(
    "/price-lists/{price_list_id}/items/{product_id}",
    response=PriceListItemSchema,
    summary="Set a product's price in a list (refused if another list prices it then)",
)
def set_price(request: HttpRequest, price_list_id: int, product_id: int, payload: PriceIn) -> Any:
    require(request.user, PRICE_LIST, "change")
    price_list = get_price_list_for(request.user, price_list_id, "change")
    product = get_product_for(request.user, product_id)
    return _renamed(
        lambda: product_services.set_price_list_item(
            actor=request.user,
            price_list=price_list,
            product=product,
            unit_price=payload.unit_price,
        ),
        {"product": "product_id"},
    )


@router.delete(
    "/price-lists/{price_list_id}/items/{product_id}",
    response={204: None},
    summary="Take a product off a price list",
)
def remove_price(request: HttpRequest, price_list_id: int, product_id: int) -> Any:
    require(request.user, PRICE_LIST, "change")
    price_list = get_price_list_for(request.user, price_list_id, "change")
    item = price_list.items.filter(product_id=product_id).select_related("product").first()
    if item is None:
        raise ValidationError({"product_id": _("This product is not in this price list.")})
    product_services.remove_price_list_item(actor=request.user, item=item)
    return Status(204, None)


# --- quotes -------------------------------------------------------------------------------------

QUOTE_SORTS = ("pk", "number", "created_at", "valid_until", "total")
LINE_NAMES = {"product": "product_id"}


def _fresh(user: Any, pk: int) -> Any:
    return get_quote_for(user, pk)


@router.get("/quotes", response=QuotePage, summary="List quotes")
def list_quotes(
    request: HttpRequest,
    q: str = "",
    status: str = "",
    approval: str = "",
    deal_id: int | None = None,
    account_id: int | None = None,
    sort: str = "-created_at",
    cursor: str | None = None,
    limit: int = 50,
) -> Any:
    """The quotes of the deals the caller may see."""
    require(request.user, QUOTE, "view")
    queryset = filter_quotes(
        quotes_visible_to(request.user),
        q=q,
        status=status,
        approval=approval,
        deal_id=deal_id,
        account_id=account_id,
    )
    items, next_cursor = keyset_page(
        queryset, cursor=cursor, limit=limit, sort=sort, allowed=QUOTE_SORTS
    )
    return {"items": items, "next_cursor": next_cursor}


@router.get("/quotes/{quote_id}", response=QuoteDetailSchema, summary="One quote with its lines")
def get_quote(request: HttpRequest, quote_id: int) -> Any:
    require(request.user, QUOTE, "view")
    return get_quote_for(request.user, quote_id)


@router.post("/quotes", response={201: QuoteDetailSchema}, summary="Make a draft quote on a deal")
def create_quote(request: HttpRequest, payload: QuoteIn) -> Any:
    require(request.user, QUOTE, "add")
    data = payload.dict()
    deal = deals_visible_to(request.user).filter(pk=data.pop("deal_id")).first()
    if deal is None:
        raise ValidationError({"deal_id": _("This does not exist.")})
    quote = _renamed(
        lambda: services.create_quote(actor=request.user, deal=deal, **data), {"deal": "deal_id"}
    )
    return Status(201, _fresh(request.user, quote.pk))


@router.patch("/quotes/{quote_id}", response=QuoteDetailSchema, summary="Change a draft quote")
def patch_quote(request: HttpRequest, quote_id: int, payload: QuotePatchIn) -> Any:
    require(request.user, QUOTE, "change")
    quote = get_quote_for(request.user, quote_id, "change")
    services.update_quote(actor=request.user, quote=quote, **payload.dict(exclude_unset=True))
    return _fresh(request.user, quote.pk)


@router.post(
    "/quotes/{quote_id}/lines",
    response={201: QuoteDetailSchema},
    summary="Add a product at its list price",
)
def add_line(request: HttpRequest, quote_id: int, payload: QuoteLineIn) -> Any:
    """The unit price is the list price for the quote's customer; a ``unit_price`` in
    the body is refused."""
    require(request.user, QUOTE, "change")
    quote = get_quote_for(request.user, quote_id, "change")
    data = payload.dict()
    product = products_visible_to(request.user).filter(pk=data.pop("product_id")).first()
    if product is None:
        raise ValidationError({"product_id": _("This does not exist.")})
    _renamed(
        lambda: services.add_quote_line(actor=request.user, quote=quote, product=product, **data),
        LINE_NAMES,
    )
    return Status(201, _fresh(request.user, quote.pk))


def _line(quote: Any, line_id: int) -> Any:
    line = quote.lines.select_related("product").filter(pk=line_id).first()
    if line is None:
        raise Http404
    line.quote = quote
    return line


@router.patch(
    "/quotes/{quote_id}/lines/{line_id}",
    response=QuoteDetailSchema,
    summary="Change a line's quantity or discount",
)
def patch_line(request: HttpRequest, quote_id: int, line_id: int, payload: QuoteLinePatchIn) -> Any:
    require(request.user, QUOTE, "change")
    quote = get_quote_for(request.user, quote_id, "change")
    line = _line(quote, line_id)
    fields = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    _renamed(
        lambda: services.update_quote_line(actor=request.user, line=line, **fields), LINE_NAMES
    )
    return _fresh(request.user, quote.pk)


@router.delete(
    "/quotes/{quote_id}/lines/{line_id}", response=QuoteDetailSchema, summary="Remove a line"
)
def delete_line(request: HttpRequest, quote_id: int, line_id: int) -> Any:
    require(request.user, QUOTE, "change")
    quote = get_quote_for(request.user, quote_id, "change")
    services.remove_quote_line(actor=request.user, line=_line(quote, line_id))
    return _fresh(request.user, quote.pk)


@router.post(
    "/quotes/{quote_id}/request-approval",
    response=QuoteDetailSchema,
    summary="Ask the owner's team managers to approve the discounts",
)
def request_approval(request: HttpRequest, quote_id: int) -> Any:
    require(request.user, QUOTE, "change")
    quote = get_quote_for(request.user, quote_id, "change")
    services.request_quote_approval(actor=request.user, quote=quote)
    return _fresh(request.user, quote.pk)


@router.post(
    "/quotes/{quote_id}/approve",
    response=QuoteDetailSchema,
    summary="Approve the discounts (sales managers, administrators)",
)
def approve(request: HttpRequest, quote_id: int, payload: DecisionIn) -> Any:
    require(request.user, QUOTE, "approve")
    quote = get_quote_for(request.user, quote_id, "approve")
    services.approve_quote(actor=request.user, quote=quote, note=payload.note)
    return _fresh(request.user, quote.pk)


@router.post(
    "/quotes/{quote_id}/reject-approval",
    response=QuoteDetailSchema,
    summary="Refuse the discounts, saying why (sales managers, administrators)",
)
def reject_approval(request: HttpRequest, quote_id: int, payload: DecisionIn) -> Any:
    require(request.user, QUOTE, "approve")
    quote = get_quote_for(request.user, quote_id, "approve")
    services.reject_quote_approval(actor=request.user, quote=quote, note=payload.note)
    return _fresh(request.user, quote.pk)


def _step(request: HttpRequest, quote_id: int, service: Callable[..., Any]) -> Any:
    require(request.user, QUOTE, "change")
    quote = get_quote_for(request.user, quote_id, "change")
    service(actor=request.user, quote=quote)
    return _fresh(request.user, quote.pk)


@router.post("/quotes/{quote_id}/send", response=QuoteDetailSchema, summary="Mark a quote sent")
def send(request: HttpRequest, quote_id: int) -> Any:
    """Refused (``body.approval``) while a discount above the limit is not approved."""
    return _step(request, quote_id, services.mark_quote_sent)


@router.post(
    "/quotes/{quote_id}/accept", response=QuoteDetailSchema, summary="The customer accepted"
)
def accept(request: HttpRequest, quote_id: int) -> Any:
    return _step(request, quote_id, services.mark_quote_accepted)


@router.post(
    "/quotes/{quote_id}/reject", response=QuoteDetailSchema, summary="The customer rejected"
)
def reject(request: HttpRequest, quote_id: int) -> Any:
    return _step(request, quote_id, services.mark_quote_rejected)
