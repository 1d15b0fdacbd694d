"""Deals on the timelines.

* On an account's (and a contact's) timeline: each deal's creation, stage changes, win
  and loss, by whom — so a manager sees what every rep did and promised (story 11).
  Only deals the reader may see are shown.
* On a deal's own page: its activities and its stage changes, merged with the same
  ``(at, source, id)`` cursor as the customer timeline.

The registered source returns entries for accounts and contacts (and for a deal, its
own stage changes) and nothing for other subjects.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from typing import Any

from django.db.models import Model, Q
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from guanxi.core.access import restrict
from guanxi.customers.choices import ActivityKind
from guanxi.customers.models import Account, Activity, Contact
from guanxi.customers.timeline import Cursor, TimelineEntry, TimelineSource, before
from guanxi.sales import timeline_sources_quotes as quote_source
from guanxi.sales.choices import StageKind
from guanxi.sales.models import Deal, DealStageChange

SOURCE = "deal"
ACTIVITY_SOURCE = "deal_activity"
CREATED, STAGE, WON, LOST = "deal_created", "deal_stage", "deal_won", "deal_lost"
KINDS = [
    (CREATED, _lazy("Deal opened")),
    (STAGE, _lazy("Deal stage")),
    (WON, _lazy("Deal won")),
    (LOST, _lazy("Deal lost")),
]


def _kind_filter(kinds: set[str]) -> Q:
    condition = Q(pk__in=[])
    if CREATED in kinds:
        condition |= Q(from_stage__isnull=True)
    if STAGE in kinds:
        condition |= Q(from_stage__isnull=False, to_stage__kind=StageKind.OPEN)
    if WON in kinds:
        condition |= Q(from_stage__isnull=False, to_stage__kind=StageKind.WON)
    if LOST in kinds:
        condition |= Q(from_stage__isnull=False, to_stage__kind=StageKind.LOST)
    return condition


def _entry(change: DealStageChange) -> TimelineEntry:
    deal = change.deal
    stage = change.to_stage.display_name
    amount = f"{deal.currency} {deal.amount:,.2f}"
    if change.from_stage_id is None:
        kind, title = (
            CREATED,
            _("Deal “%(deal)s” opened at %(stage)s")
            % {
                "deal": deal.name,
                "stage": stage,
            },
        )
    elif change.to_stage.kind == StageKind.WON:
        kind, title = WON, _("Deal “%(deal)s” won") % {"deal": deal.name}
    elif change.to_stage.kind == StageKind.LOST:
        kind, title = LOST, _("Deal “%(deal)s” lost") % {"deal": deal.name}
    else:
        kind, title = (
            STAGE,
            _("Deal “%(deal)s” moved to %(stage)s")
            % {
                "deal": deal.name,
                "stage": stage,
            },
        )
    lines = [amount]
    if change.from_stage_id is not None and change.from_stage is not None:
        lines.append(_("from %(stage)s") % {"stage": change.from_stage.display_name})
    if kind == LOST and deal.stage_id == change.to_stage_id and deal.lost_reason:
        lines.append(
            deal.get_lost_reason_display() + (f": {deal.lost_note}" if deal.lost_note else "")
        )
    if kind == CREATED and deal.next_step:
        lines.append(_("Next step: %(step)s") % {"step": deal.next_step})
    return TimelineEntry(
        at=change.changed_at,
        source=SOURCE,
        id=change.pk,
        kind=kind,
        kind_label=str(dict(KINDS)[kind]),
        title=title,
        body=" · ".join(lines),
        actor=str(change.changed_by or ""),
        url=deal.get_absolute_url(),
        details={"deal_id": deal.pk, "stage": stage, "owner": str(deal.owner)},
    )


def deal_entries(
    user: Any, subject: Model, cursor: Cursor | None, limit: int, kinds: set[str] | None
) -> Sequence[TimelineEntry]:
    """Stage changes of the subject's deals (an account's, a contact's, or one deal's)."""
    if isinstance(subject, Account):
        deals = Deal.objects.filter(account=subject)
    elif isinstance(subject, Contact):
        deals = Deal.objects.filter(contact=subject)
    elif isinstance(subject, Deal):
        deals = Deal.objects.filter(pk=subject.pk)
    else:
        return []
    visible = restrict(deals, user, "view").values("pk")
    queryset = DealStageChange.objects.filter(deal__in=visible).filter(
        before(cursor, SOURCE, "changed_at")
    )
    if kinds:
        queryset = queryset.filter(_kind_filter(kinds))
    rows = queryset.select_related(
        "deal", "deal__owner", "from_stage", "to_stage", "changed_by"
    ).order_by("-changed_at", "-pk")[:limit]
    return [_entry(row) for row in rows]


def deal_activity_entries(
    user: Any, subject: Model, cursor: Cursor | None, limit: int, kinds: set[str] | None
) -> Sequence[TimelineEntry]:
    """The activities logged about a deal (nothing for other subjects)."""
    if not isinstance(subject, Deal):
        return []
    linked = Deal.activities.through.objects.filter(deal=subject).values("activity_id")
    queryset = Activity.objects.filter(pk__in=linked).filter(before(cursor, ACTIVITY_SOURCE))
    if kinds:
        queryset = queryset.filter(kind__in=kinds)
    rows = queryset.select_related("owner", "assignee").order_by("-at", "-pk")[:limit]
    return [
        TimelineEntry(
            at=row.at,
            source=ACTIVITY_SOURCE,
            id=row.pk,
            kind=row.kind,
            kind_label=row.get_kind_display(),
            title=row.subject,
            body=Truncator(row.body).chars(400),
            actor=str(row.owner),
            url=row.get_absolute_url(),
            details={
                "status": row.status,
                "status_label": row.get_status_display(),
                "is_open": row.is_open,
                "direction": row.get_direction_display() if row.direction else "",
                "assignee": str(row.assignee) if row.assignee else "",
            },
        )
        for row in rows
    ]


# The deal page's own timeline: its activities, its stage changes and its sent quotes.
DEAL_PAGE_SOURCES = [
    TimelineSource(key=SOURCE, kinds=KINDS, fetch=deal_entries),
    TimelineSource(key=ACTIVITY_SOURCE, kinds=ActivityKind.choices, fetch=deal_activity_entries),
    quote_source.SOURCE_SPEC,
]


def deal_kind_choices() -> list[tuple[str, Any]]:
    return [kind for source in DEAL_PAGE_SOURCES for kind in source.kinds]


def deal_timeline_page(
    user: Any,
    deal: Deal,
    *,
    cursor: str | None = None,
    limit: int = 25,
    kinds: Any = None,
) -> tuple[list[TimelineEntry], str | None]:
    """One page of a deal's timeline, newest first, and the cursor of the next.

    The customer timeline's merge, over the deal page's sources only: the customer
    module's activity source reads accounts and contacts, not deals."""
    position = Cursor.decode(cursor) if cursor else None
    wanted = {k for k in kinds if k} if kinds is not None else set()
    batches = []
    for source in DEAL_PAGE_SOURCES:
        if wanted and not wanted & {kind for kind, _label in source.kinds}:
            continue
        entries = source.fetch(user, deal, position, limit + 1, wanted or None)
        batches.append(sorted(entries, key=lambda e: e.sort_key, reverse=True))
    merged = list(heapq.merge(*batches, key=lambda e: e.sort_key, reverse=True))
    page = merged[:limit]
    next_cursor = page[-1].cursor.encode() if len(merged) > limit else None
    return page, next_cursor


def register() -> None:
    """Put deals on the customer timelines."""
    from guanxi.customers.timeline import register_source

    register_source(TimelineSource(key=SOURCE, kinds=KINDS, fetch=deal_entries))
