"""Incoming e-mail, from the MTA pipe (``manage.py receive_mail``) or the HTTP endpoint:
each message is routed once, by the first rule that matches (docs/inbound-email.md).

1. It answers a ticket (In-Reply-To / References name one of its messages, or the
   subject carries ``[T-2026-0001]`` and the sender is the ticket's customer): the
   customer's message joins the ticket; a closed ticket gets a follow-up ticket.
2. It answers an e-mail sent from the CRM: an email activity on the same contacts and
   accounts, threaded by In-Reply-To, joins the conversation on the timeline.
3. A user sent or copied it to ``INBOUND_BCC_ADDRESS``: an outbound email activity on
   the contacts it was to.
4. Anything else opens a ticket; an unknown sender becomes a contact.

The same Message-ID received twice does nothing the second time; auto-replies, bounces
and mail from our own support address are ignored so that no mail loop can start.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from guanxi.core.access import is_permitted
from guanxi.core.choices import Origin
from guanxi.core.context import change_context
from guanxi.core.models import User
from guanxi.core.services.attachments import add_attachment
from guanxi.customers.choices import ActivityKind, Direction
from guanxi.customers.models import Account, Activity, Contact, ContactEmail
from guanxi.customers.services.activities import log_activity
from guanxi.customers.services.contacts import create_contact
from guanxi.lib.names import has_cjk, split_chinese_name
from guanxi.service.choices import Channel, TicketStatus
from guanxi.service.inbound import ParsedMail, parse_mail
from guanxi.service.models import Ticket, TicketMessage
from guanxi.service.services.ticket_email import support_address
from guanxi.service.services.tickets import account_of, customer_message, customer_of, open_ticket

TICKET_BODY_LIMIT = 50000  # what open_ticket / customer_message accept
ACTIVITY_BODY_LIMIT = 20000  # what log_activity accepts

R = TypeVar("R", bound=Model)


class Action:
    """What became of a message (``Outcome.action``)."""

    TICKET_OPENED = "ticket_opened"
    TICKET_REPLY = "ticket_reply"
    ACTIVITY_REPLY = "activity_reply"
    ACTIVITY_LOGGED = "activity_logged"
    NO_CONTACT = "no_contact"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"

    STORED = frozenset({TICKET_OPENED, TICKET_REPLY, ACTIVITY_REPLY, ACTIVITY_LOGGED})


@dataclass
class Outcome:
    """The result of routing one message, for the MTA's log and the endpoint's JSON.
    ``notes`` are for the administrator reading those logs (attachments refused...)."""

    action: str
    message_id: str
    ticket: Ticket | None = None
    activity: Activity | None = None
    new_contact: Contact | None = None
    attachments: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def stored(self) -> bool:
        return self.action in Action.STORED

    def as_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "message_id": self.message_id,
            "ticket": self.ticket.number if self.ticket is not None else None,
            "activity": self.activity.pk if self.activity is not None else None,
            "new_contact": self.new_contact.pk if self.new_contact is not None else None,
            "attachments": list(self.attachments),
            "notes": list(self.notes),
        }

    def summary(self) -> str:
        """One line: ``ticket_opened ticket=T-2026-0001 contact=12 attachments=1 <id>``."""
        parts = [self.action]
        if self.ticket is not None:
            parts.append(f"ticket={self.ticket.number}")
        if self.activity is not None:
            parts.append(f"activity={self.activity.pk}")
        if self.new_contact is not None:
            parts.append(f"new_contact={self.new_contact.pk}")
        if self.attachments:
            parts.append(f"attachments={len(self.attachments)}")
        parts.append(self.message_id)
        line = " ".join(parts)
        if self.notes:
            line += " (" + "; ".join(self.notes) + ")"
        return " ".join(line.split())


def receive_mail(raw: bytes, *, recipients: Iterable[str] = ()) -> Outcome:
    """Route one raw RFC 5322 message. ``recipients`` are envelope recipients the MTA
    knows (a BCC copy names the logging address only there). Raises MailParseError for
    bytes that are not a message; database errors propagate (the MTA retries)."""
    mail = parse_mail(raw)
    message_id = mail.message_id or _synthetic_id(raw)
    envelope = tuple(r.strip().lower() for r in recipients if r and r.strip())
    with change_context(origin=Origin.SYSTEM):
        return route_mail(mail, message_id=message_id, envelope=envelope)


def _synthetic_id(raw: bytes) -> str:
    """A Message-ID for mail without one, stable across deliveries of the same bytes."""
    return f"<{hashlib.sha256(raw).hexdigest()[:40]}@inbound.guanxi.invalid>"


@transaction.atomic
def route_mail(mail: ParsedMail, *, message_id: str, envelope: Sequence[str] = ()) -> Outcome:
    """Apply the rules in order (see the module docstring)."""
    # Two copies delivered at the same moment can both pass this check; MTAs deliver
    # one message to one mailbox sequentially, so this is left open.
    if _already_received(message_id):
        return Outcome(Action.DUPLICATE, message_id)
    if mail.is_automatic:
        return Outcome(Action.IGNORED, message_id, notes=["automatic reply or delivery report"])
    if mail.from_address == support_address():
        return Outcome(Action.IGNORED, message_id, notes=["sent from the support address"])
    ticket = _ticket_answered(mail)
    if ticket is not None:
        return _join_ticket(mail, message_id, ticket)
    original = _activity_answered(mail)
    if original is not None:
        return _join_conversation(mail, message_id, original)
    bcc = (getattr(settings, "INBOUND_BCC_ADDRESS", "") or "").strip().lower()
    sender = _user_with(mail.from_address)
    if bcc and sender is not None and bcc in (*mail.recipients, *envelope):
        return _log_sent_mail(mail, message_id, sender, bcc)
    return _open(mail, message_id, sender=sender)


def _already_received(message_id: str) -> bool:
    return (
        TicketMessage.objects.filter(message_id=message_id).exists()
        or Activity.all_objects.filter(message_id=message_id).exists()
    )


def _user_with(address: str) -> User | None:
    if not address:
        return None
    return User.objects.filter(email__iexact=address, is_active=True).order_by("pk").first()


def contact_owner() -> User | None:
    """Who owns contacts made from unknown senders: the active user named by
    ``INBOUND_CONTACT_OWNER``, else the first active administrator."""
    configured = (getattr(settings, "INBOUND_CONTACT_OWNER", "") or "").strip()
    user = _user_with(configured)
    if user is not None:
        return user
    return (
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(roles__code="administrator"))
        .order_by("pk")
        .first()
    )


# --- 1. replies to tickets --------------------------------------------------------------


def _ticket_answered(mail: ParsedMail) -> Ticket | None:
    """The ticket the message answers: by its headers (our Message-IDs are random, so a
    match proves the thread), else by the number in the subject when the sender is
    the ticket's customer (numbers are guessable; strangers open a new ticket)."""
    ids = mail.thread_ids
    if ids:
        rows = TicketMessage.objects.filter(
            message_id__in=ids, ticket__deleted_at__isnull=True
        ).select_related("ticket")
        by_id = {row.message_id: row.ticket for row in rows}
        for value in ids:  # the closest reference wins
            if value in by_id:
                return by_id[value]
    for number in mail.ticket_numbers:
        ticket = Ticket.objects.filter(number=number).first()
        if ticket is not None and _is_customer_of(ticket, mail.from_address):
            return ticket
    return None


