"""E-mail to customers from the CRM: personalised, sent by SMTP, kept on the timeline.

Each message becomes an ``email`` activity on the contact (and their account) with its
own Message-ID, so that replies arriving later can be joined to the conversation. The
activity is saved first and the mail goes out from a task once the transaction has
committed: open = queued, done = sent, cancelled = could not be sent (the sender is
notified why).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from email.headerregistry import Address
from email.utils import make_msgid, parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.choices import AuditEvent
from guanxi.core.models import User
from guanxi.core.services.audit import record_audit
from guanxi.core.services.notifications import notify
from guanxi.customers.choices import ActivityKind, Direction, TaskStatus
from guanxi.customers.models import Account, Activity, Contact, ContactEmail
from guanxi.customers.services.activities import log_activity
from guanxi.customers.services.common import Errors, clean_text
from guanxi.lib.names import has_cjk

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
PLACEHOLDERS = (
    "salutation",
    "full_name",
    "first_name",
    "last_name",
    "title",
    "company",
    "my_name",
    "my_email",
)


def _salutation(contact: Contact) -> str:
    """王先生 / 李女士 for Chinese names; Mr / Ms Smith otherwise; the name when unknown."""
    chinese = has_cjk(contact.family_name)
    if contact.gender == "male":
        return f"{contact.family_name}先生" if chinese else f"Mr {contact.family_name}"
    if contact.gender == "female":
        return f"{contact.family_name}女士" if chinese else f"Ms {contact.family_name}"
    return contact.full_name


def placeholder_values(contact: Contact, sender: User, account: Account | None) -> dict[str, str]:
    return {
        "salutation": _salutation(contact),
        "full_name": contact.full_name,
        "first_name": contact.given_name,
        "last_name": contact.family_name,
        "title": contact.title,
        "company": account.name if account is not None else "",
        "my_name": sender.full_name,
        "my_email": sender.email,
    }


def check_placeholders(errors: Errors, field: str, text: str) -> None:
    unknown = sorted({name for name in PLACEHOLDER.findall(text) if name not in PLACEHOLDERS})
    if unknown:
        errors.add(
            field,
            _("Unknown placeholders: %(names)s. Use: %(known)s.")
            % {
                "names": ", ".join(unknown),
                "known": ", ".join("{{ %s }}" % p for p in PLACEHOLDERS),  # noqa: UP031
            },
        )


def fill(text: str, values: Mapping[str, str]) -> str:
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def _address(name: str, address: str) -> str:
    """``Name <address>``, quoted where needed; Django encodes a Chinese name on sending."""
    return str(Address(display_name=name, addr_spec=address))


def _domain() -> str:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rsplit("@", 1)[-1] if "@" in address else "guanxi.local"


@transaction.atomic
def send_customer_email(
    *,
    actor: User,
    contact: Contact,
    to: str,
    subject: str,
    body: str,
    account: Account | None = None,
    in_reply_to: Activity | None = None,
) -> Activity:
    """Queue a personalised e-mail to one of the contact's addresses; returns the email
    activity (open until the mail has gone out)."""
    errors = Errors()
    addresses = {e.value.lower() for e in ContactEmail.objects.filter(contact=contact)}
    to = (to or "").strip().lower()
    if to not in addresses:
        errors.add("to", _("Choose one of the contact's email addresses."))
    subject = clean_text(errors, "subject", subject, max_length=200, required=True)
    body = clean_text(errors, "body", body, max_length=50000, required=True)
    check_placeholders(errors, "subject", subject)
    check_placeholders(errors, "body", body)
    errors.raise_if_any()
    values = placeholder_values(contact, actor, account)
    thread = in_reply_to.message_id if in_reply_to is not None else ""
    activity = log_activity(
        actor=actor,
        kind=ActivityKind.EMAIL,
        direction=Direction.OUTBOUND,
        subject=fill(subject, values)[:200],
        body=fill(body, values),
        status=TaskStatus.OPEN,
        accounts=[account] if account is not None else [],
        contacts=[contact],
        email_from=actor.email,
        email_to=to,
        message_id=make_msgid(domain=_domain()),
        in_reply_to=thread,
    )
    transaction.on_commit(lambda: _enqueue(activity.pk))
    return activity


def _enqueue(activity_id: int) -> None:
    from guanxi.customers.tasks import deliver_email

    deliver_email.enqueue(activity_id)


def deliver(activity_id: int) -> bool:
    """Send a queued email activity by SMTP; safe to run twice (only an open one goes)."""
    activity = (
        Activity.objects.select_related("owner")
        .filter(pk=activity_id, kind=ActivityKind.EMAIL, status=TaskStatus.OPEN)
        .first()
    )
    if activity is None:
        return False
    sender = activity.owner
    headers = {"Message-ID": activity.message_id}
    if activity.in_reply_to:
        headers["In-Reply-To"] = activity.in_reply_to
        headers["References"] = activity.in_reply_to
    from_address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "noreply@localhost"
    message = EmailMessage(
        subject=activity.subject,
        body=activity.body,
        from_email=_address(sender.full_name, from_address),
        to=[activity.email_to],
        reply_to=[_address(sender.full_name, sender.email)],
        headers=headers,
    )
    try:
        message.send()
    except (OSError, ValueError) as exc:  # SMTP errors are OSErrors
        _mark(activity, TaskStatus.CANCELLED, error=str(exc))
        return False
    _mark(activity, TaskStatus.DONE)
    return True


@transaction.atomic
def _mark(activity: Activity, status: str, *, error: str = "") -> None:
    claimed = Activity.objects.filter(pk=activity.pk, status=TaskStatus.OPEN).update(
        status=status, completed_at=timezone.now() if status == TaskStatus.DONE else None
    )
    if not claimed:
        return
    changes: dict[str, Any] = {"status": [TaskStatus.OPEN, status]}
    if error:
        changes["error"] = [None, error[:500]]
    record_audit(actor=None, event=AuditEvent.CHANGE, obj=activity, changes=changes)
    if status == TaskStatus.CANCELLED:
        notify(
            recipients=[activity.owner],
            kind="email.failed",
            title=lambda: (
                _("Your email “%(subject)s” could not be sent") % {"subject": activity.subject}
            ),
            body=lambda: error[:500],
            url=activity.get_absolute_url(),
            obj=activity,
        )


def recipients_of(contacts: Iterable[Contact]) -> list[tuple[Contact, ContactEmail]]:
    """Each contact's primary (else first) email, for composing to an account."""
    result = []
    for contact in contacts:
        emails = sorted(contact.emails.all(), key=lambda e: (not e.is_primary, e.pk))
        if emails:
            result.append((contact, emails[0]))
    return result
