"""SLA clocks: due times from the ticket's policy, paused while pending the customer,
warnings before a breach and breaches recorded.

A ticket's policy is the active one for its priority and its customer's tier (the
account's, or a consumer contact's own), else the one for its priority and every tier.
Due times count business time of the policy's calendar from the ticket's creation plus
the business time it spent waiting for the customer, so changing the priority or
resuming after a pause recomputes them from scratch with the same function
(``add_business_time``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.choices import AuditEvent
from guanxi.core.models import TeamMembership, User
from guanxi.core.services.audit import record_audit
from guanxi.core.services.notifications import notify
from guanxi.lib.business_time import Calendar, add_business_time, business_time_between
from guanxi.service.choices import UNRESOLVED, TicketStatus
from guanxi.service.models import SlaPolicy, Ticket
from guanxi.service.services.calendars import as_calendar


def tier_id_of(ticket: Ticket) -> int | None:
    if ticket.account_id and ticket.account is not None:
        return ticket.account.tier_id
    if ticket.contact_id and ticket.contact is not None:
        return getattr(ticket.contact, "tier_id", None)
    return None


def policy_for(ticket: Ticket) -> SlaPolicy | None:
    """The active policy for the ticket's priority and customer tier (a tier's own
    policy wins over the one for every tier)."""
    tier_id = tier_id_of(ticket)
    condition = Q(tier__isnull=True)
    if tier_id is not None:
        condition |= Q(tier_id=tier_id)
    policies = list(
        SlaPolicy.objects.filter(condition, priority=ticket.priority, is_active=True)
        .select_related("calendar")
        .prefetch_related("calendar__hours", "calendar__days")
    )
    policies.sort(key=lambda p: p.tier_id is None)
    return policies[0] if policies else None


def recompute_due_times(ticket: Ticket) -> None:
    """Set the policy and both due times (not saved)."""
    policy = policy_for(ticket)
    ticket.sla_policy = policy
    if policy is None:
        ticket.first_response_due = ticket.resolution_due = None
        return
    calendar = as_calendar(policy.calendar)
    start = ticket.created_at or timezone.now()
    paused = timedelta(seconds=ticket.paused_seconds)
    ticket.first_response_due = add_business_time(
        start, timedelta(minutes=policy.first_response_minutes) + paused, calendar
    )
    ticket.resolution_due = add_business_time(
        start, timedelta(minutes=policy.resolution_minutes) + paused, calendar
    )


def pause(ticket: Ticket, now: datetime) -> None:
    """The ticket waits for the customer: its clocks stop (not saved)."""
    if ticket.paused_at is None:
        ticket.paused_at = now


def resume(ticket: Ticket, now: datetime) -> None:
    """The customer answered (or the agent took the ticket back): the clocks run again
    with the business time they had left (not saved)."""
    if ticket.paused_at is None:
        return
    if ticket.sla_policy_id and ticket.sla_policy is not None:
        calendar = as_calendar(ticket.sla_policy.calendar)
        waited = business_time_between(ticket.paused_at, now, calendar)
        ticket.paused_seconds += int(waited.total_seconds())
    ticket.paused_at = None
    recompute_due_times(ticket)


def _service_managers(ticket: Ticket) -> list[User]:
    if not ticket.team_id:
        return []
    ids = TeamMembership.objects.filter(team_id=ticket.team_id, is_manager=True).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True))


def _tell(ticket: Ticket, kind: str, title: Callable[[], str]) -> None:
    recipients = {u.pk: u for u in _service_managers(ticket)}
    if ticket.owner_id and ticket.owner is not None:
        recipients[ticket.owner_id] = ticket.owner
    notify(
        recipients=list(recipients.values()),
        kind=kind,
        title=title,
        url=ticket.get_absolute_url(),
        obj=ticket,
    )


def check_ticket_clocks(now: datetime | None = None) -> dict[str, int]:
    """Warn before a breach and record breaches of running clocks (the scheduler runs
    it every few minutes; each ticket is warned once and breached once per target). A
    resolution breach escalates the ticket automatically (``auto_escalate_breached``)."""
    now = now or timezone.now()
    counts = {"warned": 0, "first_response_breached": 0, "resolution_breached": 0}
    running = (
        Ticket.objects.filter(status__in=UNRESOLVED, paused_at__isnull=True)
        .exclude(status=TicketStatus.PENDING)
        .select_related("sla_policy__calendar", "owner", "account", "contact")
    )
    calendars: dict[int, Calendar] = {}  # one read of each calendar's rows per run
    first_due = running.filter(
        first_responded_at__isnull=True,
        first_response_breached_at__isnull=True,
        first_response_due__lte=now,
    )
    for ticket in first_due:
        if _mark(ticket, "first_response_breached_at", now):
            counts["first_response_breached"] += 1
            _tell(ticket, "service.sla_breached", _missed_first_response(ticket.number))
    for ticket in running.filter(resolution_breached_at__isnull=True, resolution_due__lte=now):
        if _mark(ticket, "resolution_breached_at", now):
            counts["resolution_breached"] += 1
            _tell(ticket, "service.sla_breached", _missed_resolution(ticket.number))
    if counts["resolution_breached"]:
        # Imported here: the escalation service builds on the ticket service, which
        # imports this module. Idempotent: a ticket is escalated once per breach.
        from guanxi.service.services.escalation import auto_escalate_breached

        auto_escalate_breached(now)
    for ticket in running.filter(
        warned_at__isnull=True, resolution_breached_at__isnull=True, sla_policy__isnull=False
    ):
        policy = ticket.sla_policy
        assert policy is not None
        share = timedelta(minutes=policy.resolution_minutes * policy.warn_percent / 100)
        paused = timedelta(seconds=ticket.paused_seconds)
        if policy.calendar_id not in calendars:
            calendars[policy.calendar_id] = as_calendar(policy.calendar)
        warn_at = add_business_time(
            ticket.created_at, share + paused, calendars[policy.calendar_id]
        )
        if warn_at <= now and _mark(ticket, "warned_at", now):
            counts["warned"] += 1
            _tell(ticket, "service.sla_warning", _warning(ticket.number, ticket.resolution_due))
    return counts


def _missed_first_response(number: str) -> Callable[[], str]:
    """Rendered later, in the recipient's language."""
    return lambda: _("Ticket %(number)s missed its first-response time") % {"number": number}


def _missed_resolution(number: str) -> Callable[[], str]:
    return lambda: _("Ticket %(number)s missed its resolution time") % {"number": number}


def _warning(number: str, due: datetime | None) -> Callable[[], str]:
    when = timezone.localtime(due).strftime("%Y-%m-%d %H:%M") if due else ""
    return lambda: (
        _("Ticket %(number)s must be resolved by %(due)s")
        % {
            "number": number,
            "due": when,
        }
    )


@transaction.atomic
def _mark(ticket: Ticket, field: str, now: datetime) -> bool:
    """Set a breach or warning moment once (concurrent schedulers: one wins)."""
    changed = Ticket.objects.filter(pk=ticket.pk, **{f"{field}__isnull": True}).update(
        **{field: now}
    )
    if changed:
        record_audit(
            actor=None,
            event=AuditEvent.CHANGE,
            obj=ticket,
            changes={field: [None, now.isoformat()]},
        )
    return bool(changed)
