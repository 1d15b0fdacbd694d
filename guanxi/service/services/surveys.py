"""Satisfaction surveys: a CSAT question when a ticket is solved, an NPS question to a
contact (now, or on the schedule), the customer's answer by token, and a follow-up task
for the owner when the score is low (docs/surveys.md).

The e-mails go after the commit (``survey_email.deliver_survey``); a contact whose
latest e-mail consent is withdrawn gets no survey of either kind.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from guanxi.core.access import is_permitted
from guanxi.core.choices import AuditEvent
from guanxi.core.models import User
from guanxi.core.services.audit import record_audit
from guanxi.core.services.notifications import notify
from guanxi.customers.choices import ActivityKind, Channel, ConsentStatus
from guanxi.customers.models import Account, Consent, Contact, ContactEmail
from guanxi.customers.services.activities import log_activity
from guanxi.customers.services.common import Errors, clean_text
from guanxi.sales.choices_orders import OrderStatus
from guanxi.sales.models import Order
from guanxi.service.models import Survey, SurveyKind, Ticket
from guanxi.service.models.surveys import SCALES

COMMENT_LIMIT = 5000


def new_token() -> str:
    return secrets.token_urlsafe(32)


def consent_withdrawn(contact: Contact | None) -> bool:
    """Whether the contact's latest e-mail consent decision is a withdrawal."""
    if contact is None:
        return False
    latest = (
        Consent.objects.filter(contact=contact, channel=Channel.EMAIL)
        .order_by("-recorded_at", "-pk")
        .values_list("status", flat=True)
        .first()
    )
    return latest == ConsentStatus.WITHDRAWN


def contact_email(contact: Contact) -> str:
    """The contact's primary e-mail address (any one when none is primary)."""
    value = (
        ContactEmail.objects.filter(contact=contact)
        .order_by("-is_primary", "pk")
        .values_list("value", flat=True)
        .first()
    )
    return value or ""


def contact_language(contact: Contact) -> str:
    codes = {code for code, _label in settings.LANGUAGES}
    preferred = contact.preferred_language
    return preferred if preferred in codes else settings.LANGUAGE_CODE


def is_open(survey: Survey, now: datetime | None = None) -> bool:
    """Whether the survey still takes (and changes) answers."""
    now = now or timezone.now()
    return now < survey.sent_at + timedelta(days=settings.SURVEY_OPEN_DAYS)


def _queue(survey: Survey) -> None:
    from guanxi.service.tasks_surveys import deliver_survey_email

    pk = survey.pk
    transaction.on_commit(lambda: deliver_survey_email.enqueue(pk))


def _create(
    *,
    actor: User | None,
    kind: str,
    email: str,
    language: str,
    now: datetime,
    ticket: Ticket | None = None,
    contact: Contact | None = None,
    account: Account | None = None,
) -> Survey:
    survey = Survey.objects.create(
        kind=kind,
        ticket=ticket,
        contact=contact,
        account=account,
        email=email,
        language=language,
        token=new_token(),
        sent_at=now,
        delivery="queued",
    )
    record_audit(
        actor=actor,
        event=AuditEvent.CREATE,
        obj=survey,
        changes={"kind": [None, kind], "email": [None, email]},
    )
    _queue(survey)
    return survey


# --- CSAT --------------------------------------------------------------------------------------


@transaction.atomic
def send_csat(*, actor: User | None, ticket: Ticket, now: datetime | None = None) -> Survey | None:
    """Ask the requester of a solved ticket how satisfied they are; None when there is
    no address, the contact withdrew e-mail consent, an unanswered CSAT of the ticket
    is still out, or one was answered within ``SURVEY_CSAT_QUIET_DAYS``."""
    now = now or timezone.now()
    if not ticket.requester_email or consent_withdrawn(ticket.contact):
        return None
    # The ticket row is locked by the status change; this keeps two solves in a row
    # from both creating a survey (the unique constraint is the last guard).
    earlier = Survey.objects.filter(ticket=ticket, kind=SurveyKind.CSAT)
    quiet_since = now - timedelta(days=settings.SURVEY_CSAT_QUIET_DAYS)
    if earlier.filter(Q(answered_at__isnull=True) | Q(sent_at__gte=quiet_since)).exists():
        return None
    return _create(
        actor=actor,
        kind=SurveyKind.CSAT,
        email=ticket.requester_email,
        language=ticket.language or settings.LANGUAGE_CODE,
        now=now,
        ticket=ticket,
        contact=ticket.contact,
        account=ticket.account,
    )