def _is_customer_of(ticket: Ticket, address: str) -> bool:
    if not address:
        return False
    if ticket.requester_email.lower() == address:
        return True
    emails = ContactEmail.objects.filter(value__iexact=address, contact__deleted_at__isnull=True)
    if ticket.contact_id is not None and emails.filter(contact_id=ticket.contact_id).exists():
        return True
    return (
        ticket.account_id is not None
        and emails.filter(contact__account_links__account_id=ticket.account_id).exists()
    )


def _join_ticket(mail: ParsedMail, message_id: str, ticket: Ticket) -> Outcome:
    if ticket.status == TicketStatus.CLOSED:
        with translation.override(ticket.language):
            lead = _("This follows up the closed ticket %(number)s.") % {"number": ticket.number}
        outcome = _open(
            mail,
            message_id,
            sender=_user_with(mail.from_address),
            body=f"{lead}\n\n{mail.reply_text}",
            follows=ticket,
        )
        outcome.notes.append(f"{ticket.number} is closed: opened a new ticket")
        return outcome
    customer_message(
        ticket=ticket,
        body=_ticket_body(mail.reply_text, ticket.language),
        channel=Channel.EMAIL,
        author_name=mail.from_name[:200],
        author_email=mail.from_address[:254],
        message_id=message_id,
        in_reply_to=mail.thread_ids[0] if mail.thread_ids else "",
    )
    outcome = Outcome(Action.TICKET_REPLY, message_id, ticket=ticket)
    _attach(outcome, mail, parent=ticket, actor=None)
    return outcome


