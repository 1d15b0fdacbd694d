"""Web-to-lead: a visitor's public form becomes an assigned lead, and a visitor who asked
to be called gets a first-contact task for its owner, due within the form's time. The
scheduler flags first contacts still not made when due, to the owner and their managers,
once (story 3: nobody calls back a month later)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from guanxi.core.models import TeamMembership, User
from guanxi.core.public_forms import (
    CHECKBOX,
    CHOICE,
    EMAIL,
    PHONE,
    TEXTAREA,
    FormFieldSpec,
    FormHandler,
    SubmissionContext,
    register_form_kind,
)
from guanxi.core.services.notifications import notify
from guanxi.customers.choices import ActivityKind, CompanySize, Industry
from guanxi.customers.services.activities import log_activity
from guanxi.lib import regions
from guanxi.sales.choices import LeadSource, LeadStatus
from guanxi.sales.models import Lead
from guanxi.sales.services.leads import create_lead

LEAD_KIND = "lead"


@transaction.atomic
def plan_first_contact(*, lead: Lead, within_hours: int, now: datetime | None = None) -> Lead:
    """Give the lead's owner a task to call the visitor back, due ``within_hours`` from
    now, linked to the lead; the lead remembers when the first contact is due."""
    now = now or timezone.now()
    due = now + timedelta(hours=within_hours)
    owner = lead.owner
    with translation.override(owner.language):
        subject = _("Call back %(name)s (asked on the website)") % {"name": lead.full_name}
        parts = (lead.company, lead.phone, lead.email, lead.description)
        body = " · ".join(p for p in parts if p)
    # Logged as the owner's own task (nobody was logged in to give it to them).
    task = log_activity(
        actor=owner,
        kind=ActivityKind.TASK,
        subject=subject[:200],
        body=body,
        at=due,
        assignee=owner,
        owner=owner,
        team=lead.team,
    )
    lead.activities.add(task)
    lead.first_contact_due = due
    Lead.all_objects.filter(pk=lead.pk).update(first_contact_due=due)
    return lead


def handle_lead_form(data: dict[str, Any], context: SubmissionContext) -> Lead:
    """The ``lead`` kind of public form: create the lead (assigned by the rules), keep
    the consent wording the visitor saw, and plan the call back when asked for."""
    wants_call = bool(data.pop("wants_call", False))
    lead = create_lead(
        actor=None,
        source=LeadSource.WEB_FORM,
        wants_call=wants_call,
        consent_email=context.consent_given,
        consent_wording=context.consent_wording,
        **{key: value for key, value in data.items() if value not in (None, "")},
    )
    if wants_call:
        plan_first_contact(lead=lead, within_hours=context.form.call_within_hours)
    return lead


def _provinces() -> list[tuple[str, str]]:
    return regions.province_choices(translation.get_language() or "en")


LEAD_FORM = FormHandler(
    label=_lazy("Lead (web-to-lead)"),
    fields=[
        FormFieldSpec("family_name", _lazy("Family name"), always_required=True, max_length=100),
        FormFieldSpec("given_name", _lazy("Given name"), max_length=100),
        FormFieldSpec("company", _lazy("Company")),
        FormFieldSpec("title", _lazy("Job title"), max_length=100),
        FormFieldSpec("phone", _lazy("Phone"), widget=PHONE, max_length=32),
        FormFieldSpec("email", _lazy("Email"), widget=EMAIL, max_length=254),
        FormFieldSpec("province", _lazy("Province"), widget=CHOICE, choices=_provinces),
        FormFieldSpec("city", _lazy("City"), max_length=100),
        FormFieldSpec(
            "industry", _lazy("Industry"), widget=CHOICE, choices=lambda: Industry.choices
        ),
        FormFieldSpec(
            "size", _lazy("Company size"), widget=CHOICE, choices=lambda: CompanySize.choices
        ),
        FormFieldSpec("description", _lazy("Your message"), widget=TEXTAREA, max_length=5000),
        FormFieldSpec("wants_call", _lazy("Please call me"), widget=CHECKBOX),
    ],
    handle=handle_lead_form,
    default_fields=(
        "family_name",
        "given_name",
        "company",
        "phone",
        "email",
        "description",
        "wants_call",
    ),
)


def register() -> None:
    register_form_kind(LEAD_KIND, LEAD_FORM)


# --- overdue first contacts --------------------------------------------------------------


def overdue_first_contacts(now: datetime) -> QuerySet[Lead]:
    """Leads whose first contact was due and has not happened, not flagged yet."""
    return Lead.objects.filter(
        status=LeadStatus.NEW,
        first_contact_due__lt=now,
        first_contacted_at__isnull=True,
        overdue_notified_at__isnull=True,
    )


def managers_of(user: User) -> list[User]:
    """The managers of every live team the user belongs to (not the user themself)."""
    teams = TeamMembership.objects.filter(user=user, team__deleted_at__isnull=True).values(
        "team_id"
    )
    return list(
        User.objects.filter(
            memberships__team_id__in=teams, memberships__is_manager=True, is_active=True
        )
        .exclude(pk=user.pk)
        .distinct()
        .order_by("pk")
    )


def flag_overdue_first_contacts(*, now: datetime | None = None) -> int:
    """Notify the owner and their team managers of each overdue first contact, once
    (claimed with a conditional UPDATE, so two workers never both notify)."""
    now = now or timezone.now()
    flagged = 0
    for lead_id in list(overdue_first_contacts(now).values_list("pk", flat=True)):
        with transaction.atomic():
            claimed = Lead.objects.filter(pk=lead_id, overdue_notified_at__isnull=True).update(
                overdue_notified_at=now
            )
            if not claimed:
                continue
            _notify_overdue(Lead.objects.select_related("owner").get(pk=lead_id))
            flagged += 1
    return flagged


def _notify_overdue(lead: Lead) -> None:
    due = lead.first_contact_due
    when = timezone.localtime(due).strftime("%Y-%m-%d %H:%M") if due else ""

    def title() -> str:
        return _("Nobody has called %(name)s back yet") % {"name": lead}

    def body() -> str:
        return _("%(owner)s was to call by %(due)s; the visitor asked on the website.") % {
            "owner": lead.owner,
            "due": when,
        }

    notify(
        recipients=[lead.owner, *managers_of(lead.owner)],
        kind="lead.first_contact_overdue",
        title=title,
        body=body,
        url=lead.get_absolute_url(),
        obj=lead,
    )
