"""Reads of churn risks, narrowed to what the user may see (a risk follows its account:
live accounts only), and of the product associations."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from guanxi.analytics.models import (
    AssociationRefresh,
    ChurnCrossing,
    ChurnRisk,
    ProductAssociation,
)
from guanxi.analytics.models.churn import RiskLevel
from guanxi.core.access import restrict

RISK_SORTS = ("value_at_stake", "risk", "account__name", "computed_at")
ASSOCIATION_SORTS = ("lift", "confidence", "support", "pair_buyers")


def risks_visible_to(user: Any) -> QuerySet[ChurnRisk]:
    return restrict(
        ChurnRisk.objects.filter(account__deleted_at__isnull=True), user, "view"
    ).select_related("account", "account__owner", "account__team")


def filter_risks(
    queryset: QuerySet[ChurnRisk],
    *,
    level: str = "",
    owner_id: Any = None,
    team_id: Any = None,
    at_risk_only: bool = False,
) -> QuerySet[ChurnRisk]:
    """Narrow by level (low, medium, high), owner and team of the account; an unknown
    level matches nothing. ``at_risk_only``: medium and high."""
    if level in RiskLevel.values:
        queryset = queryset.filter(level=level)
    elif level:
        queryset = queryset.none()
    elif at_risk_only:
        queryset = queryset.exclude(level=RiskLevel.LOW)
    if owner_id not in (None, ""):
        queryset = queryset.filter(account__owner_id=owner_id)
    if team_id not in (None, ""):
        queryset = queryset.filter(account__team_id=team_id)
    return queryset


def risk_of_account(user: Any, account: Any) -> ChurnRisk | None:
    """The account's risk, or None when it has none or the user may not see it."""
    return risks_visible_to(user).filter(account=account).first()


def crossings_of(account: Any, limit: int = 10) -> list[ChurnCrossing]:
    return list(ChurnCrossing.objects.filter(account=account).select_related("task")[:limit])


def associations_visible_to(user: Any) -> QuerySet[ProductAssociation]:
    return restrict(ProductAssociation.objects.all(), user, "view").select_related(
        "antecedent", "consequent"
    )


def filter_associations(
    queryset: QuerySet[ProductAssociation], *, product_id: Any = None, q: str = ""
) -> QuerySet[ProductAssociation]:
    """Rules with the product on either side; ``q`` matches either product's SKU or name."""
    if product_id not in (None, ""):
        queryset = queryset.filter(Q(antecedent_id=product_id) | Q(consequent_id=product_id))
    q = (q or "").strip()
    if q:
        queryset = queryset.filter(
            Q(antecedent__sku__icontains=q)
            | Q(antecedent__name__icontains=q)
            | Q(consequent__sku__icontains=q)
            | Q(consequent__name__icontains=q)
        )
    return queryset


def latest_refresh() -> AssociationRefresh | None:
    return AssociationRefresh.objects.first()
