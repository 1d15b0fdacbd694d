"""API endpoints of customer analytics: the stored scores (restricted like their
accounts), the models in use and a recompute."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from guanxi.analytics.object_types import CUSTOMER_SCORE, MODEL_FIT
from guanxi.analytics.schemas import ModelsSchema, RunSchema, ScorePage, ScoreSchema
from guanxi.analytics.selectors import (
    filter_scores,
    get_score_for_account,
    latest_run,
    models_in_use,
    scores_visible_to,
)
from guanxi.analytics.services.diagnostics import latest_holdout
from guanxi.analytics.services.recompute import request_recompute
from guanxi.core.access import require
from guanxi.integrations.api.pagination import keyset_page

router = Router(tags=["Analytics"])

# Keyset pagination needs non-null sort values: predictions may be empty, so they are
# not offered here (the page sorts by them).
SORTS = ("pk", "total_spend", "orders_count", "recency_days", "last_order_date")


@router.get("/analytics/customers", response=ScorePage, summary="List customer scores")
def list_scores(
    request: HttpRequest,
    segment: str = Query("", description="A segment code, e.g. champions or at_risk"),
    min_clv: Decimal | None = None,
    owner_id: int | None = None,
    sort: str = "pk",
    cursor: str | None = None,
    limit: int = 50,
) -> Any:
    """The scores of the customers the caller may see: a sales rep their own, a sales
    manager their teams', marketing, service and analysts everyone's."""
    require(request.user, CUSTOMER_SCORE, "view")
    queryset = filter_scores(
        scores_visible_to(request.user), segment=segment, min_clv=min_clv, owner_id=owner_id
    )
    items, next_cursor = keyset_page(queryset, cursor=cursor, limit=limit, sort=sort, allowed=SORTS)
    return {"items": items, "next_cursor": next_cursor}


@router.get("/accounts/{account_id}/score", response=ScoreSchema, summary="An account's scores")
def account_score(request: HttpRequest, account_id: int) -> Any:
    """404 when the account has no score yet (no confirmed order) or is not visible."""
    require(request.user, CUSTOMER_SCORE, "view")
    return get_score_for_account(request.user, account_id)


@router.get("/analytics/models", response=ModelsSchema, summary="The models in use")
def models(request: HttpRequest) -> Any:
    """The RFM cut-offs, BG/NBD and Gamma-Gamma fits of the latest full run, the latest
    calibration vs holdout check and the latest run (administrators and analysts)."""
    require(request.user, MODEL_FIT, "view")
    current = models_in_use()
    return {
        "rfm": current.rfm if current else None,
        "bgnbd": current.bgnbd_row if current else None,
        "gamma_gamma": current.gamma_gamma_row if current else None,
        "holdout": latest_holdout(),
        "last_run": latest_run(),
    }


@router.post(
    "/analytics/recompute", response={202: RunSchema}, summary="Recompute all customers now"
)
def recompute(request: HttpRequest) -> Any:
    """Queue a full recompute with refit (administrators and analysts); while one is
    queued or running, that run is returned."""
    require(request.user, MODEL_FIT, "add")
    return Status(202, request_recompute(actor=request.user))
