"""Reads of orders, returns, serial numbers and exchange rates, narrowed to what the
user may see. Returns and serial numbers follow their order's owner and team.

``account_transactions`` is the customer's transaction history as warranty checks and
analytics read it: confirmed orders and the returns against them, in the base currency.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from guanxi.core.access import get_for_or_404, restrict
from guanxi.customers.models import Account, Contact
from guanxi.sales.choices_orders import OrderStatus, SerialStatus
from guanxi.sales.models import (
    Deal,
    ExchangeRate,
    Order,
    OrderLine,
    Return,
    ReturnLine,
    SerialNumber,
)

ORDER_SORTS = ("number", "order_date", "total", "total_base", "status")


def orders_visible_to(user: Any, action: str = "view") -> QuerySet[Order]:
    return restrict(Order.objects.all(), user, action).select_related(
        "account", "contact", "deal", "owner"
    )


def _lines() -> Prefetch:
    return Prefetch(
        "lines",
        queryset=OrderLine.objects.select_related("product")
        .prefetch_related("serials")
        .annotate(returned=Sum("return_lines__quantity"), credited=Sum("return_lines__amount"))
        .order_by("position", "pk"),
    )


def _returns() -> Prefetch:
    return Prefetch(
        "returns",
        queryset=Return.objects.select_related("created_by")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=ReturnLine.objects.select_related("order_line__product").prefetch_related(
                    "serials"
                ),
            )
        )
        .order_by("return_date", "pk"),
    )


def get_order_for(user: Any, pk: Any, action: str = "view") -> Order:
    """The order with its lines (and what was returned of each), serial numbers and
    returns, if the user may ``action`` it; 404 otherwise."""
    queryset = orders_visible_to(user, action).prefetch_related(_lines(), _returns())
    return get_for_or_404(queryset, user, pk, action)


def get_order_line_for(user: Any, pk: Any, action: str = "view") -> OrderLine:
    """A line of an order the user may ``action``; 404 otherwise."""
    orders = restrict(Order.objects.all(), user, action).values("pk")
    line = (
        OrderLine.objects.select_related("order", "order__account", "product")
        .filter(pk=pk, order__in=orders)
        .first()
    )
    if line is None:
        raise Http404
    return line


def get_order_by_external_id(user: Any, source: str, external_id: str) -> Order:
    order = (
        orders_visible_to(user)
        .prefetch_related(_lines(), _returns())
        .filter(source=source, external_id=external_id)
        .first()
    )
    if order is None:
        raise Http404
    return order


def filter_orders(
    queryset: QuerySet[Order],
    *,
    q: str = "",
    status: str = "",
    source: str = "",
    account_id: Any = None,
    contact_id: Any = None,
    deal_id: Any = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[Order]:
    """Narrow by number, external id, account name or serial number (``q``), status,
    source system, account, contact, deal and order date."""
    text = q.strip()
    if text:
        sold = SerialNumber.objects.filter(serial__iexact=text).values("line__order_id")
        queryset = queryset.filter(
            Q(number__icontains=text)
            | Q(external_id__icontains=text)
            | Q(account__name__icontains=text)
            | Q(pk__in=sold)
        )
    if status in OrderStatus.values:
        queryset = queryset.filter(status=status)
    if source:
        queryset = queryset.filter(source=source)
    if account_id:
        queryset = queryset.filter(account_id=account_id)
    if contact_id:
        queryset = queryset.filter(contact_id=contact_id)
    if deal_id:
        queryset = queryset.filter(deal_id=deal_id)
    if date_from:
        queryset = queryset.filter(order_date__gte=date_from)
    if date_to:
        queryset = queryset.filter(order_date__lte=date_to)
    return queryset


def order_sources(user: Any) -> list[str]:
    """The source systems of the orders the user may see (for the list's filter)."""
    return sorted(set(orders_visible_to(user).values_list("source", flat=True).distinct()))


def account_orders(user: Any, account: Account) -> QuerySet[Order]:
    """The account's orders the user may see, newest first (the account page's card)."""
    return (
        restrict(Order.objects.filter(account=account), user, "view")
        .select_related("owner")
        .order_by("-order_date", "-pk")
    )


def deal_orders(user: Any, deal: Deal) -> QuerySet[Order]:
    return restrict(Order.objects.filter(deal=deal), user, "view").order_by("-order_date", "-pk")


def account_transactions(account: Account | Contact, user: Any = None) -> dict[str, Decimal]:
    """What the customer bought and returned, in the base currency (confirmed orders;
    for a contact, the orders they placed); with ``user``, only the orders they may see
    (analytics passes none and reads them all)."""
    field = "account" if isinstance(account, Account) else "contact"
    orders = Order.objects.filter(**{field: account}, status=OrderStatus.CONFIRMED)
    if user is not None:
        orders = restrict(orders, user, "view")
    bought = orders.aggregate(total=Sum("total_base"))["total"] or Decimal(0)
    returned = Return.objects.filter(order__in=orders.values("pk")).aggregate(
        total=Sum("total_base")
    )["total"] or Decimal(0)
    return {"bought": bought, "returned": returned, "net": bought - returned}


def serials_visible_to(user: Any) -> QuerySet[SerialNumber]:
    orders = restrict(Order.objects.all(), user, "view").values("pk")
    return SerialNumber.objects.filter(line__order__in=orders).select_related(
        "product", "line__order", "line__order__account"
    )


def warranty_lookup(user: Any, serial: str, on: date | None = None) -> list[dict[str, Any]]:
    """Each unit sold under this serial number on a confirmed order the user may see:
    product, order, customer, status and whether it is under warranty on ``on`` (today
    by default)."""
    day = on or timezone.localdate()
    rows = (
        serials_visible_to(user)
        .filter(serial__iexact=serial.strip(), line__order__status=OrderStatus.CONFIRMED)
        .order_by("-pk")
    )
    return [
        {
            "serial": row,
            "order": row.line.order,
            "account": row.line.order.account,
            "product": row.product,
            "status": row.status,
            "warranty_until": row.warranty_until,
            "in_warranty": bool(
                row.status == SerialStatus.SOLD and row.warranty_until and row.warranty_until >= day
            ),
        }
        for row in rows
    ]


def revenue_by_month(
    user: Any, date_from: date | None = None, date_to: date | None = None
) -> list[dict[str, Any]]:
    """Per month, in the base currency: confirmed orders the user may see, what was
    returned against them (in the month of the return), and the net."""
    orders = restrict(Order.objects.filter(status=OrderStatus.CONFIRMED), user, "view")
    returns = Return.objects.filter(order__in=orders.values("pk"))
    if date_from:
        orders = orders.filter(order_date__gte=date_from)
        returns = returns.filter(return_date__gte=date_from)
    if date_to:
        orders = orders.filter(order_date__lte=date_to)
        returns = returns.filter(return_date__lte=date_to)
    months: dict[date, dict[str, Any]] = {}

    def month(day: date) -> dict[str, Any]:
        return months.setdefault(
            day,
            {"month": day, "orders": 0, "sold": Decimal(0), "returned": Decimal(0)},
        )

    for row in (
        orders.annotate(m=TruncMonth("order_date"))
        .values("m")
        .annotate(total=Sum("total_base"), count=Count("pk"))
        .order_by()
    ):
        entry = month(row["m"])
        entry["orders"] += row["count"]
        entry["sold"] += row["total"] or Decimal(0)
    for row in (
        returns.annotate(m=TruncMonth("return_date"))
        .values("m")
        .annotate(total=Sum("total_base"))
        .order_by()
    ):
        month(row["m"])["returned"] += row["total"] or Decimal(0)
    result = [months[key] for key in sorted(months)]
    for entry in result:
        entry["net"] = entry["sold"] - entry["returned"]
    return result


def exchange_rates(currency: str = "") -> QuerySet[ExchangeRate]:
    """Every rate (they are not secret), by currency, newest first."""
    queryset = ExchangeRate.objects.all()
    if currency:
        queryset = queryset.filter(currency=currency.upper())
    return queryset.order_by("currency", "-valid_on")
