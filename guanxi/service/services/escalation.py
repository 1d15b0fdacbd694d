"""Escalation (story 17): a ticket handed up to a supervisor or a higher tier with the
reason and what was tried so far, shown above the conversation, so the receiver reads
the whole story and the customer never tells it again.

* Who may escalate: whoever may change the ticket. Automatic escalations (a resolution
  breach, or an escalation rule: ``escalation_rules``) have no actor.
* To whom: the user given (who must work tickets), else the default target: a manager
  of the team (the one given, else the ticket's) who works tickets, the first by pk;
  none: a service manager of any team; none: an administrator. The ticket's current
  agent and the escalating user are passed over (escalating to oneself helps nobody).
* What happens: the level goes up by one, the priority one step (normal → high →
  urgent, capped) with the due times recomputed as a priority change does, the
  receiver becomes the ticket's agent through the ticket service (audited and told,
  with a link), and an internal note carries the reason and what was tried.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.models import Team, TeamMembership, User
from guanxi.customers.services.common import Errors, clean_text
from guanxi.service.choices import UNRESOLVED, Channel, MessageKind, Priority
from guanxi.service.models import Escalation, EscalationRule, Ticket, TicketMessage
from guanxi.service.services import sla
from guanxi.service.services.tickets import (
    AGENT_ROLES,
    _locked,
    _require,
    _save,
    hand_over,
    ticket_snapshot,
    works_tickets,
)

NEXT_PRIORITY = {
    Priority.LOW: Priority.NORMAL,
    Priority.NORMAL: Priority.HIGH,
    Priority.HIGH: Priority.URGENT,
    Priority.URGENT: Priority.URGENT,
}
DIGEST_MESSAGES = 6  # the latest replies and notes quoted in a generated summary
DIGEST_CHARACTERS = 200


def _workers() -> QuerySet[User]:
    roles = User.objects.filter(roles__code__in=(*AGENT_ROLES, "administrator")).values("pk")
    return User.objects.filter(is_active=True).filter(Q(pk__in=roles) | Q(is_superuser=True))


def default_target(
    ticket: Ticket, team: Team | None = None, passed_over: tuple[int | None, ...] = ()
) -> User | None:
    """A manager of the team (given, else the ticket's) who works tickets; else a
    service manager of any team; else an administrator (each the first by pk)."""
    team_id = team.pk if team is not None else ticket.team_id
    candidates = _workers().exclude(pk__in=[pk for pk in passed_over if pk])
    if team_id:
        managers = TeamMembership.objects.filter(team_id=team_id, is_manager=True)
        found = candidates.filter(pk__in=managers.values("user_id")).order_by("pk").first()
        if found is not None:
            return found
    service_managers = User.objects.filter(roles__code="service_manager").values("pk")
    found = candidates.filter(pk__in=service_managers).order_by("pk").first()
    if found is not None:
        return found
    admins = User.objects.filter(roles__code="administrator").values("pk")
    return candidates.filter(Q(pk__in=admins) | Q(is_superuser=True)).order_by("pk").first()


def _team_for(ticket: Ticket, target: User, team: Team | None) -> Team | None:
    """The team given, else the ticket's when the receiver is in it, else the
    receiver's first team (so the receiver's team-scoped role sees the ticket)."""
    if team is not None:
        return team
    memberships = TeamMembership.objects.filter(user=target, team__deleted_at__isnull=True)
    if ticket.team_id and memberships.filter(team_id=ticket.team_id).exists():
        return None
    first = memberships.order_by("pk").select_related("team").first()
    return first.team if first is not None else None


@transaction.atomic
def escalate_ticket(
    *,
    actor: User,
    ticket: Ticket,
    reason: str,
    tried_so_far: str,
    to_user: User | None = None,
    to_team: Team | None = None,
) -> Escalation:
    """Hand the ticket up with the reason and what was tried (see the module's notes)."""
    _require(actor, ticket, "change")
    return _escalate(
        actor=actor,
        ticket=ticket,
        reason=reason,
        tried_so_far=tried_so_far,
        to_user=to_user,
        to_team=to_team,
    )


def _escalate(
    *,
    actor: User | None,
    ticket: Ticket,
    reason: str,
    tried_so_far: str,
    to_user: User | None = None,
    to_team: Team | None = None,
    now: datetime | None = None,
    rule: EscalationRule | None = None,
) -> Escalation:
    _locked(ticket)
    errors = Errors()
    reason = clean_text(errors, "reason", reason, max_length=2000, required=True)
    tried_so_far = clean_text(errors, "tried_so_far", tried_so_far, max_length=20000, required=True)
    if to_user is not None and (not to_user.is_active or not works_tickets(to_user)):
        errors.add("to_user", _("This user does not work on tickets."))
    errors.raise_if_any()
    target = to_user or default_target(
        ticket, to_team, passed_over=(ticket.owner_id, actor.pk if actor else None)
    )
    if target is None:
        raise ValidationError({"to_user": _("Nobody to escalate to: choose a user.")})
    now = now or timezone.now()
    before = ticket_snapshot(ticket)
    ticket.escalation_level += 1
    raised = NEXT_PRIORITY.get(Priority(ticket.priority), Priority.URGENT)
    if raised != ticket.priority:
        ticket.priority = raised
        if ticket.paused_at is None:  # as update_ticket does for a new priority
            sla.recompute_due_times(ticket)
    escalation = Escalation.objects.create(
        ticket=ticket,
        level=ticket.escalation_level,
        from_user=actor,
        to_user=target,
        to_team=to_team,
        reason=reason,
        tried_so_far=tried_so_far,
        automatic=actor is None,
        rule=rule,
        rule_name=rule.name[:100] if rule is not None else "",
        created_at=now,
    )
    _save(actor, ticket, before, {"escalation": [None, escalation.level]})
    TicketMessage.objects.create(
        ticket=ticket,
        kind=MessageKind.NOTE,
        body=_note(escalation, target),
        author=actor,
        author_name=actor.full_name if actor is not None else _("Automatic escalation"),
        channel=Channel.AGENT,
    )
    number, level, why = ticket.number, escalation.level, reason
    hand_over(
        actor=actor,
        ticket=ticket,
        owner=target,
        team=_team_for(ticket, target, to_team),
        kind="service.ticket_escalated",
        title=lambda: (
            _("Ticket %(number)s was escalated to you (level %(level)s)")
            % {"number": number, "level": level}
        ),
        body=lambda: why[:200],
    )
    return escalation


def _note(escalation: Escalation, target: User) -> str:
    by_rule = ""
    if escalation.rule_name:
        by_rule = _("By the escalation rule “%(name)s”.") % {"name": escalation.rule_name} + "\n"
    return by_rule + _(
        "Escalated (level %(level)s) to %(target)s.\nReason: %(reason)s\nTried so far:\n%(tried)s"
    ) % {
        "level": escalation.level,
        "target": target.full_name or target.email,
        "reason": escalation.reason,
        "tried": escalation.tried_so_far,
    }


def conversation_digest(ticket: Ticket) -> str:
    """What was tried, from the conversation: the breach and the latest public replies
    and internal notes (shortened), for an automatic escalation."""
    messages = list(
        TicketMessage.objects.filter(
            ticket=ticket, kind__in=(MessageKind.REPLY, MessageKind.NOTE)
        ).order_by("-created_at", "-pk")[:DIGEST_MESSAGES]
    )
    lines = []
    if ticket.resolution_breached_at is not None:
        due = timezone.localtime(ticket.resolution_due) if ticket.resolution_due else None
        lines.append(
            _("The resolution time was breached (due %(due)s).")
            % {"due": due.strftime("%Y-%m-%d %H:%M") if due else "—"}
        )
    if not messages:
        lines.append(_("No reply or note yet."))
    for message in reversed(messages):
        label = _("Reply") if message.kind == MessageKind.REPLY else _("Note")
        text = " ".join(message.body.split())
        if len(text) > DIGEST_CHARACTERS:
            text = text[: DIGEST_CHARACTERS - 1] + "…"
        when = timezone.localtime(message.created_at).strftime("%Y-%m-%d %H:%M")
        lines.append(f"- {when} {label} ({message.author_name or '—'}): {text}")
    return "\n".join(lines)


def auto_escalate_breached(now: datetime | None = None) -> int:
    """Escalate, once, each unresolved ticket whose resolution time was breached and that
    was not escalated since (the clocks call it; safe to run twice). Returns how many."""
    now = now or timezone.now()
    due = (
        Ticket.objects.filter(status__in=UNRESOLVED, resolution_breached_at__isnull=False)
        .exclude(escalations__created_at__gte=F("resolution_breached_at"))
        .values_list("pk", flat=True)
    )
    count = 0
    for pk in list(due):
        if _auto_escalate(pk, now):
            count += 1
    return count


@transaction.atomic
def _auto_escalate(pk: int, now: datetime) -> bool:
    ticket = Ticket.objects.select_for_update().filter(pk=pk).first()
    if ticket is None or ticket.resolution_breached_at is None:
        return False
    # Re-checked under the lock: a concurrent run may have escalated it meanwhile.
    since = ticket.resolution_breached_at
    if Escalation.objects.filter(ticket=ticket, created_at__gte=since).exists():
        return False
    try:
        _escalate(
            actor=None,
            ticket=ticket,
            reason=_("Resolution time breached"),
            tried_so_far=conversation_digest(ticket),
            now=max(now, since),
        )
    except (ValidationError, PermissionDenied):
        return False  # nobody to escalate to: the breach notice still went out
    return True
