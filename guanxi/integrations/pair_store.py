"""Keeping the found duplicate pairs (of contacts or of accounts) in step with a scan."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Model, Q

from guanxi.integrations.models_dedupe import PairStatus


def store_pairs(
    model: type[Model],
    found: dict[tuple[int, int], tuple[float, list[str]]],
    touched: set[int] | None = None,
) -> int:
    """New pairs are added, open ones refreshed, open ones the scan no longer finds
    removed; dismissed and merged pairs keep their status. ``touched`` limits the
    removal to pairs with one of these records (an incremental scan saw only those).
    Returns the number of open pairs."""
    manager: Any = model._default_manager
    with transaction.atomic():
        scope = manager.select_for_update()
        if touched is not None:
            scope = scope.filter(Q(first__in=touched) | Q(second__in=touched))
        existing = {(pair.first_id, pair.second_id): pair for pair in scope}
        for key, (score, reasons) in found.items():
            pair = existing.get(key)
            if pair is None:
                pair = manager.filter(first_id=key[0], second_id=key[1]).first()
            if pair is None:
                manager.create(first_id=key[0], second_id=key[1], score=score, reasons=reasons)
            elif pair.status == PairStatus.OPEN:
                pair.score, pair.reasons = score, reasons
                pair.save(update_fields=["score", "reasons"])
        stale = [
            pair.pk
            for key, pair in existing.items()
            if key not in found and pair.status == PairStatus.OPEN
        ]
        manager.filter(pk__in=stale).delete()
    return int(manager.filter(status=PairStatus.OPEN).count())
