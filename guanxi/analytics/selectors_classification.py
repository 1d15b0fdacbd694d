"""Reads of customer classes, lifecycle transitions, the flow between stages and the
rules, narrowed to what the user may see (classes and transitions follow their
account: live accounts only)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404

from guanxi.analytics.models import ClassificationRules, CustomerClass, LifecycleTransition
from guanxi.analytics.models.classification import (
    LifecycleStage,
    LoyaltyClass,
    NeedsClass,
    PurchaseClass,
    ValueClass,
)
from guanxi.analytics.services.classification_inputs import months_before
from guanxi.core.access import restrict

FILTERS = {
    "purchase": PurchaseClass,
    "value": ValueClass,
    "needs": NeedsClass,
    "loyalty": LoyaltyClass,
    "stage": LifecycleStage,
}
CLASS_SORTS = ("margin", "stage_since", "account__name", "computed_at")


def classes_visible_to(user: Any) -> QuerySet[CustomerClass]:
    return restrict(
        CustomerClass.objects.filter(account__deleted_at__isnull=True), user, "view"
    ).select_related("account", "account__owner", "rules")


def class_of_account(user: Any, account_id: Any) -> CustomerClass | None:
    """The account's classes, or None when it has none or the user may not see them."""
    try:
        return classes_visible_to(user).filter(account_id=int(account_id)).first()
    except (ValueError, TypeError):
        return None


def get_class_for_account(user: Any, account_id: Any) -> CustomerClass:
    found = class_of_account(user, account_id)
    if found is None:
        raise Http404
    return found


def filter_classes(
    queryset: QuerySet[CustomerClass], *, key: bool | None = None, **chosen: str
) -> QuerySet[CustomerClass]:
    """Narrow by any of purchase, value, needs, loyalty, stage (an unknown code matches
    nothing) and by the key-account flag."""
    for name, choices in FILTERS.items():
        code = (chosen.get(name) or "").strip()
        if not code:
            continue
        queryset = queryset.filter(**{name: code}) if code in choices.values else queryset.none()
    if key is not None:
        queryset = queryset.filter(is_key_account=key)
    return queryset


def transitions_visible_to(user: Any) -> QuerySet[LifecycleTransition]:
    return restrict(
        LifecycleTransition.objects.filter(account__deleted_at__isnull=True), user, "view"
    ).select_related("account")


def transitions_of_account(
    user: Any, account_id: int, limit: int = 50
) -> list[LifecycleTransition]:
    return list(transitions_visible_to(user).filter(account_id=account_id)[:limit])


@dataclass(frozen=True)
class FlowMonth:
    month: date
    entered: dict[str, int]  # stage → customers who entered it this month
    moves: list[tuple[str, str, int]]  # (from, to, count), most first

    @property
    def total(self) -> int:
        return sum(self.entered.values())


@dataclass(frozen=True)
class Flow:
    months: list[FlowMonth]
    matrix: dict[str, dict[str, int]]  # from ("" first classified) → to → count
    current: dict[str, int]  # customers in each stage now

    @property
    def peak(self) -> int:
        return max((m.total for m in self.months), default=0)


def lifecycle_flow(user: Any, *, months: int = 12, as_of: date) -> Flow:
    """Customers moving between stages per month over the last ``months`` months (the
    transitions the user may see), the period's from × to totals and the stages now —
    two grouped queries whatever the number of customers."""
    start = months_before(as_of.replace(day=1), months - 1)
    rows = (
        transitions_visible_to(user)
        .filter(date__gte=start, date__lte=as_of)
        .annotate(month=TruncMonth("date"))
        .values_list("month", "from_stage", "to_stage")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_month: dict[date, list[tuple[str, str, int]]] = defaultdict(list)
    matrix: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for month, from_stage, to_stage, count in rows:
        day = month.date() if hasattr(month, "date") else month
        by_month[day].append((from_stage, to_stage, count))
        matrix[from_stage][to_stage] += count
    flow_months = []
    for index in range(months):
        month = months_before(start, -index)
        moves = sorted(by_month.get(month, []), key=lambda m: (-m[2], m[0], m[1]))
        entered: dict[str, int] = defaultdict(int)
        for _from, to_stage, count in moves:
            entered[to_stage] += count
        flow_months.append(FlowMonth(month, dict(entered), moves))
    current = dict(
        classes_visible_to(user)
        .values_list("stage")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("stage", "n")
    )
    return Flow(flow_months, {k: dict(v) for k, v in matrix.items()}, current)


def key_accounts_visible_to(user: Any) -> QuerySet[CustomerClass]:
    return classes_visible_to(user).filter(is_key_account=True).order_by("-margin", "pk")


def rules_history(limit: int = 20) -> list[ClassificationRules]:
    return list(ClassificationRules.objects.select_related("created_by")[:limit])
