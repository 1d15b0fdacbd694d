"""Leads: create (assigned by the rules unless an owner is chosen), change, qualify,
disqualify with a reason, move to the trash, and log follow-ups on them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.choices import AuditEvent
from guanxi.core.models import Tag, Team, TrashItem, User
from guanxi.core.services.audit import diff, record_audit, snapshot
from guanxi.core.services.search import index_record
from guanxi.core.services.tags import set_tags
from guanxi.core.services.trash import trash_record
from guanxi.customers.choices import ActivityKind, CompanySize, Industry
from guanxi.customers.models import Activity
from guanxi.customers.services.activities import log_activity
from guanxi.customers.services.common import (
    UNSET,
    Errors,
    check_owner_and_team,
    clean_choice,
    clean_custom_fields,
    clean_region,
    clean_tags,
    clean_text,
    custom_fields_snapshot,
    first_team_of,
)
from guanxi.customers.services.contacts import display_name
from guanxi.lib import names, phones
from guanxi.sales.choices import DisqualifyReason, LeadSource, LeadStatus
from guanxi.sales.models import Lead
from guanxi.sales.object_types import LEAD
from guanxi.sales.services.assignment import choose_owner
from guanxi.sales.services.scoring import score_lead

LEAD_FIELDS = (
    "source",
    "company",
    "family_name",
    "given_name",
    "title",
    "email",
    "phone",
    "country",
    "province",
    "city",
    "industry",
    "size",
    "description",
    "wants_call",
    "consent_email",
    "consent_wording",
    "owner",
    "team",
    "tags",
    "custom_fields",
)
SNAPSHOT_FIELDS = (
    "status",
    "source",
    "company",
    "family_name",
    "given_name",
    "title",
    "email",
    "phone",
    "country",
    "province",
    "city",
    "industry",
    "size",
    "description",
    "wants_call",
    "consent_email",
    "consent_wording",
    "owner_id",
    "team_id",
    "assignment_reason",
    "disqualify_reason",
    "disqualify_note",
    "first_contact_due",
    "first_contacted_at",
    "converted_at",
    "converted_account_id",
    "converted_contact_id",
    "converted_deal_id",
)
# A call or an email reaching a new lead is the first contact.
CONTACT_KINDS = {ActivityKind.CALL, ActivityKind.EMAIL}
OPEN_STATUSES = (LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.QUALIFIED)


def lead_snapshot(lead: Lead) -> dict[str, Any]:
    return {**snapshot(lead, SNAPSHOT_FIELDS), **custom_fields_snapshot(lead.custom_fields)}


def clean_email(errors: Errors, field: str, value: Any) -> str:
    email = str(value or "").strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.add(field, _("%(value)s is not a valid email address.") % {"value": email})
        if len(email) > 254:
            errors.add(
                field,
                _("Use at most %(max)s characters (it has %(n)s).") % {"max": 254, "n": len(email)},
            )
    return email


def clean_phone(errors: Errors, field: str, value: Any) -> str:
    raw = str(value or "").strip()
    if not raw:
        return ""
    try:
        return phones.normalize_phone(raw, region=settings.PHONE_DEFAULT_REGION)
    except ValueError:
        errors.add(field, _("%(value)s is not a valid phone number.") % {"value": raw})
        return raw[:32]


def _apply(
    errors: Errors, lead: Lead, *, actor: User | None, fields: Mapping[str, Any], partial: bool
) -> list[Tag] | None:
    """Validate and set ``fields`` (owner and team aside) on ``lead``; returns the tags
    (None when not given). Errors are collected, not raised."""
    if "family_name" in fields:
        lead.family_name = clean_text(
            errors, "family_name", fields["family_name"], max_length=100, required=True
        )
    for name, limit in (("given_name", 100), ("company", 200), ("title", 100)):
        if name in fields:
            setattr(lead, name, clean_text(errors, name, fields[name], max_length=limit))
    if "source" in fields:
        lead.source = clean_choice(errors, "source", fields["source"], LeadSource) or (
            LeadSource.MANUAL
        )
    if "email" in fields:
        lead.email = clean_email(errors, "email", fields["email"])
    if "phone" in fields:
        lead.phone = clean_phone(errors, "phone", fields["phone"])
    if {"country", "province", "city"} & set(fields):
        lead.country, lead.province, lead.city = clean_region(
            errors,
            "",
            fields.get("country", lead.country),
            fields.get("province", lead.province),
            fields.get("city", lead.city),
        )
    if "industry" in fields:
        lead.industry = clean_choice(errors, "industry", fields["industry"], Industry)
    if "size" in fields:
        lead.size = clean_choice(errors, "size", fields["size"], CompanySize)
    if "description" in fields:
        lead.description = clean_text(errors, "description", fields["description"], max_length=5000)
    if "wants_call" in fields:
        lead.wants_call = bool(fields["wants_call"])
    if "consent_email" in fields:
        lead.consent_email = bool(fields["consent_email"])
    if "consent_wording" in fields:
        lead.consent_wording = clean_text(
            errors, "consent_wording", fields["consent_wording"], max_length=2000
        )
    if lead.consent_email and not lead.consent_wording:
        errors.add("consent_wording", _("Record the exact wording the person agreed to."))
    tags = None
    if actor is not None:
        tags = clean_tags(errors, actor=actor, names=fields.get("tags"))
    if fields.get("custom_fields") is not None or not partial:
        values = clean_custom_fields(
            errors,
            LEAD,
            fields.get("custom_fields"),
            existing=lead.custom_fields,
            partial=partial,
        )
        if values is not None:
            lead.custom_fields = values
    lead.full_name = display_name(lead.family_name, lead.given_name)
    spoken = (
        lead.full_name
        if names.has_cjk(lead.full_name)
        else f"{lead.family_name} {lead.given_name}".strip()
    )
    lead.name_pinyin = names.pinyin_of(spoken)[:400]
    return tags


@transaction.atomic
def create_lead(
    *,
    actor: User | None,
    family_name: str,
    owner: User | None = None,
    team: Team | None = UNSET,
    source: str = LeadSource.MANUAL,
    tags: list[str] | None = None,
    custom_fields: dict[str, Any] | None = None,
    **fields: Any,
) -> Lead:
    """Create a lead. Without an owner, the assignment rules choose one (falling back to
    the creator, or for a visitor's web form to the first administrator) and the reason
    is kept on the lead; choosing someone else as owner needs ``assign``. ``actor`` is
    None for leads nobody logged in made (a public web form)."""
    unknown = set(fields) - set(LEAD_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in unknown})
    lead = Lead(custom_fields={}, status=LeadStatus.NEW)
    errors = Errors()
    values = {
        **fields,
        "family_name": family_name,
        "source": source,
        "tags": tags or [],
        "custom_fields": custom_fields or {},
    }
    chosen_tags = _apply(errors, lead, actor=actor, fields=values, partial=False)
    if owner is not None:
        lead.owner = owner
        lead.team = first_team_of(owner) if team is UNSET else team
        if actor is not None:
            check_owner_and_team(
                errors,
                actor=actor,
                object_type=LEAD,
                owner=owner,
                team=lead.team,
                owner_changed=True,
                team_changed=team is not UNSET,
            )
        lead.assignment_reason = (
            _("Chosen by %(actor)s") % {"actor": actor} if actor is not None else ""
        )[:300]
    errors.raise_if_any()
    if owner is None:
        assignment = choose_owner(lead=lead, creator=actor)
        lead.owner, lead.team = assignment.owner, assignment.team
        if team is not UNSET:
            lead.team = team
        lead.assignment_reason = assignment.reason[:300]
    lead.save()
    changes = diff({}, lead_snapshot(lead))
    changes.update(set_tags(lead, chosen_tags or []))
    score_lead(lead)
    record_audit(actor=actor, event=AuditEvent.CREATE, obj=lead, changes=changes)
    index_record(lead)
    return lead


@transaction.atomic
def update_lead(*, actor: User, lead: Lead, **fields: Any) -> Lead:
    """Change a lead's fields (``tags`` replace the list, ``custom_fields`` only the keys
    given). A new owner needs ``assign``; the team then follows the new owner."""
    unknown = set(fields) - set(LEAD_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    before = lead_snapshot(lead)
    errors = Errors()
    owner_changed = (
        "owner" in fields and fields["owner"] is not None and (fields["owner"].pk != lead.owner_id)
    )
    if "owner" in fields and fields["owner"] is None:
        errors.add("owner", _("Choose an owner."))
        fields.pop("owner")
    if owner_changed and "team" not in fields:
        fields["team"] = first_team_of(fields["owner"])
    team_changed = "team" in fields and getattr(fields["team"], "pk", None) != lead.team_id
    chosen_tags = _apply(errors, lead, actor=actor, fields=fields, partial=True)
    if "owner" in fields:
        lead.owner = fields["owner"]
    if "team" in fields:
        lead.team = fields["team"]
    check_owner_and_team(
        errors,
        actor=actor,
        object_type=LEAD,
        owner=lead.owner,
        team=lead.team,
        owner_changed=owner_changed,
        team_changed=team_changed,
    )
    errors.raise_if_any()
    if owner_changed:
        lead.assignment_reason = (
            _("Given to %(owner)s by %(actor)s")
            % {
                "owner": lead.owner,
                "actor": actor,
            }
        )[:300]
    lead.save()
    score_lead(lead)
    changes = diff(before, lead_snapshot(lead))
    if chosen_tags is not None:
        changes.update(set_tags(lead, chosen_tags))
    if changes:
        record_audit(actor=actor, event=AuditEvent.CHANGE, obj=lead, changes=changes)
    index_record(lead)
    return lead


def _set_status(actor: User, lead: Lead, **values: Any) -> Lead:
    before = lead_snapshot(lead)
    for name, value in values.items():
        setattr(lead, name, value)
    lead.save()
    record_audit(
        actor=actor, event=AuditEvent.CHANGE, obj=lead, changes=diff(before, lead_snapshot(lead))
    )
    return lead


@transaction.atomic
def qualify_lead(*, actor: User, lead: Lead) -> Lead:
    """A new or contacted lead is worth a deal: ready to convert."""
    if lead.status not in (LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.DISQUALIFIED):
        raise ValidationError(
            {"status": _("Only new, contacted or disqualified leads can be qualified.")}
        )
    return _set_status(
        actor, lead, status=LeadStatus.QUALIFIED, disqualify_reason="", disqualify_note=""
    )


@transaction.atomic
def disqualify_lead(*, actor: User, lead: Lead, reason: str, note: str = "") -> Lead:
    """Close a lead that will not buy, saying why (for the lead quality report)."""
    errors = Errors()
    if lead.status == LeadStatus.CONVERTED:
        errors.add("status", _("A converted lead cannot be disqualified."))
    if not reason:
        errors.add("reason", _("Say why the lead is disqualified."))
    else:
        clean_choice(errors, "reason", reason, DisqualifyReason)
    note = clean_text(errors, "note", note, max_length=300)
    errors.raise_if_any()
    return _set_status(
        actor, lead, status=LeadStatus.DISQUALIFIED, disqualify_reason=reason, disqualify_note=note
    )


def delete_lead(*, actor: User, lead: Lead) -> TrashItem:
    """Move a lead to the trash; its activities stay where they are."""
    return trash_record(actor=actor, obj=lead)


@transaction.atomic
def log_lead_activity(
    *,
    actor: User,
    lead: Lead,
    kind: str,
    subject: str,
    body: str = "",
    at: datetime | None = None,
    direction: str = "",
    assignee: User | None = None,
) -> Activity:
    """Log a follow-up on a lead (a ``customers.Activity`` linked through
    ``Lead.activities``). A call or email to a new lead marks it contacted; the first
    one sets ``first_contacted_at``. The score counts the activities again."""
    activity = log_activity(
        actor=actor,
        kind=kind,
        subject=subject,
        body=body,
        at=at,
        direction=direction,
        assignee=assignee,
    )
    lead.activities.add(activity)
    if kind in CONTACT_KINDS:
        mark_contacted(actor=actor, lead=lead, when=activity.at)
    score_lead(lead)
    return activity


def mark_contacted(*, actor: User | None, lead: Lead, when: datetime | None = None) -> Lead:
    """The first contact happened: a new lead becomes contacted (audited)."""
    values: dict[str, Any] = {}
    if lead.first_contacted_at is None:
        values["first_contacted_at"] = min(when or timezone.now(), timezone.now())
    if lead.status == LeadStatus.NEW:
        values["status"] = LeadStatus.CONTACTED
    if not values:
        return lead
    before = lead_snapshot(lead)
    for name, value in values.items():
        setattr(lead, name, value)
    Lead.all_objects.filter(pk=lead.pk).update(**values)
    record_audit(
        actor=actor, event=AuditEvent.CHANGE, obj=lead, changes=diff(before, lead_snapshot(lead))
    )
    return lead
