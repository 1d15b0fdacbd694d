"""Orders and returns on the customer timelines.

A confirmed order appears at the moment it was confirmed (an ERP's order: on its order
date), with its total and lines; a later cancellation is noted on it. A return or
credit note appears when it was recorded. Only orders the reader may see are shown;
drafts are not part of the customer's history yet. One query per source and page.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Model, Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from guanxi.core.access import restrict
from guanxi.customers.models import Account, Contact
from guanxi.customers.timeline import Cursor, TimelineEntry, TimelineSource, before
from guanxi.sales.choices_orders import OrderStatus, ReturnKind
from guanxi.sales.models import Order, OrderLine, Return, ReturnLine

ORDER_SOURCE = "order"
RETURN_SOURCE = "order_return"
ORDER_KINDS = [("order", _lazy("Order"))]
RETURN_KINDS = [
    ("order_return", _lazy("Return of goods")),
    ("credit_note", _lazy("Credit note")),
]
SHOWN_LINES = 5


def _orders_of(user: Any, subject: Model) -> Any:
    if isinstance(subject, Account):
        orders = Order.objects.filter(account=subject)
    elif isinstance(subject, Contact):
        orders = Order.objects.filter(contact=subject)
    else:
        return None
    return restrict(orders, user, "view")


def _money(currency: str, amount: Any) -> str:
    return f"{currency} {amount:,.2f}"


def order_entries(
    user: Any, subject: Model, cursor: Cursor | None, limit: int, kinds: set[str] | None
) -> Sequence[TimelineEntry]:
    """The subject's confirmed (and later cancelled) orders, newest first."""
    orders = _orders_of(user, subject)
    if orders is None:
        return []
    rows = (
        orders.filter(confirmed_at__isnull=False)
        .filter(before(cursor, ORDER_SOURCE, "confirmed_at"))
        .select_related("owner")
        .prefetch_related(
            Prefetch(
                "lines", queryset=OrderLine.objects.select_related("product").order_by("position")
            )
        )
        .order_by("-confirmed_at", "-pk")[:limit]
    )
    entries = []
    for order in rows:
        lines = list(order.lines.all())
        parts = [_money(order.currency, order.total)]
        parts += [f"{ln.product.sku} × {ln.quantity.normalize():f}" for ln in lines[:SHOWN_LINES]]
        if len(lines) > SHOWN_LINES:
            parts.append(_("%(count)s more lines") % {"count": len(lines) - SHOWN_LINES})
        if order.status == OrderStatus.CANCELLED:
            parts.append(_("cancelled"))
        if order.external_id:
            parts.append(f"{order.source}: {order.external_id}")
        entries.append(
            TimelineEntry(
                at=order.confirmed_at,
                source=ORDER_SOURCE,
                id=order.pk,
                kind="order",
                kind_label=str(ORDER_KINDS[0][1]),
                title=_("Order %(number)s") % {"number": order.number},
                body=" · ".join(parts),
                actor=str(order.owner),
                url=order.get_absolute_url(),
                details={
                    "order_id": order.pk,
                    "status": order.status,
                    "total": str(order.total),
                    "currency": order.currency,
                    "total_base": str(order.total_base),
                },
            )
        )
    return entries


def return_entries(
    user: Any, subject: Model, cursor: Cursor | None, limit: int, kinds: set[str] | None
) -> Sequence[TimelineEntry]:
    """Returns and credit notes against the subject's orders, newest first."""
    orders = _orders_of(user, subject)
    if orders is None:
        return []
    queryset = Return.objects.filter(order__in=orders.values("pk")).filter(
        before(cursor, RETURN_SOURCE, "returned_at")
    )
    if kinds:
        wanted = {ReturnKind.RETURN} if "order_return" in kinds else set()
        wanted |= {ReturnKind.CREDIT} if "credit_note" in kinds else set()
        queryset = queryset.filter(kind__in=wanted)
    rows = (
        queryset.select_related("order", "created_by")
        .prefetch_related(
            Prefetch("lines", queryset=ReturnLine.objects.select_related("order_line__product"))
        )
        .order_by("-returned_at", "-pk")[:limit]
    )
    entries = []
    for row in rows:
        is_credit = row.kind == ReturnKind.CREDIT
        kind = "credit_note" if is_credit else "order_return"
        parts = [_money(row.order.currency, row.total), row.reason]
        if not is_credit:
            parts += [
                f"{ln.order_line.product.sku} × {ln.quantity.normalize():f}"
                for ln in row.lines.all()
            ]
        title = (
            _("Credit note %(number)s on order %(order)s")
            if is_credit
            else _("Return %(number)s on order %(order)s")
        ) % {"number": row.number, "order": row.order.number}
        entries.append(
            TimelineEntry(
                at=row.returned_at,
                source=RETURN_SOURCE,
                id=row.pk,
                kind=kind,
                kind_label=str(dict(RETURN_KINDS)[kind]),
                title=title,
                body=" · ".join(p for p in parts if p),
                actor=str(row.created_by or ""),
                url=row.get_absolute_url(),
                details={"order_id": row.order_id, "total": str(row.total)},
            )
        )
    return entries


def register() -> None:
    """Put orders and returns on the customer timelines."""
    from guanxi.customers.timeline import register_source

    register_source(TimelineSource(key=ORDER_SOURCE, kinds=ORDER_KINDS, fetch=order_entries))
    register_source(TimelineSource(key=RETURN_SOURCE, kinds=RETURN_KINDS, fetch=return_entries))
