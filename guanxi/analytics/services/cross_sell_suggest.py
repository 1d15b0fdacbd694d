"""Reads of the stored associations: "customers who bought this also bought" for an
account (products it has not ordered, ranked by the confidence then lift of the rules
whose antecedent it bought) and for a product, and up-sell (a higher-priced product of
the same category). A few queries each, whatever the number of customers."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from guanxi.analytics.models import ProductAssociation, ProductStat
from guanxi.sales.choices_orders import OrderStatus
from guanxi.sales.models import OrderLine, Product, ReturnLine

DEFAULT_LIMIT = 5


@dataclass(frozen=True)
class Suggestion:
    """Suggest ``product`` because the customer bought ``because`` (cross-sell: with the
    rule's numbers; up-sell: a dearer product of ``because``'s category)."""

    kind: str  # "cross_sell" or "up_sell"
    product: Product
    because: Product
    confidence: float | None = None
    lift: float | None = None
    pair_buyers: int | None = None
    antecedent_buyers: int | None = None
    price: Decimal | None = None
    because_price: Decimal | None = None

    @property
    def confidence_percent(self) -> int:
        return round((self.confidence or 0) * 100)

    @property
    def confidence_label(self) -> str:
        """The confidence as a percentage, e.g. "42%"."""
        return f"{self.confidence_percent}%"


def products_of(account: Any) -> tuple[set[int], set[int]]:
    """(ever ordered, bought net of returns): the account's products on confirmed
    orders, and those of them it did not send all back."""
    ordered = dict(
        OrderLine.objects.filter(order__account=account, order__status=OrderStatus.CONFIRMED)
        .order_by()
        .values("product_id")
        .annotate(quantity=Sum("quantity"))
        .values_list("product_id", "quantity")
    )
    returned = dict(
        ReturnLine.objects.filter(
            order_line__order__account=account, order_line__order__status=OrderStatus.CONFIRMED
        )
        .order_by()
        .values("order_line__product_id")
        .annotate(quantity=Sum("quantity"))
        .values_list("order_line__product_id", "quantity")
    )
    kept = {pk for pk, quantity in ordered.items() if quantity - returned.get(pk, 0) > 0}
    return set(ordered), kept


def _cross_sell(kept: set[int], exclude: set[int], limit: int) -> list[Suggestion]:
    rules = (
        ProductAssociation.objects.filter(antecedent_id__in=kept, consequent__is_active=True)
        .exclude(consequent_id__in=exclude)
        .select_related("antecedent", "consequent")
        .order_by("-confidence", "-lift", "consequent_id", "antecedent_id")
    )
    found: dict[int, Suggestion] = {}
    for rule in rules[: limit * 20]:
        if rule.consequent_id in found:
            continue
        found[rule.consequent_id] = Suggestion(
            kind="cross_sell",
            product=rule.consequent,
            because=rule.antecedent,
            confidence=rule.confidence,
            lift=rule.lift,
            pair_buyers=rule.pair_buyers,
            antecedent_buyers=rule.antecedent_buyers,
        )
        if len(found) == limit:
            break
    return list(found.values())


def _up_sell(kept: set[int], exclude: set[int], limit: int) -> list[Suggestion]:
    """Per category of what was bought: the cheapest active product dearer than the
    dearest one bought in that category (average prices paid, base currency)."""
    bought = (
        ProductStat.objects.filter(product_id__in=kept, average_price__isnull=False)
        .exclude(product__category="")
        .select_related("product")
    )
    top: dict[str, ProductStat] = {}
    for stat in bought:
        best = top.get(stat.product.category)
        if best is None or (stat.average_price or 0) > (best.average_price or 0):
            top[stat.product.category] = stat
    if not top:
        return []
    candidates = (
        ProductStat.objects.filter(
            product__category__in=list(top), product__is_active=True, average_price__isnull=False
        )
        .exclude(product_id__in=exclude)
        .select_related("product")
        .order_by("average_price", "product_id")
    )
    found: dict[str, Suggestion] = {}
    for stat in candidates:
        category = stat.product.category
        base = top[category]
        if category in found or (stat.average_price or 0) <= (base.average_price or 0):
            continue
        found[category] = Suggestion(
            kind="up_sell",
            product=stat.product,
            because=base.product,
            price=stat.average_price,
            because_price=base.average_price,
        )
    return sorted(found.values(), key=lambda s: s.product.pk)[:limit]


def suggestions_for_account(
    account: Any, *, limit: int = DEFAULT_LIMIT
) -> dict[str, list[Suggestion]]:
    """Cross-sell and up-sell for the account, never a product it has ordered."""
    ordered, kept = products_of(account)
    if not kept:
        return {"cross_sell": [], "up_sell": []}
    cross = _cross_sell(kept, ordered, limit)
    taken = ordered | {s.product.pk for s in cross}
    return {"cross_sell": cross, "up_sell": _up_sell(kept, taken, limit)}


def suggestions_for_product(product: Product, *, limit: int = 10) -> dict[str, list[Suggestion]]:
    """What buyers of the product also bought, and dearer products of its category."""
    return {
        "cross_sell": _cross_sell({product.pk}, {product.pk}, limit),
        "up_sell": _up_sell({product.pk}, {product.pk}, limit),
    }