def _ticket_body(text: str, language: str) -> str:
    if text.strip():
        return text[:TICKET_BODY_LIMIT]
    with translation.override(language):
        return _("(The e-mail had no text.)")


# --- 4. new tickets ---------------------------------------------------------------------


def _open(
    mail: ParsedMail,
    message_id: str,
    *,
    sender: User | None,
    body: str | None = None,
    follows: Ticket | None = None,
) -> Outcome:
    """A new ticket from the message; an unknown sender (not a user) becomes a contact."""
    language = "zh-hans" if has_cjk(f"{mail.subject} {mail.text}") else "en"
    notes: list[str] = []
    contact, account = customer_of(mail.from_address)
    new_contact = None
    if contact is None and sender is None:
        new_contact = _new_contact(mail, language, notes)
        contact = new_contact
    subject = mail.clean_subject or (follows.subject if follows is not None else "")
    if not subject:
        with translation.override(language):
            subject = _("(no subject)")
    ticket = open_ticket(
        actor=None,
        subject=subject[:200],
        body=_ticket_body(mail.text if body is None else body, language),
        channel=Channel.EMAIL,
        category=follows.category if follows is not None else None,
        contact=contact,
        account=account,
        requester_name=mail.from_name[:200],
        requester_email=mail.from_address,
        language=language,
        message_id=message_id,
    )
    outcome = Outcome(
        Action.TICKET_OPENED, message_id, ticket=ticket, new_contact=new_contact, notes=notes
    )
    _attach(outcome, mail, parent=ticket, actor=None)
    return outcome


def _new_contact(mail: ParsedMail, language: str, notes: list[str]) -> Contact | None:
    """A consumer contact (no account) named from the display name, Chinese names family
    name first; owned by ``contact_owner()``."""
    owner = contact_owner()
    if owner is None:
        notes.append("no owner for new contacts: set INBOUND_CONTACT_OWNER")
        return None
    family, given = split_chinese_name(mail.from_name)
    if not family:
        family, given = given or mail.from_address.split("@", 1)[0], ""
    try:
        return create_contact(
            actor=owner,
            owner=owner,
            family_name=family[:100],
            given_name=given[:100],
            preferred_language=language,
            emails=[{"value": mail.from_address}],
            description=_("Created from an incoming e-mail."),
        )
    except ValidationError as error:
        notes.append(f"contact not created: {_first_message(error)}")
        return None


# --- 2. replies to CRM e-mails ----------------------------------------------------------


def _activity_answered(mail: ParsedMail) -> Activity | None:
    ids = mail.thread_ids
    if not ids:
        return None
    rows = Activity.objects.filter(kind=ActivityKind.EMAIL, message_id__in=ids)
    by_id = {row.message_id: row for row in rows}
    return next((by_id[value] for value in ids if value in by_id), None)


