"""Reads of deals and pipelines, always narrowed to what the user may see.

Each selector carries the joins its pages need (account, its primary contact, owner,
stage), so a list or the board costs the same number of queries however many deals
it shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Prefetch, QuerySet, Sum, Value, When
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils import timezone

from guanxi.core import custom_fields
from guanxi.core.access import get_for_or_404, restrict
from guanxi.core.models import User
from guanxi.core.search import matching_ids
from guanxi.customers.models import Account, AccountContact, Activity
from guanxi.sales.choices import StageKind
from guanxi.sales.models import Deal, DealStageChange, Pipeline, Stage
from guanxi.sales.object_types import DEAL

BOARD_CARDS_PER_COLUMN = 50
# A column's cards: soonest expected close first, deals without one last.
CARD_ORDER = (F("expected_close").asc(nulls_last=True), F("pk").asc())
STATUSES = ("open", "won", "lost")


def _primary_links(prefix: str = "account__") -> Prefetch:
    """The live primary contact of each deal's account (``primary_contact_of`` reads it)."""
    return Prefetch(
        f"{prefix}contact_links",
        queryset=AccountContact.objects.filter(
            is_primary=True, contact__deleted_at__isnull=True
        ).select_related("contact"),
        to_attr="primary_links",
    )


def deals_visible_to(user: Any, action: str = "view") -> QuerySet[Deal]:
    return (
        restrict(Deal.objects.all(), user, action)
        .select_related("account", "contact", "pipeline", "stage", "owner", "team")
        .prefetch_related("tags", _primary_links())
    )


def get_deal_for(user: Any, pk: Any, action: str = "view") -> Deal:
    """The deal if the user may ``action`` it; 404 for missing and forbidden alike."""
    return get_for_or_404(deals_visible_to(user, action), user, pk, action)


def search_deals(queryset: QuerySet[Deal], text: str) -> QuerySet[Deal]:
    """Deals whose search document mentions ``text`` (name, account, contact, stage,
    competitors, next step, tags, custom fields), through the trigram index."""
    ids = matching_ids(DEAL, text)
    return queryset if ids is None else queryset.filter(pk__in=ids)


def filter_deals(
    queryset: QuerySet[Deal],
    *,
    pipeline_id: Any = None,
    stage_id: Any = None,
    owner_id: Any = None,
    account_id: Any = None,
    status: str = "",
    close_from: date | None = None,
    close_to: date | None = None,
    tags: Iterable[str] = (),
    custom: Mapping[str, Any] | None = None,
) -> QuerySet[Deal]:
    """Narrow a list by pipeline, stage, owner, account, status (open, won, lost),
    expected close range, tags (all of them) and ``cf_<key>`` custom filters."""
    if pipeline_id:
        queryset = queryset.filter(pipeline_id=pipeline_id)
    if stage_id:
        queryset = queryset.filter(stage_id=stage_id)
    if owner_id:
        queryset = queryset.filter(owner_id=owner_id)
    if account_id:
        queryset = queryset.filter(account_id=account_id)
    if status in STATUSES:
        queryset = queryset.filter(stage__kind=status)
    if close_from:
        queryset = queryset.filter(expected_close__gte=close_from)
    if close_to:
        queryset = queryset.filter(expected_close__lte=close_to)
    for name in {" ".join(str(t).split()).lower() for t in tags} - {""}:
        queryset = queryset.filter(
            pk__in=Deal.tags.through.objects.filter(tag__name__iexact=name).values("deal_id")
        )
    if custom:
        queryset = custom_fields.filter_queryset(queryset, DEAL, custom)
    return queryset


