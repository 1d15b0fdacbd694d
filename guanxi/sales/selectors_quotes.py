"""Reads of products, price lists and quotes, narrowed to what the user may see.

Quotes follow their deal (``sales.quote`` is owned through ``deal__owner`` and
``deal__team``), so a rep sees the quotes of the deals they may see. The list selector
carries its joins, so a page of quotes costs the same queries however long it is.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from guanxi.core.access import get_for_or_404, restrict
from guanxi.sales.models import Deal, PriceList, PriceListItem, Product, Quote, QuoteLine

QUOTE_STATUSES = ("draft", "sent", "accepted", "rejected", "expired")


def products_visible_to(user: Any, action: str = "view") -> QuerySet[Product]:
    return restrict(Product.objects.all(), user, action)


def get_product_for(user: Any, pk: Any, action: str = "view") -> Product:
    return get_for_or_404(products_visible_to(user, action), user, pk, action)


def filter_products(
    queryset: QuerySet[Product], *, q: str = "", category: str = "", active: str = ""
) -> QuerySet[Product]:
    """Narrow by text (SKU or name), category and active (``yes``/``no``)."""
    text = q.strip()
    if text:
        queryset = queryset.filter(Q(sku__icontains=text) | Q(name__icontains=text))
    if category:
        queryset = queryset.filter(category=category)
    if active in ("yes", "no"):
        queryset = queryset.filter(is_active=active == "yes")
    return queryset


def product_choices(user: Any) -> QuerySet[Product]:
    """Products that can go on a quote or a price list: the active ones."""
    return products_visible_to(user).filter(is_active=True).order_by("sku")


def price_lists_visible_to(user: Any, action: str = "view") -> QuerySet[PriceList]:
    return restrict(PriceList.objects.all(), user, action).select_related("tier")


def get_price_list_for(user: Any, pk: Any, action: str = "view") -> PriceList:
    return get_for_or_404(price_lists_visible_to(user, action), user, pk, action)


def price_list_items(price_list: PriceList) -> QuerySet[PriceListItem]:
    return price_list.items.select_related("product").order_by("product__sku")


def get_price_list_item_for(user: Any, pk: Any, action: str = "view") -> PriceListItem:
    """An item of a price list the user may ``action``; 404 otherwise."""
    lists = restrict(PriceList.objects.all(), user, action).values("pk")
    item = (
        PriceListItem.objects.select_related("price_list", "product")
        .filter(pk=pk, price_list__in=lists)
        .first()
    )
    if item is None:
        raise Http404
    return item


def _lines() -> Prefetch:
    return Prefetch(
        "lines", queryset=QuoteLine.objects.select_related("product").order_by("position", "pk")
    )


def quotes_visible_to(user: Any, action: str = "view") -> QuerySet[Quote]:
    return restrict(Quote.objects.all(), user, action).select_related(
        "deal", "deal__owner", "account", "approved_by"
    )


def get_quote_for(user: Any, pk: Any, action: str = "view") -> Quote:
    """The quote (with its lines) if the user may ``action`` it; 404 otherwise."""
    return get_for_or_404(
        quotes_visible_to(user, action).prefetch_related(_lines()), user, pk, action
    )


def get_quote_line_for(user: Any, pk: Any, action: str = "view") -> QuoteLine:
    """A line of a quote the user may ``action``; 404 otherwise."""
    quotes = restrict(Quote.objects.all(), user, action).values("pk")
    line = (
        QuoteLine.objects.select_related("quote", "quote__account", "quote__deal", "product")
        .filter(pk=pk, quote__in=quotes)
        .first()
    )
    if line is None:
        raise Http404
    return line


def filter_quotes(
    queryset: QuerySet[Quote],
    *,
    q: str = "",
    status: str = "",
    approval: str = "",
    deal_id: Any = None,
    account_id: Any = None,
) -> QuerySet[Quote]:
    """Narrow by number, deal or account name (``q``), status, approval, deal, account."""
    text = q.strip()
    if text:
        queryset = queryset.filter(
            Q(number__icontains=text)
            | Q(deal__name__icontains=text)
            | Q(account__name__icontains=text)
        )
    if status in QUOTE_STATUSES:
        queryset = queryset.filter(status=status)
    if approval:
        queryset = queryset.filter(approval=approval)
    if deal_id:
        queryset = queryset.filter(deal_id=deal_id)
    if account_id:
        queryset = queryset.filter(account_id=account_id)
    return queryset


def deal_quotes(user: Any, deal: Deal) -> QuerySet[Quote]:
    """The deal's quotes the user may see, newest first (the deal page's Quotes card)."""
    return restrict(Quote.objects.filter(deal=deal), user, "view").order_by("-created_at", "-pk")