def _join_conversation(mail: ParsedMail, message_id: str, original: Activity) -> Outcome:
    """The answer as an email activity on the original's contacts and accounts (and the
    sender's contact when known): inbound from a customer, outbound from a user."""
    sender = _user_with(mail.from_address)
    contacts: list[Contact] = list(original.contacts.all())
    accounts: list[Account] = list(original.accounts.all())
    if sender is None:
        known, _account = customer_of(mail.from_address)
        if known is not None and known not in contacts:
            contacts.append(known)
    owner = sender
    if owner is None:
        owner = original.owner if original.owner.is_active else contact_owner()
    outcome = Outcome(Action.ACTIVITY_REPLY, message_id)
    if owner is None:
        outcome.action = Action.IGNORED
        outcome.notes.append("no active user to own the reply")
        return outcome
    visible_contacts = _visible(owner, contacts)
    visible_accounts = _visible(owner, accounts)
    if len(visible_contacts) + len(visible_accounts) < len(contacts) + len(accounts):
        outcome.notes.append("some linked records are not visible to the owner")
    outcome.activity = _log_email(
        mail,
        message_id,
        owner=owner,
        direction=Direction.OUTBOUND if sender is not None else Direction.INBOUND,
        contacts=visible_contacts,
        accounts=visible_accounts,
        body=mail.reply_text,
        in_reply_to=original.message_id,
    )
    _attach(outcome, mail, parent=outcome.activity, actor=owner)
    return outcome


# --- 3. mail copied to the logging address ----------------------------------------------


def _log_sent_mail(mail: ParsedMail, message_id: str, sender: User, bcc: str) -> Outcome:
    """A user's mail to customers: an outbound email activity on the contacts in To/Cc
    that the user may see (their primary accounts too)."""
    addresses = [a for a in (*mail.to, *mail.cc) if a != bcc and a != mail.from_address]
    rows = (
        ContactEmail.objects.filter(value__in=addresses, contact__deleted_at__isnull=True)
        .select_related("contact")
        .order_by("contact_id")
    )
    contacts = _visible(sender, list({row.contact_id: row.contact for row in rows}.values()))
    if not contacts:
        return Outcome(Action.NO_CONTACT, message_id, notes=["no contact with these addresses"])
    accounts: list[Account] = []
    for contact in contacts:
        account = account_of(contact)
        if account is not None and account not in accounts:
            accounts.append(account)
    activity = _log_email(
        mail,
        message_id,
        owner=sender,
        direction=Direction.OUTBOUND,
        contacts=contacts,
        accounts=_visible(sender, accounts),
        body=mail.text,
        in_reply_to=mail.thread_ids[0] if mail.thread_ids else "",
    )
    outcome = Outcome(Action.ACTIVITY_LOGGED, message_id, activity=activity)
    _attach(outcome, mail, parent=activity, actor=sender)
    return outcome


# --- shared -----------------------------------------------------------------------------


def _visible(user: User, records: Iterable[R]) -> list[R]:
    return [record for record in records if is_permitted(user, record, "view")]


def _when(mail: ParsedMail) -> datetime:
    """When the mail was written (its Date), never in the future."""
    now = timezone.now()
    when = mail.date
    if when is None:
        return now
    if timezone.is_naive(when):
        when = when.replace(tzinfo=UTC)
    return min(when, now)


def _log_email(
    mail: ParsedMail,
    message_id: str,
    *,
    owner: User,
    direction: str,
    contacts: list[Contact],
    accounts: list[Account],
    body: str,
    in_reply_to: str,
) -> Activity:
    subject = mail.subject.strip()
    if not subject:
        subject = _("(no subject)")
    return log_activity(
        actor=owner,
        kind=ActivityKind.EMAIL,
        direction=direction,
        subject=subject[:200],
        body=body[:ACTIVITY_BODY_LIMIT],
        at=_when(mail),
        contacts=contacts,
        accounts=accounts,
        email_from=mail.from_address,
        email_to=", ".join((*mail.to, *mail.cc)),
        message_id=message_id,
        in_reply_to=in_reply_to,
    )


def _attach(outcome: Outcome, mail: ParsedMail, *, parent: Model, actor: User | None) -> None:
    """Keep the message's files on the record; one the upload checks refuse (type,
    size) is skipped with a note."""
    for attachment in mail.attachments:
        upload = SimpleUploadedFile(
            attachment.filename or "attachment", attachment.content, attachment.content_type
        )
        try:
            # A customer's file has no uploading user (the column is nullable).
            add_attachment(actor=actor, parent=parent, upload=upload)  # type: ignore[arg-type]
        except ValidationError as error:
            outcome.notes.append(f"{attachment.filename} skipped: {_first_message(error)}")
        else:
            outcome.attachments.append(attachment.filename)


def _first_message(error: ValidationError) -> str:
    messages = error.messages
    return str(messages[0]) if messages else str(error)
