"""API endpoints for the forecast, targets, performance and who should take a deal."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from guanxi.core.access import require
from guanxi.core.models import Team, User
from guanxi.integrations.api.pagination import keyset_page
from guanxi.sales.object_types import DEAL, TARGET
from guanxi.sales.schemas_forecast import (
    ForecastSchema,
    PerformanceSchema,
    SuggestedOwnersSchema,
    TargetIn,
    TargetPage,
    TargetSchema,
)
from guanxi.sales.selectors_deals import get_deal_for
from guanxi.sales.selectors_forecast import Forecast, ForecastRow, forecast_for
from guanxi.sales.selectors_performance import (
    get_target_for,
    performance_for,
    suggested_owners,
    targets_visible_to,
)
from guanxi.sales.services import targets as services

router = Router(tags=["forecast"])
TARGET_SORTS = ("pk", "period_start", "period_end", "amount")


def _row(forecast: Forecast, row: ForecastRow) -> dict[str, Any]:
    return {
        "id": row.key,
        "label": row.label,
        "currency": row.currency,
        "periods": [
            {"start": p.start, "end": p.last_day, "label": p.label, "figures": cells}
            for p, cells in zip(forecast.periods, row.cells, strict=True)
        ],
        "total": row.total,
    }


@router.get("/forecast", response=ForecastSchema, summary="The forecast by period and rep/team")
def get_forecast(
    request: HttpRequest,
    period: str = Query("month", description="month or quarter"),
    periods: int = Query(0, description="How many periods (default: 6 months, 2 quarters)"),
    start: date | None = Query(None, description="A day in the first period (default: today)"),  # noqa: B008
    group: str = Query("rep", description="rep or team"),
    owner_id: int | None = None,
    team_id: int | None = None,
) -> Any:
    require(request.user, DEAL, "view")
    if period not in ("month", "quarter"):
        raise ValidationError({"period": _("Choose month or quarter.")})
    if group not in ("rep", "team"):
        raise ValidationError({"group": _("Choose rep or team.")})
    if not 0 <= periods <= 24:
        raise ValidationError({"periods": _("Between 1 and 24 periods.")})
    result = forecast_for(
        request.user,
        kind=period,
        count=periods or (6 if period == "month" else 2),
        start=start,
        group=group,
        owner_id=owner_id,
        team_id=team_id,
    )
    return {
        "period": period,
        "group": result.group,
        "rows": [_row(result, r) for r in result.rows],
        "totals": [_row(result, r) for r in result.totals],
        "stages": [
            {
                "stage_id": s.stage.pk,
                "stage": s.stage.display_name,
                "pipeline_id": s.stage.pipeline_id,
                "closed": s.closed,
                "won": s.won,
                "win_rate": s.win_rate,
                "median_days": s.median_days,
            }
            for s in result.stages
        ],
    }


@router.get("/targets", response=TargetPage, summary="List targets")
def list_targets(
    request: HttpRequest,
    user_id: int | None = None,
    team_id: int | None = None,
    sort: str = "-period_start",
    cursor: str | None = None,
    limit: int = 50,
) -> Any:
    require(request.user, TARGET, "view")
    queryset = targets_visible_to(request.user)
    if user_id:
        queryset = queryset.filter(user_id=user_id)
    if team_id:
        queryset = queryset.filter(team_id=team_id)
    items, next_cursor = keyset_page(
        queryset, cursor=cursor, limit=limit, sort=sort, allowed=TARGET_SORTS
    )
    return {"items": items, "next_cursor": next_cursor}


@router.post(
    "/targets",
    response={201: TargetSchema},
    summary="Set a rep's or a team's target for a period (replaces the one it had)",
)
def set_target(request: HttpRequest, payload: TargetIn) -> Any:
    require(request.user, TARGET, "add")
    data = payload.dict()
    user_id, team_id = data.pop("user_id"), data.pop("team_id")
    user = User.objects.filter(pk=user_id).first() if user_id is not None else None
    team = Team.objects.filter(pk=team_id).first() if team_id is not None else None
    if user_id is not None and user is None:
        raise ValidationError({"user_id": _("This does not exist.")})
    if team_id is not None and team is None:
        raise ValidationError({"team_id": _("This does not exist.")})
    try:
        target = services.set_target(actor=request.user, user=user, team=team, **data)
    except ValidationError as error:
        raise _renamed(error) from error
    return Status(201, get_target_for(request.user, target.pk))


def _renamed(error: ValidationError) -> ValidationError:
    """The service's ``user`` / ``team`` errors named as the body's ``*_id`` fields."""
    if not hasattr(error, "error_dict"):
        return error
    names = {"user": "user_id", "team": "team_id"}
    return ValidationError({names.get(k, k): v for k, v in error.message_dict.items()})


@router.delete("/targets/{target_id}", response={204: None}, summary="Remove a target")
def delete_target(request: HttpRequest, target_id: int) -> Any:
    require(request.user, TARGET, "delete")
    target = get_target_for(request.user, target_id, "delete")
    if not services.may_set_target_for(request.user, user=target.user, team=target.team):
        raise PermissionDenied
    services.delete_target(actor=request.user, target=target)
    return Status(204, None)


@router.get("/performance", response=PerformanceSchema, summary="Each rep against target")
def get_performance(
    request: HttpRequest,
    start: date,
    end: date,
    owner_id: int | None = None,
) -> Any:
    require(request.user, DEAL, "view")
    if end < start:
        raise ValidationError({"end": _("The period ends before it starts.")})
    return performance_for(request.user, start=start, end=end, owner_id=owner_id)


@router.get(
    "/deals/{deal_id}/suggested-owners",
    response=SuggestedOwnersSchema,
    summary="Who should take this deal: reps by shrunk win rate on similar deals",
)
def get_suggested_owners(request: HttpRequest, deal_id: int) -> Any:
    require(request.user, DEAL, "view")
    deal = get_deal_for(request.user, deal_id)
    result = suggested_owners(request.user, deal)
    ranking = result.ranking
    return {
        "criteria": list(ranking.criteria),
        "similar": ranking.similar,
        "overall_rate": ranking.overall_rate,
        "alpha": ranking.alpha,
        "beta": ranking.beta,
        "owners": [
            {
                "user": row.user,
                "score": row.suggestion.score,
                "wins": row.suggestion.wins,
                "closed": row.suggestion.closed,
                "open_deals": row.suggestion.open_deals,
                "open_amount": row.suggestion.open_amount,
                "is_current_owner": row.is_current_owner,
            }
            for row in result.owners
        ],
    }
