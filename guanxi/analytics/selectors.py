"""Reads of the stored scores, narrowed to what the user may see (a score follows its
account: live accounts only), and of the current models and runs."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from guanxi.analytics.choices import Segment
from guanxi.analytics.models import CustomerScore, ModelFit, RecomputeRun
from guanxi.analytics.services.recompute import CurrentModels, current_models
from guanxi.core.access import restrict

SCORE_SORTS = (
    "clv",
    "predicted_value",
    "p_alive",
    "total_spend",
    "orders_count",
    "recency_days",
    "last_order_date",
    "segment",
    "account__name",
)


def scores_visible_to(user: Any) -> QuerySet[CustomerScore]:
    return restrict(
        CustomerScore.objects.filter(account__deleted_at__isnull=True), user, "view"
    ).select_related("account", "account__owner")


def get_score_for_account(user: Any, account_id: Any) -> CustomerScore:
    """The score of the account if the user may see it; 404 for missing and forbidden."""
    try:
        return scores_visible_to(user).get(account_id=account_id)
    except (CustomerScore.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def score_of_account(user: Any, account: Any) -> CustomerScore | None:
    """The account's score, or None when it has none or the user may not see it."""
    return scores_visible_to(user).filter(account=account).first()


def parse_amount(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def filter_scores(
    queryset: QuerySet[CustomerScore],
    *,
    segment: str = "",
    min_clv: Decimal | None = None,
    owner_id: Any = None,
) -> QuerySet[CustomerScore]:
    """Narrow by segment, minimum lifetime value and account owner."""
    if segment in Segment.values:
        queryset = queryset.filter(segment=segment)
    elif segment:
        queryset = queryset.none()
    if min_clv is not None:
        queryset = queryset.filter(clv__gte=min_clv)
    if owner_id not in (None, ""):
        queryset = queryset.filter(account__owner_id=owner_id)
    return queryset


def latest_run() -> RecomputeRun | None:
    return (
        RecomputeRun.objects.select_related("requested_by").order_by("-created_at", "-pk").first()
    )


def recent_runs(limit: int = 10) -> list[RecomputeRun]:
    return list(RecomputeRun.objects.select_related("requested_by")[:limit])


def models_in_use() -> CurrentModels | None:
    """The cut-offs and fits scores are computed with (the latest full run's)."""
    return current_models()


def fit_history(limit: int = 20) -> list[ModelFit]:
    return list(ModelFit.objects.exclude(kind__in=("rfm", "holdout"))[:limit])
