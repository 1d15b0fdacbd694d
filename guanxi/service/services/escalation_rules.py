"""Escalation rules (story 17: escalation on a breach, by hand, or by rule).

* Administrators and service managers keep an ordered list of rules; each change is
  audited. A rule matches an unresolved ticket when every condition it gives holds:
  priority one of, status one of (the unresolved ones), category, customer tier (the
  account's, else the consumer contact's), team, any of its keywords in the subject or
  a customer message, the customer waiting for an agent's reply for N business hours,
  open for N business hours, the first response (not given yet) due within N minutes.
  Business hours count on the calendar of the ticket's SLA policy, else the default one.
* The periodic job (``run_escalation_rules``) tries the active rules by position and
  escalates each matching ticket automatically, with the rule's reason and the
  conversation digest as what was tried, to the rule's user, else the default target
  (``escalation.default_target``) of the rule's team, else of the ticket's.
* Once per rule and ticket (a unique constraint guards it too); in one run a ticket is
  escalated by its first matching rule only; a ticket held by the rule's user already
  is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.access import require
from guanxi.core.models import Team, User
from guanxi.core.services.audit import delete_audited, save_audited, snapshot
from guanxi.core.services.ordering import move_in_list
from guanxi.customers.models import CustomerTier
from guanxi.customers.services.common import Errors, clean_text
from guanxi.lib.business_time import Calendar, ClosedCalendar, business_time_between
from guanxi.service.choices import UNRESOLVED, MessageKind, Priority
from guanxi.service.models import (
    BusinessCalendar,
    Category,
    Escalation,
    EscalationRule,
    Ticket,
    TicketMessage,
)
from guanxi.service.object_types import ESCALATION_RULE
from guanxi.service.services.calendars import as_calendar, default_calendar
from guanxi.service.services.escalation import _escalate, conversation_digest
from guanxi.service.services.routing import fold, split_keywords
from guanxi.service.services.tickets import works_tickets

RULE_FIELDS = (
    "name",
    "position",
    "is_active",
    "priorities",
    "statuses",
    "category_id",
    "tier_id",
    "team_id",
    "keywords",
    "no_reply_hours",
    "open_hours",
    "first_response_due_minutes",
    "to_user_id",
    "to_team_id",
    "reason",
)
EDITABLE = {name.removesuffix("_id") for name in RULE_FIELDS} - {"position"}
CONDITIONS = (
    "priorities",
    "statuses",
    "category_id",
    "tier_id",
    "team_id",
    "keywords",
    "no_reply_hours",
    "open_hours",
    "first_response_due_minutes",
)
MAX_HOURS = 10000  # business hours: about five years of working days
MAX_MINUTES = 100000
PREVIEW_LIMIT = 100
# The messages the rules read: the customer's, and the agents' public replies.
TALK = (MessageKind.CUSTOMER, MessageKind.REPLY)


# --- matching ----------------------------------------------------------------------------------


class Clock:
    """The moment rules are checked at, and the business calendars read once each."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or timezone.now()
        self._calendars: dict[int, Calendar] = {}
        self._default: BusinessCalendar | None = None

    def business_hours_since(self, ticket: Ticket, start: datetime) -> float:
        policy = ticket.sla_policy if ticket.sla_policy_id else None
        if policy is not None:
            calendar = policy.calendar
        else:
            self._default = self._default or default_calendar()
            calendar = self._default
        if calendar.pk not in self._calendars:
            self._calendars[calendar.pk] = as_calendar(calendar)
        try:
            spent = business_time_between(start, self.now, self._calendars[calendar.pk])
        except ClosedCalendar:
            return 0.0
        return spent.total_seconds() / 3600


@dataclass
class Match:
    """A ticket a rule would escalate now, and why."""

    ticket: Ticket
    reasons: list[str] = field(default_factory=list)


def _talk(ticket: Ticket) -> list[tuple[str, datetime, str]]:
    """The ticket's customer messages and public replies, oldest first, as
    ``(kind, created_at, body)``: prefetched by ``candidates`` (one query per chunk of
    tickets), else read now."""
    found = getattr(ticket, "talk", None)
    if found is None:
        found = list(
            ticket.messages.filter(kind__in=TALK)
            .only("kind", "created_at", "body")
            .order_by("created_at", "pk")
        )
    return [(message.kind, message.created_at, message.body) for message in found]


def _waiting_since(ticket: Ticket) -> datetime | None:
    """Since when the customer waits for an agent's public reply: their first message
    after the last reply (the ticket's opening without any message); None when the last
    word was the agent's."""
    since: datetime | None = None
    seen = False
    for kind, created_at, _body in _talk(ticket):
        seen = True
        if kind == MessageKind.REPLY:
            since = None
        elif since is None:
            since = created_at
    return since if seen else ticket.created_at


