"""Overdue visits (story 16): a visit requested more than ``FIELD_VISIT_OVERDUE_DAYS``
ago and not done, or past the end of its window and not done, is flagged once and the
managers of its service point's team are told once; the flag stays until the visit is
done or cancelled, so the dispatch board keeps it on top."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.choices import AuditEvent
from guanxi.core.models import TeamMembership, User
from guanxi.core.services.audit import record_audit
from guanxi.core.services.notifications import notify
from guanxi.service.models import Visit
from guanxi.service.models.field import OPEN_VISIT


def managers_of(visit: Visit) -> list[User]:
    """The active managers of the visit's service point's team."""
    team_id = visit.service_point.team_id
    if not team_id:
        return []
    managers = TeamMembership.objects.filter(team_id=team_id, is_manager=True)
    return list(User.objects.filter(pk__in=managers.values("user_id"), is_active=True))


def overdue_condition(now: datetime) -> Q:
    limit = now - timedelta(days=settings.FIELD_VISIT_OVERDUE_DAYS)
    return Q(requested_at__lte=limit) | Q(scheduled_end__lt=now)


def flag_overdue_visits(now: datetime | None = None) -> int:
    """Flag the open visits that became overdue and notify their managers; returns how
    many were flagged. Safe to run twice: a flagged visit is skipped."""
    now = now or timezone.now()
    pending = Visit.objects.filter(overdue_condition(now), status__in=OPEN_VISIT, overdue_at=None)
    return sum(_flag(pk, now) for pk in list(pending.values_list("pk", flat=True)))


@transaction.atomic
def _flag(pk: int, now: datetime) -> int:
    visit = (
        Visit.objects.select_for_update()
        .select_related("ticket", "service_point")
        .filter(pk=pk, overdue_at=None)
        .first()
    )
    if visit is None:
        return 0
    visit.overdue_at = now
    visit.save(update_fields=["overdue_at", "updated_at"])
    record_audit(
        actor=None,
        event=AuditEvent.CHANGE,
        obj=visit,
        changes={"overdue_at": [None, now.isoformat()]},
    )
    ticket, point = visit.ticket, visit.service_point
    day = timezone.localtime(visit.requested_at).strftime("%Y-%m-%d")
    notify(
        recipients=managers_of(visit),
        kind="visit_overdue",
        title=lambda: (
            _("Overdue visit %(visit)s for ticket %(number)s")
            % {"visit": visit, "number": ticket.number}
        ),
        body=lambda: (
            _("The visit requested on %(day)s at %(point)s is not done yet: %(subject)s")
            % {"day": day, "point": point.name, "subject": ticket.subject}
        ),
        url=visit.get_absolute_url(),
        obj=visit,
    )
    return 1
