"""Tickets: opened from any channel, routed, answered in public or noted internally,
moved through their statuses with the SLA clocks following.

* A ticket goes to the team of the first matching routing rule (``services/routing.py``),
  else to its category's team, unless a team or agent is given; the agent is chosen by
  the rule's or team's strategy: least loaded (``pick_agent``) or round robin.
* The customer is the contact given, else the contact with the requester's e-mail
  address, and their account (the primary one of their accounts).
* Pending the customer stops the clocks; any message from the customer reopens a
  pending or solved ticket and restarts them.
* Public replies go to the requester by e-mail after the transaction commits, with the
  ticket's number in the subject and the customer's message in In-Reply-To.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from email.utils import make_msgid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.access import can, is_permitted
from guanxi.core.choices import AuditEvent
from guanxi.core.models import Team, TeamMembership, User
from guanxi.core.services.audit import diff, record_audit
from guanxi.core.services.notifications import notify
from guanxi.core.services.search import index_record
from guanxi.customers.models import Account, AccountContact, Contact, ContactEmail
from guanxi.customers.services.common import Errors, clean_text
from guanxi.sales.models import Product, SerialNumber
from guanxi.sales.services.orders import save_numbered
from guanxi.service.choices import UNRESOLVED, Channel, MessageKind, Priority, TicketStatus
from guanxi.service.models import Category, Ticket, TicketMessage
from guanxi.service.object_types import TICKET
from guanxi.service.services import routing, sla
from guanxi.service.signals import ticket_status_changed

EDITABLE = ("subject", "priority", "category", "account", "contact", "product", "serial")
AGENT_ROLES = ("service_agent", "service_manager")


def ticket_snapshot(ticket: Ticket) -> dict[str, Any]:
    """What the audit log records of a ticket."""
    return {
        "number": ticket.number,
        "subject": ticket.subject,
        "channel": ticket.channel,
        "category": ticket.category_id,
        "priority": ticket.priority,
        "status": ticket.status,
        "account": ticket.account_id,
        "contact": ticket.contact_id,
        "product": ticket.product_id,
        "serial": ticket.serial_id,
        "owner": ticket.owner_id,
        "team": ticket.team_id,
        "requester_email": ticket.requester_email,
        "sla_policy": ticket.sla_policy_id,
        "first_response_due": _iso(ticket.first_response_due),
        "resolution_due": _iso(ticket.resolution_due),
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def _save(actor: User | None, ticket: Ticket, before: dict[str, Any], extra: Any = None) -> Ticket:
    ticket.save()
    changes = diff(before, ticket_snapshot(ticket))
    changes.update(extra or {})
    if changes:
        record_audit(actor=actor, event=AuditEvent.CHANGE, obj=ticket, changes=changes)
    index_record(ticket)
    if before["status"] != ticket.status:
        ticket_status_changed.send(
            sender=Ticket,
            ticket=ticket,
            old_status=before["status"],
            new_status=ticket.status,
            actor=actor,
        )
    return ticket


def _require(actor: User, ticket: Ticket, action: str) -> None:
    if not is_permitted(actor, ticket, action):
        raise PermissionDenied


def _locked(ticket: Ticket) -> Ticket:
    """Lock the ticket's row and reload every field from it: the instance may be older
    than the clocks' breaches and warnings or another agent's change, and ``_save``
    writes the whole row back."""
    ticket.refresh_from_db(from_queryset=Ticket.objects.select_for_update())
    return ticket


def pick_agent(team: Team | None) -> User | None:
    """The active service agent (or manager) of the team with the fewest unresolved
    tickets; the longest-standing member first on a tie."""
    if team is None:
        return None
    members = TeamMembership.objects.filter(team=team).values("user_id")
    agents = User.objects.filter(roles__code__in=AGENT_ROLES).values("pk")
    candidates = (
        User.objects.filter(pk__in=members, is_active=True)
        .filter(pk__in=agents)
        .annotate(
            load=Count(
                "owned_tickets",
                filter=Q(
                    owned_tickets__status__in=UNRESOLVED,
                    owned_tickets__deleted_at__isnull=True,
                ),
            )
        )
        .order_by("load", "pk")
    )
    return candidates.first()


def works_tickets(user: User) -> bool:
    """Whether the user is a service agent or manager (or an administrator)."""
    return bool(
        user.is_superuser or user.roles.filter(code__in=(*AGENT_ROLES, "administrator")).exists()
    )


def customer_of(email: str) -> tuple[Contact | None, Account | None]:
    """The live contact with this e-mail address and their primary (else first) account."""
    if not email:
        return None, None
    row = (
        ContactEmail.objects.filter(value__iexact=email, contact__deleted_at__isnull=True)
        .select_related("contact")
        .order_by("-is_primary", "pk")
        .first()
    )
    if row is None:
        return None, None
    return row.contact, account_of(row.contact)


def account_of(contact: Contact) -> Account | None:
    link = (
        AccountContact.objects.filter(contact=contact, account__deleted_at__isnull=True)
        .select_related("account")
        .order_by("-is_primary", "-is_current", "pk")
        .first()
    )
    return link.account if link is not None else None


def _clean_email(errors: Errors, field: str, value: Any) -> str:
    text = str(value or "").strip().lower()
    if text:
        try:
            validate_email(text)
        except ValidationError:
            errors.add(field, _("Enter a valid email address."))
    return text


def _check_links(errors: Errors, actor: User | None, fields: dict[str, Any]) -> None:
    """The account and contact named must be visible to an acting user; the serial
    number must be of the product (when both are given)."""
    for name in ("account", "contact"):
        record = fields.get(name)
        if record is None or actor is None:
            continue
        if record.is_trashed or not is_permitted(actor, record, "view"):
            errors.add(name, _("No such record."))
    serial, product = fields.get("serial"), fields.get("product")
    if serial is not None and product is not None and serial.product_id != product.pk:
        errors.add("serial", _("This serial number is of another product."))
    category = fields.get("category")
    if category is not None and not category.is_active:
        errors.add("category", _("This category is no longer used."))


@transaction.atomic
def open_ticket(
    *,
    actor: User | None,
    subject: str,
    body: str,
    channel: str,
    priority: str = Priority.NORMAL,
    category: Category | None = None,
    account: Account | None = None,
    contact: Contact | None = None,
    requester_name: str = "",
    requester_email: str = "",
    product: Product | None = None,
    serial: SerialNumber | None = None,
    team: Team | None = None,
    owner: User | None = None,
    language: str = "zh-hans",
    message_id: str = "",
) -> Ticket:
    """A new ticket with the customer's first message. ``actor`` is the agent or rep
    entering it, or None when the customer opened it (e-mail, web form)."""
    if actor is not None and not can(actor, TICKET, "add"):
        raise PermissionDenied
    errors = Errors()
    subject = clean_text(errors, "subject", subject, max_length=200, required=True)
    body = clean_text(errors, "body", body, max_length=50000, required=True)
    if channel not in Channel.values:
        errors.add("channel", _("Choose a channel."))
    if priority not in Priority.values:
        errors.add("priority", _("Choose a priority."))
    email = _clean_email(errors, "requester_email", requester_email)
    name = clean_text(errors, "requester_name", requester_name, max_length=200)
    links = {
        "account": account,
        "contact": contact,
        "product": product,
        "serial": serial,
        "category": category,
    }
    _check_links(errors, actor, links)
    if owner is not None and not owner.is_active:
        errors.add("owner", _("This user is deactivated."))
    errors.raise_if_any()
    if serial is not None and product is None:
        product = serial.product
    if contact is None and email:
        contact, found_account = customer_of(email)
        account = account or found_account
    elif contact is not None and account is None:
        account = account_of(contact)
    if contact is not None and not email:
        primary = contact.emails.order_by("-is_primary", "pk").first()
        email = primary.value if primary is not None else ""
    routed = None
    if team is None and owner is None:
        # Routing rules (story 15); an explicit team or agent wins over them.
        facts = routing.facts_for(
            subject=subject,
            body=body,
            category=category,
            product=product,
            account=account,
            contact=contact,
            language=language,
        )
        routed = routing.find_rule(facts)
        if routed is not None:
            team = routed.rule.team
            priority = routed.rule.set_priority or priority
            category = routed.rule.set_category or category
    team = team or (category.team if category is not None else None)
    if team is None and owner is None and actor is not None and works_tickets(actor):
        # An agent taking a call without a category keeps the ticket (in their team),
        # rather than leaving it where only managers see it.
        owner = actor
        membership = TeamMembership.objects.filter(user=actor, team__deleted_at__isnull=True)
        first = membership.order_by("pk").select_related("team").first()
        team = first.team if first is not None else None
    ticket = Ticket(
        subject=subject,
        channel=channel,
        priority=priority,
        category=category,
        account=account,
        contact=contact,
        requester_name=name or (contact.full_name if contact is not None else ""),
        requester_email=email,
        product=product,
        serial=serial,
        team=team,
        owner=owner or routing.choose_agent(team, routed.rule.strategy if routed else ""),
        language=language,
        public_token=secrets.token_urlsafe(32),
        created_by=actor,
    )
    ticket.created_at = timezone.now()
    sla.recompute_due_times(ticket)
    save_numbered(ticket, "T", timezone.localdate().year)
    TicketMessage.objects.create(
        ticket=ticket,
        kind=MessageKind.CUSTOMER,
        body=body,
        author=actor,
        author_name=ticket.requester_name,
        author_email=email,
        channel=channel,
        message_id=message_id,
    )
    created = diff({}, ticket_snapshot(ticket))
    if routed is not None:
        routing.record_routing(ticket, routed)
        created["routing_rule"] = [None, routed.rule.name]
    record_audit(actor=actor, event=AuditEvent.CREATE, obj=ticket, changes=created)
    index_record(ticket)
    if ticket.owner is not None and ticket.owner != actor:
        number = ticket.number
        notify(
            recipients=[ticket.owner],
            kind="service.ticket_assigned",
            title=lambda: _("Ticket %(number)s is yours") % {"number": number},
            body=lambda: subject,
            url=ticket.get_absolute_url(),
            obj=ticket,
        )
    return ticket


def _last_customer_message_id(ticket: Ticket) -> str:
    return (
        TicketMessage.objects.filter(ticket=ticket, kind=MessageKind.CUSTOMER)
        .exclude(message_id="")
        .order_by("-created_at", "-pk")
        .values_list("message_id", flat=True)
        .first()
        or ""
    )


def _set_status(ticket: Ticket, status: str, now: Any) -> None:
    """Move the status with what it implies for the clocks and dates (not saved)."""
    if status == ticket.status:
        return
    if ticket.status == TicketStatus.PENDING:
        sla.resume(ticket, now)
    if status == TicketStatus.PENDING:
        sla.pause(ticket, now)
    if status == TicketStatus.SOLVED:
        ticket.solved_at = now
    elif status == TicketStatus.CLOSED:
        ticket.closed_at = now
        ticket.solved_at = ticket.solved_at or now
    else:
        ticket.solved_at = ticket.closed_at = None
    ticket.status = status


@transaction.atomic
def reply(*, actor: User, ticket: Ticket, body: str, status: str | None = None) -> TicketMessage:
    """A public reply to the customer (by e-mail when the ticket has an address); the
    first one stops the first-response clock. ``status`` (default: open) follows."""
    _require(actor, ticket, "change")
    _locked(ticket)
    errors = Errors()
    body = clean_text(errors, "body", body, max_length=50000, required=True)
    new_status = status or TicketStatus.OPEN
    if new_status not in TicketStatus.values:
        errors.add("status", _("Choose a status."))
    if ticket.status == TicketStatus.CLOSED:
        errors.add("status", _("This ticket is closed."))
    errors.raise_if_any()
    before = ticket_snapshot(ticket)
    now = timezone.now()
    message = TicketMessage.objects.create(
        ticket=ticket,
        kind=MessageKind.REPLY,
        body=body,
        author=actor,
        author_name=actor.full_name,
        author_email=actor.email,
        channel=Channel.EMAIL if ticket.requester_email else Channel.WEB,
        message_id=make_msgid(domain=_domain()),
        in_reply_to=_last_customer_message_id(ticket),
        delivery="queued" if ticket.requester_email else "",
    )
    if ticket.first_responded_at is None:
        ticket.first_responded_at = now
    _set_status(ticket, new_status, now)
    _save(actor, ticket, before, {"reply": [None, message.pk]})
    if message.delivery:
        transaction.on_commit(lambda: _enqueue(message.pk))
    return message


@transaction.atomic
def add_note(*, actor: User, ticket: Ticket, body: str) -> TicketMessage:
    """An internal note: colleagues see it, the customer never does."""
    _require(actor, ticket, "change")
    errors = Errors()
    body = clean_text(errors, "body", body, max_length=50000, required=True)
    errors.raise_if_any()
    note = TicketMessage.objects.create(
        ticket=ticket,
        kind=MessageKind.NOTE,
        body=body,
        author=actor,
        author_name=actor.full_name,
        channel=Channel.AGENT,
    )
    record_audit(
        actor=actor, event=AuditEvent.CHANGE, obj=ticket, changes={"note": [None, note.pk]}
    )
    return note


@transaction.atomic
def customer_message(
    *,
    ticket: Ticket,
    body: str,
    channel: str,
    author_name: str = "",
    author_email: str = "",
    message_id: str = "",
    in_reply_to: str = "",
) -> TicketMessage:
    """The customer wrote (status page, e-mail): a pending or solved ticket reopens and
    its clocks run again; the agent is told. A closed ticket takes no more messages."""
    _locked(ticket)
    errors = Errors()
    body = clean_text(errors, "body", body, max_length=50000, required=True)
    if ticket.status == TicketStatus.CLOSED:
        errors.add("body", _("This ticket is closed: please open a new one."))
    errors.raise_if_any()
    before = ticket_snapshot(ticket)
    message = TicketMessage.objects.create(
        ticket=ticket,
        kind=MessageKind.CUSTOMER,
        body=body,
        author_name=author_name or ticket.requester_name,
        author_email=author_email or ticket.requester_email,
        channel=channel,
        message_id=message_id,
        in_reply_to=in_reply_to,
    )
    if ticket.status in (TicketStatus.PENDING, TicketStatus.SOLVED):
        _set_status(ticket, TicketStatus.OPEN, timezone.now())
    _save(None, ticket, before, {"customer_message": [None, message.pk]})
    if ticket.owner is not None:
        number = ticket.number
        notify(
            recipients=[ticket.owner],
            kind="service.customer_replied",
            title=lambda: _("The customer answered on ticket %(number)s") % {"number": number},
            body=lambda: body[:200],
            url=ticket.get_absolute_url(),
            obj=ticket,
        )
    return message


@transaction.atomic
def change_status(*, actor: User, ticket: Ticket, status: str) -> Ticket:
    """Move the ticket to another status (pending stops the clocks, leaving it restarts
    them; solved and closed record when)."""
    _require(actor, ticket, "change")
    _locked(ticket)
    if status not in TicketStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    if ticket.status == TicketStatus.CLOSED and status != TicketStatus.CLOSED:
        raise ValidationError({"status": _("This ticket is closed.")})
    before = ticket_snapshot(ticket)
    _set_status(ticket, status, timezone.now())
    return _save(actor, ticket, before)


@transaction.atomic
def update_ticket(*, actor: User, ticket: Ticket, **fields: Any) -> Ticket:
    """Change the subject, priority, category, customer, product or serial number; a new
    priority or customer recomputes the due times from the ticket's creation."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    _require(actor, ticket, "change")
    _locked(ticket)
    errors = Errors()
    if "subject" in fields:
        fields["subject"] = clean_text(
            errors, "subject", fields["subject"], max_length=200, required=True
        )
    if "priority" in fields and fields["priority"] not in Priority.values:
        errors.add("priority", _("Choose a priority."))
    if fields.get("serial") is not None and "product" not in fields:
        fields["product"] = fields["serial"].product  # the unit names its product
    checked = {"product": ticket.product, "serial": ticket.serial, **fields}
    _check_links(errors, actor, checked)
    errors.raise_if_any()
    before = ticket_snapshot(ticket)
    for name, value in fields.items():
        setattr(ticket, name, value)
    if {"priority", "account", "contact"} & set(fields) and ticket.paused_at is None:
        sla.recompute_due_times(ticket)
    return _save(actor, ticket, before)


