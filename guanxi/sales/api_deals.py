"""API endpoints for deals, the board, a deal's activities and timeline, and pipelines."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from guanxi.core.access import require
from guanxi.core.models import Team, User
from guanxi.customers.models import Activity
from guanxi.customers.object_types import ACTIVITY
from guanxi.customers.schemas_activities import ActivityPage, ActivitySchema, TimelinePage
from guanxi.customers.selectors import account_choices, contacts_visible_to
from guanxi.integrations.api.pagination import keyset_page
from guanxi.sales.models import Stage
from guanxi.sales.object_types import DEAL, PIPELINE
from guanxi.sales.schemas_deals import (
    BoardSchema,
    DealActivityIn,
    DealIn,
    DealPage,
    DealPatchIn,
    DealSchema,
    MoveIn,
    PipelineIn,
    PipelinePatchIn,
    PipelineSchema,
)
from guanxi.sales.selectors_deals import (
    board_of,
    board_pipeline,
    deal_activities,
    deals_visible_to,
    filter_deals,
    get_deal_for,
    get_pipeline_for,
    pipelines_visible_to,
    search_deals,
)
from guanxi.sales.services import deals as services
from guanxi.sales.services import pipelines as pipeline_services
from guanxi.sales.timeline_sources_deals import deal_timeline_page

router = Router(tags=["deals"])
SORTS = ("pk", "name", "amount", "expected_close", "created_at", "updated_at")


def _resolve(data: dict[str, Any], user: Any) -> dict[str, Any]:
    """Ids in the body to records the user may see, naming the field of any unknown one."""
    errors: dict[str, str] = {}
    lookups = (
        ("account_id", "account", lambda: account_choices(user)),
        ("contact_id", "contact", lambda: contacts_visible_to(user)),
        ("owner_id", "owner", lambda: User.objects.all()),
        ("team_id", "team", lambda: Team.objects.all()),
        ("pipeline_id", "pipeline", lambda: pipelines_visible_to(user)),
        ("stage_id", "stage", lambda: Stage.objects.all()),
    )
    for key, name, queryset in lookups:
        if key not in data:
            continue
        pk = data.pop(key)
        record = queryset().filter(pk=pk).first() if pk is not None else None
        if pk is not None and record is None:
            errors[key] = _("This does not exist.")
        data[name] = record
    if errors:
        raise ValidationError(errors)
    return data


def _fresh(user: Any, pk: int) -> Any:
    return get_deal_for(user, pk)


@router.get("/deals", response=DealPage, summary="List deals")
def list_deals(
    request: HttpRequest,
    q: str = "",
    pipeline_id: int | None = None,
    stage_id: int | None = None,
    owner_id: int | None = None,
    account_id: int | None = None,
    status: str = Query("", description="open, won or lost"),
    expected_close_from: date | None = None,
    expected_close_to: date | None = None,
    tag: list[str] = Query([], description="Repeat for deals with all these tags"),  # noqa: B008
    sort: str = "-updated_at",
    cursor: str | None = None,
    limit: int = 50,
) -> Any:
    require(request.user, DEAL, "view")
    custom = {k: str(v) for k, v in request.GET.items() if k.startswith("cf_")}
    queryset = filter_deals(
        deals_visible_to(request.user),
        pipeline_id=pipeline_id,
        stage_id=stage_id,
        owner_id=owner_id,
        account_id=account_id,
        status=status,
        close_from=expected_close_from,
        close_to=expected_close_to,
        tags=tag,
        custom=custom,
    )
    items, next_cursor = keyset_page(
        search_deals(queryset, q),
        cursor=cursor,
        limit=limit,
        sort=sort.replace("id", "pk") if sort.lstrip("-") == "id" else sort,
        allowed=SORTS,
    )
    return {"items": items, "next_cursor": next_cursor}


@router.get("/deals/board", response=BoardSchema, summary="A pipeline's kanban board")
def get_board(
    request: HttpRequest, pipeline_id: int | None = None, owner_id: int | None = None
) -> Any:
    """One column per open stage with its cards (at most 50, soonest close first) and
    totals over all its deals per currency; the won and lost stages as totals only."""
    require(request.user, DEAL, "view")
    pipeline = board_pipeline(request.user, pipeline_id)
    if pipeline is None:
        raise ValidationError({"pipeline_id": _("There is no active pipeline.")})
    board = board_of(request.user, pipeline, owner_id=owner_id)
    now = timezone.now()

    def column(col: Any) -> dict[str, Any] | None:
        if col is None:
            return None
        for deal in col.cards:
            deal.days_in_stage = (now - deal.stage_entered_at).days
        return {
            "stage": col.stage,
            "count": col.count,
            "totals": [{"currency": c, "amount": a} for c, a in col.sums],
            "cards": col.cards,
        }

    return {
        "pipeline": pipeline,
        "columns": [column(c) for c in board.columns],
        "won": column(board.won),
        "lost": column(board.lost),
    }


@router.get("/deals/{deal_id}", response=DealSchema, summary="One deal")
def get_deal(request: HttpRequest, deal_id: int) -> Any:
    require(request.user, DEAL, "view")
    return get_deal_for(request.user, deal_id)


@router.post("/deals", response={201: DealSchema}, summary="Open a deal")
def create_deal(request: HttpRequest, payload: DealIn) -> Any:
    require(request.user, DEAL, "add")
    data = payload.dict()
    for key in ("owner_id", "team_id"):
        if data.get(key) is None:
            data.pop(key)
    data = _resolve(data, request.user)
    deal = services.create_deal(actor=request.user, **data)
    return Status(201, _fresh(request.user, deal.pk))


@router.patch("/deals/{deal_id}", response=DealSchema, summary="Change a deal")
def patch_deal(request: HttpRequest, deal_id: int, payload: DealPatchIn) -> Any:
    require(request.user, DEAL, "change")
    deal = get_deal_for(request.user, deal_id, "change")
    data = _resolve(payload.dict(exclude_unset=True), request.user)
    services.update_deal(actor=request.user, deal=deal, **data)
    return _fresh(request.user, deal.pk)


@router.delete("/deals/{deal_id}", response={204: None}, summary="Move a deal to the trash")
def delete_deal(request: HttpRequest, deal_id: int) -> Any:
    require(request.user, DEAL, "delete")
    deal = get_deal_for(request.user, deal_id, "delete")
    services.delete_deal(actor=request.user, deal=deal)
    return Status(204, None)


@router.post("/deals/{deal_id}/move", response=DealSchema, summary="Move a deal to a stage")
def move(request: HttpRequest, deal_id: int, payload: MoveIn) -> Any:
    """Records the stage change and time in the previous stage; a lost stage needs a
    ``lost_reason``; a stage of another pipeline is refused."""
    require(request.user, DEAL, "change")
    deal = get_deal_for(request.user, deal_id, "change")
    stage = Stage.objects.filter(pk=payload.stage_id).first()
    if stage is None:
        raise ValidationError({"stage_id": _("This does not exist.")})
    try:
        services.move_deal(
            actor=request.user,
            deal=deal,
            stage=stage,
            lost_reason=payload.lost_reason,
            lost_note=payload.lost_note,
        )
    except ValidationError as error:
        if hasattr(error, "error_dict") and "stage" in error.error_dict:
            raise ValidationError({"stage_id": error.message_dict["stage"]}) from error
        raise
    return _fresh(request.user, deal.pk)


@router.get("/deals/{deal_id}/activities", response=ActivityPage, summary="Activities about a deal")
def list_deal_activities(
    request: HttpRequest, deal_id: int, cursor: str | None = None, limit: int = 50
) -> Any:
    require(request.user, DEAL, "view")
    deal = get_deal_for(request.user, deal_id)
    items, next_cursor = keyset_page(
        deal_activities(deal), cursor=cursor, limit=limit, sort="-at", allowed=("at",)
    )
    return {"items": items, "next_cursor": next_cursor}


@router.post(
    "/deals/{deal_id}/activities",
    response={201: ActivitySchema},
    summary="Log an activity about a deal (also on its account's and contact's timelines)",
)
def log_deal_activity(request: HttpRequest, deal_id: int, payload: DealActivityIn) -> Any:
    require(request.user, DEAL, "view")
    require(request.user, ACTIVITY, "add")
    deal = get_deal_for(request.user, deal_id)
    activity = services.log_deal_activity(actor=request.user, deal=deal, **payload.dict())
    return Status(
        201, Activity.objects.prefetch_related("accounts", "contacts").get(pk=activity.pk)
    )


@router.get("/deals/{deal_id}/timeline", response=TimelinePage, summary="A deal's timeline")
def deal_timeline(
    request: HttpRequest,
    deal_id: int,
    cursor: str | None = None,
    limit: int = 25,
    kind: list[str] = Query([]),  # noqa: B008
) -> Any:
    """Its activities and stage changes, newest first; pass ``next_cursor`` back."""
    require(request.user, DEAL, "view")
    deal = get_deal_for(request.user, deal_id)
    if not 1 <= limit <= 100:
        raise ValidationError({"limit": _("Limit must be between 1 and 100.")})
    entries, next_cursor = deal_timeline_page(
        request.user, deal, cursor=cursor, limit=limit, kinds=kind or None
    )
    return {"items": entries, "next_cursor": next_cursor}


@router.get("/pipelines", response=list[PipelineSchema], summary="Pipelines with their stages")
def list_pipelines(request: HttpRequest) -> Any:
    require(request.user, PIPELINE, "view")
    return list(pipelines_visible_to(request.user))


@router.post("/pipelines", response={201: PipelineSchema}, summary="Create a pipeline")
def create_pipeline(request: HttpRequest, payload: PipelineIn) -> Any:
    require(request.user, PIPELINE, "add")
    data = payload.dict()
    stages = data.pop("stages")
    pipeline = pipeline_services.create_pipeline(actor=request.user, stages=stages, **data)
    return Status(201, get_pipeline_for(request.user, pipeline.pk))


@router.patch(
    "/pipelines/{pipeline_id}",
    response=PipelineSchema,
    summary="Rename, reorder, retire or make default a pipeline; replace its stages",
)
def patch_pipeline(request: HttpRequest, pipeline_id: int, payload: PipelinePatchIn) -> Any:
    require(request.user, PIPELINE, "change")
    pipeline = get_pipeline_for(request.user, pipeline_id, "change")
    data = payload.dict(exclude_unset=True)
    stages = data.pop("stages", None)
    pipeline_services.update_pipeline(actor=request.user, pipeline=pipeline, stages=stages, **data)
    return get_pipeline_for(request.user, pipeline.pk)