# --- NPS ---------------------------------------------------------------------------------------


def _recent_nps(now: datetime) -> QuerySet[Survey]:
    since = now - timedelta(days=settings.SURVEY_NPS_INTERVAL_DAYS)
    return Survey.objects.filter(kind=SurveyKind.NPS, sent_at__gte=since)


def _account_of(contact: Contact) -> Account | None:
    link = (
        contact.account_links.filter(is_current=True)  # type: ignore[attr-defined]
        .select_related("account")
        .order_by("-is_primary", "pk")
        .first()
    )
    return link.account if link is not None else None


@transaction.atomic
def send_nps(*, actor: User | None, contact: Contact, now: datetime | None = None) -> Survey:
    """Ask the contact now how likely they are to recommend us (0–10). Refused, naming
    ``contact``, without an e-mail address, after a withdrawn e-mail consent, or when
    an NPS survey went to them in the last ``SURVEY_NPS_INTERVAL_DAYS``."""
    now = now or timezone.now()
    contact = Contact.all_objects.select_for_update().get(pk=contact.pk)
    errors = Errors()
    email = contact_email(contact)
    if contact.is_trashed:
        errors.add("contact", _("This contact is in the trash."))
    elif not email:
        errors.add("contact", _("This contact has no e-mail address."))
    elif consent_withdrawn(contact):
        errors.add("contact", _("This contact withdrew consent to e-mail."))
    else:
        last = _recent_nps(now).filter(contact=contact).order_by("-sent_at").first()
        if last is not None:
            errors.add(
                "contact",
                _("An NPS survey was sent to this contact on %(date)s; wait %(days)s days.")
                % {
                    "date": timezone.localtime(last.sent_at).date().isoformat(),
                    "days": settings.SURVEY_NPS_INTERVAL_DAYS,
                },
            )
    errors.raise_if_any()
    return _create(
        actor=actor,
        kind=SurveyKind.NPS,
        email=email,
        language=contact_language(contact),
        now=now,
        contact=contact,
        account=_account_of(contact),
    )


def nps_candidates(now: datetime | None = None) -> QuerySet[Contact]:
    """Contacts due an NPS question: a confirmed order or a ticket in the last
    ``SURVEY_NPS_RECENT_DAYS``, an e-mail address, no withdrawn e-mail consent and no
    NPS survey in the last ``SURVEY_NPS_INTERVAL_DAYS``; oldest contacts first."""
    now = now or timezone.now()
    since = now - timedelta(days=settings.SURVEY_NPS_RECENT_DAYS)
    ordered = Order.objects.filter(
        contact=OuterRef("pk"), status=OrderStatus.CONFIRMED, order_date__gte=since.date()
    )
    asked = Ticket.objects.filter(contact=OuterRef("pk"), created_at__gte=since)
    latest_consent = (
        Consent.objects.filter(contact=OuterRef("pk"), channel=Channel.EMAIL)
        .order_by("-recorded_at", "-pk")
        .values("status")[:1]
    )
    return (
        Contact.objects.filter(Q(Exists(ordered)) | Q(Exists(asked)))
        .filter(Exists(ContactEmail.objects.filter(contact=OuterRef("pk"))))
        .exclude(Exists(_recent_nps(now).filter(contact=OuterRef("pk"))))
        .annotate(consent=latest_consent)
        .filter(Q(consent__isnull=True) | ~Q(consent=ConsentStatus.WITHDRAWN))
        .order_by("pk")
    )


def send_scheduled_nps(*, now: datetime | None = None, batch: int | None = None) -> int:
    """One batch of the periodic NPS survey; returns how many were sent. Safe to run
    twice: a contact just asked is no longer a candidate."""
    now = now or timezone.now()
    size = batch if batch is not None else settings.SURVEY_NPS_BATCH
    sent = 0
    for contact in nps_candidates(now)[:size]:
        try:
            send_nps(actor=None, contact=contact, now=now)
        except ValidationError:  # lost its address or consent meanwhile: skip it
            continue
        sent += 1
    return sent


