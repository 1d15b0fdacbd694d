"""The one notification mechanism every module uses: inbox entries and daily digests."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Model
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from guanxi.core.models import Notification, User
from guanxi.core.selectors import notifications_of


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    title: Callable[[], str],
    body: Callable[[], str] | None = None,
    url: str = "",
    obj: Model | None = None,
) -> list[Notification]:
    """Put a message in each active recipient's inbox, in the recipient's language.

    ``title`` and ``body`` are callables so that each is rendered under the
    recipient's own language.
    """
    created = []
    for user in {u.pk: u for u in recipients if u.is_active}.values():
        with translation.override(user.language):
            created.append(
                Notification(
                    recipient=user,
                    kind=kind,
                    title=str(title())[:200],
                    body=str(body()) if body else "",
                    url=url,
                    object_type=obj._meta.label_lower if obj is not None else "",
                    object_id=str(obj.pk) if obj is not None else "",
                )
            )
    return Notification.objects.bulk_create(created)


def mark_read(*, user: User, notification_ids: Iterable[int] | None = None) -> int:
    """Mark some (or, with None, all) of the user's notifications read."""
    queryset = notifications_of(user).filter(read_at__isnull=True)
    if notification_ids is not None:
        queryset = queryset.filter(pk__in=list(notification_ids))
    return queryset.update(read_at=timezone.now())


def send_digests() -> int:
    """E-mail each opted-in user their unread, not yet mailed notifications; returns mails sent."""
    sent = 0
    users = User.objects.filter(is_active=True, email_digest=True)
    for user in users:
        with transaction.atomic():
            pending = list(
                Notification.objects.select_for_update()
                .filter(recipient=user, read_at__isnull=True, emailed_at__isnull=True)
                .order_by("created_at")
            )
            if not pending:
                continue
            with translation.override(user.language):
                subject = _("Guanxi: %(count)s unread notifications") % {"count": len(pending)}
                body = render_to_string("core/email/digest.txt", {"user": user, "items": pending})
            Notification.objects.filter(pk__in=[n.pk for n in pending]).update(
                emailed_at=timezone.now()
            )
            send_mail(subject, body, None, [user.email])
            sent += 1
    return sent
