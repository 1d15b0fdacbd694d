"""A contact's consent per channel: every decision kept, with its wording and source."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.choices import AuditEvent
from guanxi.core.models import User
from guanxi.core.services.audit import record_audit
from guanxi.customers.choices import Channel, ConsentSource, ConsentStatus
from guanxi.customers.models import Consent, Contact
from guanxi.customers.services.common import Errors, clean_choice


@transaction.atomic
def record_consent(
    *,
    actor: User | None,
    contact: Contact,
    channel: str,
    status: str,
    source: str,
    wording: str = "",
    recorded_at: datetime | None = None,
) -> Consent:
    """Add a consent decision for one channel. Earlier rows are kept as the history;
    granting requires the exact wording the contact was shown."""
    errors = Errors()
    if channel not in Channel.values:
        clean_choice(errors, "channel", channel or "?", Channel)
    if status not in ConsentStatus.values:
        clean_choice(errors, "status", status or "?", ConsentStatus)
    if source not in ConsentSource.values:
        clean_choice(errors, "source", source or "?", ConsentSource)
    wording = (wording or "").strip()
    if status == ConsentStatus.GRANTED and not wording:
        errors.add("wording", _("Record the exact wording the contact agreed to."))
    if recorded_at is not None and recorded_at > timezone.now():
        errors.add("recorded_at", _("A consent cannot be recorded in the future."))
    errors.raise_if_any()
    previous = (
        Consent.objects.filter(contact=contact, channel=channel)
        .order_by("-recorded_at", "-pk")
        .first()
    )
    consent = Consent.objects.create(
        contact=contact,
        channel=channel,
        status=status,
        source=source,
        wording=wording,
        recorded_at=recorded_at or timezone.now(),
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    record_audit(
        actor=actor,
        event=AuditEvent.CHANGE,
        obj=contact,
        changes={f"consent.{channel}": [previous.status if previous else None, status]},
    )
    return consent