def _hours(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def check_ticket(rule: EscalationRule, ticket: Ticket, clock: Clock) -> list[str] | None:
    """Why the rule matches the ticket (a reason per condition), or None when a
    condition does not hold."""
    reasons: list[str] = []
    if ticket.status not in UNRESOLVED or ticket.deleted_at is not None:
        return None
    if rule.priorities:
        if ticket.priority not in rule.priorities:
            return None
        reasons.append(_("priority is %(value)s") % {"value": ticket.get_priority_display()})
    if rule.statuses:
        if ticket.status not in rule.statuses:
            return None
        reasons.append(_("status is %(value)s") % {"value": ticket.get_status_display()})
    if rule.category_id:
        if ticket.category_id != rule.category_id:
            return None
        reasons.append(_("category is %(name)s") % {"name": rule.category})
    if rule.tier_id:
        # The account's tier, else the consumer's own (as routing reads it: tier_of).
        account, contact = ticket.account, ticket.contact
        tier_id = (account.tier_id if account else None) or (contact.tier_id if contact else None)
        if tier_id != rule.tier_id:
            return None
        reasons.append(_("customer tier is %(name)s") % {"name": rule.tier})
    if rule.team_id:
        if ticket.team_id != rule.team_id:
            return None
        reasons.append(_("team is %(name)s") % {"name": rule.team})
    words = split_keywords(rule.keywords)
    if words:
        bodies = [body for kind, _at, body in _talk(ticket) if kind == MessageKind.CUSTOMER]
        text = fold("\n".join([ticket.subject, *bodies]))
        found = [word for word in words if fold(word) in text]
        if not found:
            return None
        reasons.append(_("contains “%(word)s”") % {"word": found[0]})
    if rule.first_response_due_minutes is not None:
        due = ticket.first_response_due
        limit = clock.now + timedelta(minutes=rule.first_response_due_minutes)
        if ticket.first_responded_at is not None or due is None or due > limit:
            return None
        when = timezone.localtime(due).strftime("%Y-%m-%d %H:%M")
        reasons.append(_("first response due %(due)s") % {"due": when})
    if rule.open_hours is not None:
        spent = clock.business_hours_since(ticket, ticket.created_at)
        if spent < rule.open_hours:
            return None
        reasons.append(_("open for %(hours)s business hours") % {"hours": _hours(spent)})
    if rule.no_reply_hours is not None:
        since = _waiting_since(ticket)
        waited = clock.business_hours_since(ticket, since) if since is not None else 0.0
        if since is None or waited < rule.no_reply_hours:
            return None
        reasons.append(
            _("the customer has waited %(hours)s business hours for a reply")
            % {"hours": _hours(waited)}
        )
    return reasons


def candidates(rule: EscalationRule, now: datetime) -> QuerySet[Ticket]:
    """The unresolved tickets the database can tell may match (``check_ticket`` has the
    last word), oldest first; without those the rule escalated already."""
    statuses = [s for s in (rule.statuses or UNRESOLVED) if s in UNRESOLVED]
    queryset = Ticket.objects.filter(status__in=statuses)
    if rule.priorities:
        queryset = queryset.filter(priority__in=rule.priorities)
    if rule.category_id:
        queryset = queryset.filter(category_id=rule.category_id)
    if rule.team_id:
        queryset = queryset.filter(team_id=rule.team_id)
    if rule.tier_id:
        queryset = queryset.filter(
            Q(account__tier_id=rule.tier_id)
            | Q(account__tier__isnull=True, contact__tier_id=rule.tier_id)
        )
    if rule.first_response_due_minutes is not None:
        queryset = queryset.filter(
            first_responded_at__isnull=True,
            first_response_due__lte=now + timedelta(minutes=rule.first_response_due_minutes),
        )
    # Business time never exceeds the time on the clock: a cheap first cut.
    hours = max(rule.open_hours or 0, rule.no_reply_hours or 0)
    if hours:
        queryset = queryset.filter(created_at__lte=now - timedelta(hours=hours))
    if rule.to_user_id:
        queryset = queryset.exclude(owner_id=rule.to_user_id)
    if rule.pk:
        queryset = queryset.exclude(pk__in=Escalation.objects.filter(rule=rule).values("ticket_id"))
    if rule.keywords.strip() or rule.no_reply_hours is not None:
        talk = TicketMessage.objects.filter(kind__in=TALK).only(
            "ticket_id", "kind", "created_at", "body"
        )
        queryset = queryset.prefetch_related(
            Prefetch("messages", queryset=talk.order_by("created_at", "pk"), to_attr="talk")
        )
    return queryset.select_related(
        "account", "contact", "category", "team", "owner", "sla_policy__calendar"
    ).order_by("created_at", "pk")


def matching_tickets(
    rule: EscalationRule,
    *,
    now: datetime | None = None,
    within: QuerySet[Ticket] | None = None,
    limit: int | None = None,
) -> list[Match]:
    """The tickets the rule would escalate now (among ``within`` when given), with why;
    nothing is changed. The rule need not be saved or active (a preview)."""
    clock = Clock(now)
    queryset = candidates(rule, clock.now)
    if within is not None:
        queryset = queryset.filter(pk__in=within.values("pk"))
    found: list[Match] = []
    for ticket in queryset.iterator(chunk_size=200):
        reasons = check_ticket(rule, ticket, clock)
        if reasons is not None:
            found.append(Match(ticket=ticket, reasons=reasons))
            if limit is not None and len(found) >= limit:
                break
    return found


def active_rules() -> list[EscalationRule]:
    return list(
        EscalationRule.objects.filter(is_active=True)
        .select_related("category", "tier", "team", "to_user", "to_team")
        .order_by("position", "pk")
    )


def run_escalation_rules(now: datetime | None = None) -> int:
    """Escalate every unresolved ticket an active rule matches, once per rule, by the
    first matching rule in a run (the scheduler runs it; safe to run twice and at the
    same time). Returns how many tickets were escalated."""
    now = now or timezone.now()
    escalated: set[int] = set()
    for rule in active_rules():
        for match in matching_tickets(rule, now=now):
            if match.ticket.pk not in escalated and _escalate_by_rule(
                rule.pk, match.ticket.pk, now
            ):
                escalated.add(match.ticket.pk)
    return len(escalated)


@transaction.atomic
def _escalate_by_rule(rule_pk: int, ticket_pk: int, now: datetime) -> bool:
    # No select_related with the lock: PostgreSQL refuses FOR UPDATE on outer joins.
    ticket = Ticket.objects.select_for_update().filter(pk=ticket_pk).first()
    rule = (
        EscalationRule.objects.filter(pk=rule_pk, is_active=True)
        .select_related("category", "tier", "team", "to_user", "to_team")
        .first()
    )
    if ticket is None or rule is None:
        return False
    # Re-checked under the lock: a concurrent run may have escalated it meanwhile, or
    # an agent may have answered since the candidates were read.
    if Escalation.objects.filter(ticket=ticket, rule=rule).exists():
        return False
    if rule.to_user_id and ticket.owner_id == rule.to_user_id:
        return False
    if check_ticket(rule, ticket, Clock(now)) is None:
        return False
    to_team = rule.to_team if rule.to_team is not None and not rule.to_team.is_trashed else None
    try:
        with transaction.atomic():
            _escalate(
                actor=None,
                ticket=ticket,
                reason=rule.reason,
                tried_so_far=conversation_digest(ticket),
                to_user=rule.to_user,
                to_team=to_team,
                now=now,
                rule=rule,
            )
    except (ValidationError, PermissionDenied, IntegrityError):
        return False  # nobody to escalate to (tried again next run), or escalated already
    return True


# --- setting the rules up ----------------------------------------------------------------------


def _record(errors: Errors, name: str, value: Any, model: type) -> Any:
    if value is not None and not isinstance(value, model):
        errors.add(name, _("No such record."))
        return None
    return value


def _choices(errors: Errors, name: str, value: Any, allowed: list[str], message: str) -> list[str]:
    chosen = [str(v) for v in (value or [])] if isinstance(value, list | tuple) else None
    if chosen is None or any(v not in allowed for v in chosen):
        errors.add(name, message)
        return []
    return [v for v in allowed if v in chosen]  # in the list's order, each once


def _number(errors: Errors, name: str, value: Any, low: int, high: int, message: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        errors.add(name, message % {"low": low, "high": high})
        return None
    return value


def _live_team(errors: Errors, name: str, value: Any) -> Team | None:
    team = _record(errors, name, value, Team)
    if team is not None and team.is_trashed:
        errors.add(name, _("This team was deleted."))
        return None
    return team


def _clean_rule(errors: Errors, rule: EscalationRule, values: dict[str, Any]) -> None:
    if "name" in values:
        rule.name = clean_text(errors, "name", values["name"], max_length=100, required=True)
    if "is_active" in values:
        rule.is_active = bool(values["is_active"])
    if "priorities" in values:
        rule.priorities = _choices(
            errors, "priorities", values["priorities"], Priority.values, _("Choose priorities.")
        )
    if "statuses" in values:
        unresolved = [str(s) for s in UNRESOLVED]
        rule.statuses = _choices(
            errors,
            "statuses",
            values["statuses"],
            unresolved,
            _("Choose among the unresolved statuses."),
        )
    if "category" in values:
        rule.category = _record(errors, "category", values["category"], Category)
    if "tier" in values:
        rule.tier = _record(errors, "tier", values["tier"], CustomerTier)
    if "team" in values:
        rule.team = _live_team(errors, "team", values["team"])
    if "keywords" in values:
        text = clean_text(errors, "keywords", values["keywords"], max_length=2000)
        rule.keywords = ", ".join(split_keywords(text))
    hours = _("Enter a whole number of hours from %(low)s to %(high)s.")
    for name in ("no_reply_hours", "open_hours"):
        if name in values:
            setattr(rule, name, _number(errors, name, values[name], 1, MAX_HOURS, hours))
    if "first_response_due_minutes" in values:
        rule.first_response_due_minutes = _number(
            errors,
            "first_response_due_minutes",
            values["first_response_due_minutes"],
            0,
            MAX_MINUTES,
            _("Enter a whole number of minutes from %(low)s to %(high)s."),
        )
    if "to_user" in values:
        user = _record(errors, "to_user", values["to_user"], User)
        if user is not None and (not user.is_active or not works_tickets(user)):
            errors.add("to_user", _("This user does not work on tickets."))
        rule.to_user = user
    if "to_team" in values:
        rule.to_team = _live_team(errors, "to_team", values["to_team"])
    if "reason" in values:
        rule.reason = clean_text(errors, "reason", values["reason"], max_length=2000, required=True)


def _check(rule: EscalationRule, errors: Errors, values: dict[str, Any], fields: set[str]) -> None:
    unknown = set(values) - fields
    if unknown:
        raise ValidationError({key: _("This field cannot be set here.") for key in unknown})
    _clean_rule(errors, rule, values)
    given = any(getattr(rule, name) not in (None, "", []) for name in CONDITIONS)
    if not given and not any(name.removesuffix("_id") in errors for name in CONDITIONS):
        errors.add("__all__", _("Give at least one condition."))
    errors.raise_if_any()


def build_rule(*, actor: User, rule: EscalationRule | None = None, **values: Any) -> EscalationRule:
    """The rule as ``values`` would make it (a new one, or ``rule`` changed), checked
    and not saved: what the preview tries."""
    require(actor, ESCALATION_RULE, "view")
    draft = EscalationRule() if rule is None else EscalationRule.objects.get(pk=rule.pk)
    _check(draft, Errors(), values, EDITABLE)
    return draft


@transaction.atomic
def create_rule(*, actor: User, name: str, reason: str, **values: Any) -> EscalationRule:
    """A new rule at the end of the list; it needs a reason and at least one condition."""
    require(actor, ESCALATION_RULE, "add")
    rule = EscalationRule()
    _check(rule, Errors(), {"name": name, "reason": reason, **values}, EDITABLE)
    last = EscalationRule.objects.aggregate(last=Max("position"))["last"]
    rule.position = (last or 0) + 10
    save_audited(actor=actor, obj=rule, fields=RULE_FIELDS)
    return rule


@transaction.atomic
def update_rule(*, actor: User, rule: EscalationRule, **changes: Any) -> EscalationRule:
    """Change a rule's conditions, target or reason; ``is_active=False`` pauses it.
    Tickets it escalated already are not escalated by it again."""
    require(actor, ESCALATION_RULE, "change")
    before = snapshot(rule, RULE_FIELDS)
    try:
        _check(rule, Errors(), changes, EDITABLE)
    except ValidationError:
        rule.refresh_from_db()
        raise
    save_audited(actor=actor, obj=rule, fields=RULE_FIELDS, before=before)
    return rule


@transaction.atomic
def move_rule(*, actor: User, rule: EscalationRule, direction: str) -> EscalationRule:
    """Swap the rule with its neighbour above (``up``) or below (``down``)."""
    require(actor, ESCALATION_RULE, "change")
    return move_in_list(
        actor=actor, obj=rule, siblings=EscalationRule.objects.all(), direction=direction
    )


@transaction.atomic
def delete_rule(*, actor: User, rule: EscalationRule) -> None:
    """Delete a rule for good; the escalations it made keep its name."""
    require(actor, ESCALATION_RULE, "delete")
    delete_audited(actor=actor, obj=rule, fields=RULE_FIELDS)