# --- answers -----------------------------------------------------------------------------------


def _clean_score(errors: Errors, survey: Survey, score: Any) -> int | None:
    low, high = SCALES[SurveyKind(survey.kind)]
    message = _("Choose a score from %(low)s to %(high)s.") % {"low": low, "high": high}
    try:
        value = int(str(score).strip())
    except (TypeError, ValueError):
        errors.add("score", message)
        return None
    if not low <= value <= high:
        errors.add("score", message)
        return None
    return value


def is_low(survey: Survey) -> bool:
    if survey.score is None:
        return False
    limit = settings.SURVEY_LOW_CSAT if survey.kind == SurveyKind.CSAT else settings.SURVEY_LOW_NPS
    return survey.score <= limit


@transaction.atomic
def answer_survey(
    *, survey: Survey, score: Any, comment: str = "", now: datetime | None = None
) -> Survey:
    """The customer's answer by token (no acting user). Answering again changes the
    answer while the survey is open (``SURVEY_OPEN_DAYS`` after sending). A low score
    opens one follow-up task for the owner."""
    now = now or timezone.now()
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    errors = Errors()
    value = _clean_score(errors, survey, score)
    text = clean_text(errors, "comment", comment, max_length=COMMENT_LIMIT)
    if not is_open(survey, now):
        errors.add("score", _("This survey is closed: it no longer takes answers."))
    errors.raise_if_any()
    before = {"score": survey.score, "comment": survey.comment}
    survey.score = value
    survey.comment = text
    survey.answered_at = survey.answered_at or now
    survey.changed_at = now
    survey.save(update_fields=["score", "comment", "answered_at", "changed_at"])
    record_audit(
        actor=None,
        event=AuditEvent.CHANGE,
        obj=survey,
        changes={
            key: [old, getattr(survey, key)]
            for key, old in before.items()
            if old != getattr(survey, key)
        }
        or {"score": [value, value]},
    )
    if is_low(survey) and survey.follow_up_id is None:
        _open_follow_up(survey, now)
    return survey


def follow_up_owner(survey: Survey) -> User | None:
    """Who follows a low score up: the ticket's agent, else the account's owner, else
    the contact's owner (the first of them still active)."""
    candidates = [
        survey.ticket.owner if survey.ticket else None,
        survey.account.owner if survey.account else None,
        survey.contact.owner if survey.contact else None,
    ]
    for user in candidates:
        if user is not None and user.is_active:
            return user
    return None


def _open_follow_up(survey: Survey, now: datetime) -> None:
    owner = follow_up_owner(survey)
    if owner is None:
        return
    customer = survey.contact or survey.account
    who = str(customer) if customer is not None else survey.email
    with translation.override(owner.language):
        if survey.ticket is not None:
            subject = _("Low satisfaction (%(score)s/5) on ticket %(number)s: call %(who)s") % {
                "score": survey.score,
                "number": survey.ticket.number,
                "who": who,
            }
        else:
            subject = _("Low NPS (%(score)s/10): call %(who)s") % {
                "score": survey.score,
                "who": who,
            }
        body = survey.comment or _("No comment was left.")
    task = log_activity(
        actor=owner,
        kind=ActivityKind.TASK,
        subject=Truncator(subject).chars(200),
        body=body,
        at=now + timedelta(days=1),
        assignee=owner,
        owner=owner,
        contacts=[c for c in [survey.contact] if c and is_permitted(owner, c, "view")],
        accounts=[a for a in [survey.account] if a and is_permitted(owner, a, "view")],
    )
    Survey.objects.filter(pk=survey.pk).update(follow_up=task)
    survey.follow_up = task
    notify(
        recipients=[owner],
        kind="service.survey_low",
        title=lambda: subject,
        body=lambda: Truncator(survey.comment).chars(500),
        url=survey.get_absolute_url(),
        obj=survey,
    )