def may_assign(actor: User, ticket: Ticket) -> bool:
    """Who may hand a ticket on: whoever may assign or change it, and anyone who may
    assign tickets at all for a ticket nobody has yet (a manager routing the queue)."""
    if is_permitted(actor, ticket, "assign") or is_permitted(actor, ticket, "change"):
        return True
    unrouted = ticket.team_id is None and ticket.owner_id is None
    return unrouted and can(actor, TICKET, "assign") and is_permitted(actor, ticket, "view")


@transaction.atomic
def assign_ticket(
    *, actor: User, ticket: Ticket, owner: User | None = None, team: Team | None = None
) -> Ticket:
    """Give the ticket to a team and/or an agent (a team alone: its least-loaded agent);
    the new agent is told."""
    if not may_assign(actor, ticket):
        raise PermissionDenied
    _locked(ticket)
    return hand_over(actor=actor, ticket=ticket, owner=owner, team=team)


def hand_over(
    *,
    actor: User | None,
    ticket: Ticket,
    owner: User | None = None,
    team: Team | None = None,
    kind: str = "service.ticket_assigned",
    title: Callable[[], str] | None = None,
    body: Callable[[], str] | None = None,
) -> Ticket:
    """Give a locked ticket to a team and/or an agent, audited, the new agent told.
    No permission check: ``assign_ticket`` and ``escalate_ticket`` decide who may (an
    automatic escalation has no actor). ``kind``/``title``/``body`` word the notice."""
    errors = Errors()
    if owner is not None and not owner.is_active:
        errors.add("owner", _("This user is deactivated."))
    elif owner is not None and not works_tickets(owner):
        errors.add("owner", _("This user does not work on tickets."))
    errors.raise_if_any()
    before = ticket_snapshot(ticket)
    if team is not None:
        ticket.team = team
    ticket.owner = owner if owner is not None else pick_agent(ticket.team)
    _save(actor, ticket, before)
    if ticket.owner is not None and ticket.owner != actor:
        number = ticket.number
        notify(
            recipients=[ticket.owner],
            kind=kind,
            title=title or (lambda: _("Ticket %(number)s is yours") % {"number": number}),
            body=body,
            url=ticket.get_absolute_url(),
            obj=ticket,
        )
    return ticket


def _domain() -> str:
    from guanxi.customers.services.email import _domain as crm_domain

    return crm_domain()


def _enqueue(message_id: int) -> None:
    from guanxi.service.tasks import deliver_ticket_reply

    deliver_ticket_reply.enqueue(message_id)
