"""Factories for the forecast, performance and owner-suggestion tests: closed deals with
a made-up past (the services stamp "now"; the history is then moved back in time)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.utils import timezone

from guanxi.sales.models import Deal, DealStageChange
from guanxi.sales.services.deals import move_deal
from guanxi.testing.deals import make_deal, stage


def closed_deal(
    *,
    owner: Any,
    won: bool,
    path: Sequence[tuple[str, int]] = (("first_contact", 30),),
    closed_days_ago: int = 400,
    created_days_before_close: int | None = None,
    **fields: Any,
) -> Deal:
    """A deal that went through ``path`` — (stage code, days before closing it entered
    the stage) — and was won or lost ``closed_days_ago`` days ago. Created when it entered
    its first stage unless ``created_days_before_close`` says otherwise."""
    first_code = path[0][0]
    deal = make_deal(owner=owner, stage=stage(first_code), **fields)
    for code, _days in path[1:]:
        move_deal(actor=owner, deal=deal, stage=stage(code))
    if won:
        move_deal(actor=owner, deal=deal, stage=stage("won"))
    else:
        move_deal(actor=owner, deal=deal, stage=stage("lost"), lost_reason="price")
    closed_at = timezone.now() - timedelta(days=closed_days_ago)
    changes = DealStageChange.objects.filter(deal=deal)
    for code, days in path:
        changes.filter(to_stage__code=code).update(changed_at=closed_at - timedelta(days=days))
    changes.filter(to_stage__code__in=("won", "lost")).update(changed_at=closed_at)
    created = created_days_before_close if created_days_before_close is not None else path[0][1]
    Deal.all_objects.filter(pk=deal.pk).update(
        closed_at=closed_at,
        stage_entered_at=closed_at,
        created_at=closed_at - timedelta(days=created),
    )
    deal.refresh_from_db()
    return deal


def won_deal(*, owner: Any, closed_at: Any, created_at: Any, **fields: Any) -> Deal:
    """A deal won at ``closed_at``, created at ``created_at``."""
    deal = make_deal(owner=owner, **fields)
    move_deal(actor=owner, deal=deal, stage=stage("won"))
    Deal.all_objects.filter(pk=deal.pk).update(closed_at=closed_at, created_at=created_at)
    deal.refresh_from_db()
    return deal


def lost_deal(*, owner: Any, closed_at: Any, **fields: Any) -> Deal:
    deal = make_deal(owner=owner, **fields)
    move_deal(actor=owner, deal=deal, stage=stage("lost"), lost_reason="price")
    Deal.all_objects.filter(pk=deal.pk).update(closed_at=closed_at)
    deal.refresh_from_db()
    return deal
