"""Field visits on the customer timelines: each visit to the customer's site (at the
time it was requested, with its status, window, technician and outcome), for visits the
reader may see."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Model
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from guanxi.core.access import restrict
from guanxi.customers.models import Account, Contact
from guanxi.customers.timeline import Cursor, TimelineEntry, TimelineSource, before
from guanxi.service.models import Visit

SOURCE = "field_visit"
KIND = "field_visit"
KINDS = [(KIND, _lazy("Service visit"))]


def _summary(visit: Visit) -> str:
    parts = [str(visit.get_status_display()), visit.service_point.name]
    if visit.technician_id and visit.technician is not None:
        parts.append(str(visit.technician.user))
    if visit.scheduled_start:
        parts.append(timezone.localtime(visit.scheduled_start).strftime("%Y-%m-%d %H:%M"))
    if visit.outcome:
        parts.append(str(visit.get_outcome_display()))
    return " · ".join(parts)


def visit_entries(
    user: Any, subject: Model, cursor: Cursor | None, limit: int, kinds: set[str] | None
) -> Sequence[TimelineEntry]:
    if kinds is not None and KIND not in kinds:
        return []
    if isinstance(subject, Account):
        visits = Visit.objects.filter(ticket__account=subject)
    elif isinstance(subject, Contact):
        visits = Visit.objects.filter(ticket__contact=subject)
    else:
        return []
    rows = (
        restrict(visits, user, "view")
        .filter(before(cursor, SOURCE, "requested_at"))
        .select_related("ticket", "service_point", "technician__user", "requested_by")
        .order_by("-requested_at", "-pk")[:limit]
    )
    return [
        TimelineEntry(
            at=visit.requested_at,
            source=SOURCE,
            id=visit.pk,
            kind=KIND,
            kind_label=str(KINDS[0][1]),
            title=_("Visit %(visit)s for ticket %(number)s")
            % {"visit": visit, "number": visit.ticket.number},
            body=Truncator(f"{_summary(visit)}\n{visit.report}".strip()).chars(400),
            actor=str(visit.requested_by) if visit.requested_by else "",
            url=visit.get_absolute_url(),
            details={"visit_id": visit.pk, "ticket_id": visit.ticket_id, "status": visit.status},
        )
        for visit in rows
    ]


def register() -> None:
    from guanxi.customers.timeline import register_source

    register_source(TimelineSource(key=SOURCE, kinds=KINDS, fetch=visit_entries))