def open_first(queryset: QuerySet[Deal]) -> QuerySet[Deal]:
    """Open deals first (soonest expected close on top), then won and lost, newest first."""
    rank = Case(
        When(stage__kind=StageKind.OPEN, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return queryset.annotate(open_rank=rank).order_by(
        "open_rank", F("expected_close").asc(nulls_last=True), "-updated_at", "-pk"
    )


def account_deals(user: Any, account: Account) -> QuerySet[Deal]:
    """The account's deals the user may see, open first (the account page's Deals card)."""
    return open_first(deals_visible_to(user).filter(account=account))


# --- pipelines ----------------------------------------------------------------------------


def pipelines_visible_to(user: Any, action: str = "view") -> QuerySet[Pipeline]:
    return restrict(Pipeline.objects.all(), user, action).prefetch_related(
        Prefetch("stages", queryset=Stage.objects.order_by("position", "pk"))
    )


def active_pipelines(user: Any) -> QuerySet[Pipeline]:
    return pipelines_visible_to(user).filter(is_active=True)


def get_pipeline_for(user: Any, pk: Any, action: str = "view") -> Pipeline:
    return get_for_or_404(pipelines_visible_to(user, action), user, pk, action)


def board_pipeline(user: Any, pk: Any = None) -> Pipeline | None:
    """The pipeline a board shows: the one asked for (404 if unknown), else the default."""
    if pk:
        return get_pipeline_for(user, pk)
    pipelines = pipelines_visible_to(user)
    return pipelines.filter(is_default=True).first() or pipelines.filter(is_active=True).first()


def get_stage_for(user: Any, pk: Any, action: str = "view") -> Stage:
    """A stage of a pipeline the user may ``action``; 404 otherwise."""
    visible = restrict(Pipeline.objects.all(), user, action).values("pk")
    stage = Stage.objects.select_related("pipeline").filter(pk=pk, pipeline__in=visible).first()
    if stage is None:
        raise Http404
    return stage


# --- the board -----------------------------------------------------------------------------


@dataclass
class Column:
    """One stage of the board: its cards (at most ``BOARD_CARDS_PER_COLUMN``) and totals
    over every deal in it, summed per currency."""

    stage: Stage
    cards: list[Deal] = field(default_factory=list)
    count: int = 0
    sums: list[tuple[str, Decimal]] = field(default_factory=list)

    @property
    def hidden(self) -> int:
        return max(0, self.count - len(self.cards))


@dataclass
class Board:
    pipeline: Pipeline
    columns: list[Column]
    won: Column | None
    lost: Column | None
    stages: list[Stage]


def _first_cards(deals: QuerySet[Deal], stage_ids: list[int]) -> RawSQL:
    """Ids of the first ``BOARD_CARDS_PER_COLUMN`` of ``deals`` in each stage, soonest
    expected close first: one ``LIMIT`` query per stage glued with ``UNION ALL``, used as
    a subquery. Each part reads the top of the partial index ``deal_board_cards_idx``
    (pipeline, stage, expected close, id of live deals) and stops after its cards, where
    ranking every deal of the pipeline (a window) sorts them all.

    Django's ``union()`` refuses sliced parts on SQLite, hence the parts wrapped in
    ``SELECT * FROM (...)``, which both databases accept."""
    parts: list[str] = []
    params: list[Any] = []
    for stage_id in stage_ids:
        top = deals.filter(stage_id=stage_id).order_by(*CARD_ORDER).values("pk")
        sql, part_params = top[:BOARD_CARDS_PER_COLUMN].query.get_compiler(top.db).as_sql()
        parts.append(f"SELECT * FROM ({sql}) AS column_{len(parts)}")  # noqa: S608 - compiled by Django, values as parameters
        params.extend(part_params)
    return RawSQL(" UNION ALL ".join(parts), params)  # noqa: S611 - as above


def board_of(user: Any, pipeline: Pipeline, *, owner_id: Any = None) -> Board:
    """The kanban board of a pipeline: one column per open stage with its cards, and the
    won and lost stages as totals. Four queries whatever the number of deals: stages,
    totals per stage and currency, the cards, their accounts' primary contacts."""
    stages = list(Stage.objects.filter(pipeline=pipeline).order_by("position", "pk"))
    deals = restrict(Deal.objects.all(), user, "view").filter(pipeline=pipeline)
    if owner_id:
        deals = deals.filter(owner_id=owner_id)
    columns = {stage.pk: Column(stage=stage) for stage in stages}
    totals = (
        deals.order_by()
        .values("stage_id", "currency")
        .annotate(n=Count("pk"), total=Sum("amount"))
        .order_by("stage_id", "currency")
    )
    for row in totals:
        column = columns.get(row["stage_id"])
        if column is not None:
            column.count += row["n"]
            column.sums.append(
                (row["currency"], Decimal(row["total"] or 0).quantize(Decimal("0.01")))
            )
    open_ids = [s.pk for s in stages if s.kind == StageKind.OPEN]
    if open_ids:
        cards = (
            Deal.objects.filter(pk__in=_first_cards(deals, open_ids))
            .select_related("account", "owner", "stage")
            .prefetch_related(_primary_links())
            .order_by("stage_id", *CARD_ORDER)
        )
        for deal in cards:
            columns[deal.stage_id].cards.append(deal)
    won = next((columns[s.pk] for s in stages if s.kind == StageKind.WON), None)
    lost = next((columns[s.pk] for s in stages if s.kind == StageKind.LOST), None)
    return Board(
        pipeline=pipeline,
        columns=[columns[pk] for pk in open_ids],
        won=won,
        lost=lost,
        stages=stages,
    )


# --- a deal's page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StageVisit:
    """One stay of a deal in a stage: when it entered, who moved it there, how long."""

    stage: Stage
    entered_at: datetime
    changed_by: Any
    seconds: int
    is_current: bool

    @property
    def duration(self) -> timedelta:
        return timedelta(seconds=self.seconds)


def stage_history(deal: Deal) -> list[StageVisit]:
    """The deal's stays in each stage, oldest first; the last one is the current stay."""
    changes = list(
        DealStageChange.objects.filter(deal=deal)
        .select_related("to_stage", "changed_by")
        .order_by("changed_at", "pk")
    )
    visits = []
    now = timezone.now()
    for index, change in enumerate(changes):
        following = changes[index + 1] if index + 1 < len(changes) else None
        seconds = (
            following.seconds_in_previous
            if following is not None
            else max(0, int((now - deal.stage_entered_at).total_seconds()))
        )
        visits.append(
            StageVisit(
                stage=change.to_stage,
                entered_at=change.changed_at,
                changed_by=change.changed_by,
                seconds=seconds,
                is_current=following is None,
            )
        )
    return visits


def deal_activities(deal: Deal) -> QuerySet[Activity]:
    """The live activities logged about a deal, newest first."""
    return (
        Activity.objects.filter(
            pk__in=Deal.activities.through.objects.filter(deal=deal).values("activity_id")
        )
        .select_related("owner", "assignee", "team")
        .prefetch_related("accounts", "contacts")
        .order_by("-at", "-pk")
    )


def owner_choices() -> QuerySet[User]:
    return User.objects.filter(is_active=True).only("pk", "full_name", "email")
