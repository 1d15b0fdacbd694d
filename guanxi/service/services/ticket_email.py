"""Public replies by e-mail: the ticket's number in the subject (so a reply without
headers still finds its ticket), Message-ID, In-Reply-To and References headers, from
the support address; safe to run twice (only a queued reply goes)."""

from __future__ import annotations

from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from guanxi.core.services.notifications import notify
from guanxi.service.models import Ticket, TicketMessage


def support_address() -> str:
    configured = getattr(settings, "SERVICE_EMAIL", "") or settings.DEFAULT_FROM_EMAIL
    return parseaddr(configured)[1] or "support@localhost"


def reply_subject(number: str, subject: str) -> str:
    return f"[{number}] {subject}"


def status_page_footer(ticket: Ticket) -> str:
    """The link to the customer's status page, in the ticket's language."""
    url = settings.SITE_URL.rstrip("/") + reverse(
        "service:ticket_public", args=[ticket.public_token]
    )
    with translation.override(ticket.language or settings.LANGUAGE_CODE):
        line = _("Follow request %(number)s and answer online: %(url)s") % {
            "number": ticket.number,
            "url": url,
        }
    return f"\n\n-- \n{line}\n"


def deliver_reply(message_pk: int) -> bool:
    message = (
        TicketMessage.objects.select_related("ticket", "author")
        .filter(pk=message_pk, delivery="queued")
        .first()
    )
    if message is None:
        return False
    ticket = message.ticket
    headers = {"Message-ID": message.message_id}
    if message.in_reply_to:
        headers["In-Reply-To"] = message.in_reply_to
        headers["References"] = message.in_reply_to
    email = EmailMessage(
        subject=reply_subject(ticket.number, ticket.subject),
        body=message.body + status_page_footer(ticket),
        # formataddr quotes (or encodes) the name: "Smith, John" stays one sender.
        from_email=formataddr((message.author_name or "Guanxi", support_address())),
        to=[ticket.requester_email],
        reply_to=[support_address()],
        headers=headers,
    )
    try:
        email.send()
    except (OSError, ValueError) as exc:  # SMTP errors are OSErrors
        _mark(message, "failed", str(exc))
        return False
    _mark(message, "sent", "")
    return True


@transaction.atomic
def _mark(message: TicketMessage, delivery: str, error: str) -> None:
    claimed = TicketMessage.objects.filter(pk=message.pk, delivery="queued").update(
        delivery=delivery
    )
    if claimed and delivery == "failed" and message.author is not None:
        number = message.ticket.number
        notify(
            recipients=[message.author],
            kind="service.reply_failed",
            title=lambda: (
                _("Your reply on ticket %(number)s could not be sent") % {"number": number}
            ),
            body=lambda: error[:500],
            url=message.ticket.get_absolute_url(),
            obj=message.ticket,
        )
