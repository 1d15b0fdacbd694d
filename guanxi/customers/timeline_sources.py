"""The activities' contribution to the customer timeline."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Model
from django.utils.text import Truncator

from guanxi.customers.choices import ActivityKind
from guanxi.customers.selectors import activities_about
from guanxi.customers.timeline import Cursor, TimelineEntry, TimelineSource, before

SOURCE = "activity"


def activity_entries(
    user: Any, subject: Model, cursor: Cursor | None, limit: int, kinds: set[str] | None
) -> Sequence[TimelineEntry]:
    queryset = activities_about(subject).filter(before(cursor, SOURCE))  # type: ignore[arg-type]
    if kinds:
        queryset = queryset.filter(kind__in=kinds)
    rows = queryset.select_related("owner", "assignee").order_by("-at", "-pk")[:limit]
    return [
        TimelineEntry(
            at=row.at,
            source=SOURCE,
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
                "location": row.location,
                "ends_at": row.ends_at,
            },
        )
        for row in rows
    ]


def register() -> None:
    from guanxi.customers.timeline import register_source

    register_source(TimelineSource(key=SOURCE, kinds=ActivityKind.choices, fetch=activity_entries))
