"""Converting a qualified lead into an account, a contact and a deal, in one step.

Everything happens in one transaction: the account and the contact are created (or
existing ones are linked instead, so no duplicate customer is made), the contact gets
the lead's phone, email, region, consent and tags, a deal opens in the first stage of
the default pipeline, the lead's activities are linked to all three (nothing of the
history is lost), and the lead is marked converted with links to what was made.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.access import can
from guanxi.core.choices import AuditEvent
from guanxi.core.models import User
from guanxi.core.services.audit import diff, record_audit, snapshot
from guanxi.core.services.search import index_record
from guanxi.core.services.tags import tag_names
from guanxi.customers.choices import Channel, ConsentSource, ConsentStatus
from guanxi.customers.models import Account, AccountContact, Contact
from guanxi.customers.services.accounts import create_account
from guanxi.customers.services.contacts import (
    create_contact,
    link_contact_to_account,
    record_consent,
    update_contact,
)
from guanxi.sales.choices import LeadSource, LeadStatus, StageKind
from guanxi.sales.models import Deal, DealStageChange, Lead, Pipeline, Stage
from guanxi.sales.services.leads import lead_snapshot

DEAL_FIELDS = (
    "name",
    "account_id",
    "contact_id",
    "pipeline_id",
    "stage_id",
    "amount",
    "currency",
    "probability",
    "source_lead_id",
    "owner_id",
    "team_id",
)


@dataclass(frozen=True)
class Conversion:
    lead: Lead
    account: Account | None
    contact: Contact
    deal: Deal | None
    account_created: bool
    contact_created: bool


def check_may_convert(actor: User, *, new_account: bool, new_contact: bool, new_deal: bool) -> None:
    """The actor must be allowed to add what the conversion creates."""
    needed = [
        ("customers.account", new_account),
        ("customers.contact", new_contact),
        ("sales.deal", new_deal),
    ]
    if not can(actor, "sales.lead", "change") or any(
        wanted and not can(actor, key, "add") for key, wanted in needed
    ):
        raise PermissionDenied


def first_stage() -> tuple[Pipeline, Stage]:
    pipeline = Pipeline.objects.filter(is_default=True, is_active=True).first()
    stage = (
        Stage.objects.filter(pipeline=pipeline, kind=StageKind.OPEN)
        .order_by("position", "pk")
        .first()
        if pipeline is not None
        else None
    )
    if pipeline is None or stage is None:
        raise ValidationError(
            {"create_deal": _("There is no default pipeline with an open stage.")}
        )
    return pipeline, stage


def _amount(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else 0))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({"amount": _("Enter an amount.")}) from exc
    if amount < 0 or amount >= Decimal("1e12"):
        raise ValidationError({"amount": _("Enter an amount between 0 and 999,999,999,999.")})
    return amount.quantize(Decimal("0.01"))


def _contact_points(lead: Lead) -> dict[str, Any]:
    points: dict[str, Any] = {"phones": [], "emails": [], "addresses": []}
    if lead.phone:
        points["phones"] = [{"kind": "mobile", "value": lead.phone}]
    if lead.email:
        points["emails"] = [{"kind": "work", "value": lead.email}]
    if lead.province or lead.city:
        points["addresses"] = [
            {
                "kind": "office",
                "country": lead.country,
                "province": lead.province,
                "city": lead.city,
            }
        ]
    return points


def _complete_contact(actor: User, contact: Contact, lead: Lead) -> None:
    """An existing contact gets the lead's phone and email when they lack them."""
    phones = [
        {"kind": p.kind, "value": p.value, "is_primary": p.is_primary} for p in contact.phones.all()
    ]
    emails = [
        {"kind": e.kind, "value": e.value, "is_primary": e.is_primary} for e in contact.emails.all()
    ]
    changes: dict[str, Any] = {}
    if lead.phone and lead.phone not in {p["value"] for p in phones}:
        changes["phones"] = [*phones, {"kind": "mobile", "value": lead.phone}]
    if lead.email and lead.email not in {e["value"] for e in emails}:
        changes["emails"] = [*emails, {"kind": "work", "value": lead.email}]
    if changes:
        update_contact(actor=actor, contact=contact, **changes)


@transaction.atomic
def convert_lead(
    *,
    actor: User,
    lead: Lead,
    account: Account | None = None,
    contact: Contact | None = None,
    create_deal: bool = True,
    deal_name: str = "",
    amount: Any = 0,
) -> Conversion:
    """Turn the lead into a customer: ``account`` / ``contact`` link existing records
    (the caller has checked the actor may change them), None creates them from the lead.
    A company-less lead without an account gets no account, and then no deal."""
    locked = Lead.objects.select_for_update().filter(pk=lead.pk).first()
    if locked is None or locked.status == LeadStatus.CONVERTED:
        raise ValidationError({"status": _("This lead is already converted.")})
    if locked.status == LeadStatus.DISQUALIFIED:
        raise ValidationError({"status": _("Qualify the lead again before converting it.")})
    new_account = account is None and bool(lead.company)
    check_may_convert(
        actor, new_account=new_account, new_contact=contact is None, new_deal=create_deal
    )
    deal_name = str(deal_name or "").strip()
    if len(deal_name) > 200:
        raise ValidationError(
            {
                "deal_name": _("Use at most %(max)s characters (it has %(n)s).")
                % {"max": 200, "n": len(deal_name)}
            }
        )
    money = _amount(amount)
    if create_deal and account is None and not lead.company:
        raise ValidationError(
            {"account": _("A deal needs an account: give the lead's company or choose an account.")}
        )
    pipeline_stage = first_stage() if create_deal else None
    tags = tag_names(lead)
    owner = lead.owner

    if new_account:
        account = create_account(
            actor=actor,
            name=lead.company,
            owner=owner,
            team=lead.team,
            industry=lead.industry,
            size=lead.size,
            country=lead.country,
            province=lead.province,
            city=lead.city,
            tags=tags,
        )
    contact_created = contact is None
    if contact is None:
        contact = create_contact(
            actor=actor,
            family_name=lead.family_name,
            given_name=lead.given_name,
            title=lead.title,
            owner=owner,
            team=lead.team,
            description=lead.description,
            accounts=[{"account": account, "role": lead.title, "is_primary": new_account}]
            if account
            else [],
            tags=tags,
            **_contact_points(lead),
        )
    else:
        _complete_contact(actor, contact, lead)
        if (
            account is not None
            and not AccountContact.objects.filter(account=account, contact=contact).exists()
        ):
            link_contact_to_account(actor=actor, contact=contact, account=account, role=lead.title)
    if lead.consent_email and lead.consent_wording:
        record_consent(
            actor=actor,
            contact=contact,
            channel=Channel.EMAIL,
            status=ConsentStatus.GRANTED,
            source=ConsentSource.FORM
            if lead.source == LeadSource.WEB_FORM
            else ConsentSource.MANUAL,
            wording=lead.consent_wording,
            recorded_at=lead.created_at,
        )

    deal = None
    if pipeline_stage is not None and account is not None:
        pipeline, stage = pipeline_stage
        now = timezone.now()
        deal = Deal.objects.create(
            name=deal_name or account.name,
            account=account,
            contact=contact,
            pipeline=pipeline,
            stage=stage,
            stage_entered_at=now,
            amount=money,
            probability=stage.probability,
            source_lead=lead,
            owner=owner,
            team=lead.team,
            description=lead.description,
        )
        DealStageChange.objects.create(
            deal=deal, from_stage=None, to_stage=stage, changed_by=actor, changed_at=now
        )
        record_audit(
            actor=actor,
            event=AuditEvent.CREATE,
            obj=deal,
            changes=diff({}, snapshot(deal, DEAL_FIELDS)),
        )
        index_record(deal)

    # The history moves along: every activity on the lead now shows on the customer.
    activities = list(lead.activities.all())
    for activity in activities:
        if account is not None:
            activity.accounts.add(account)
        activity.contacts.add(contact)
    if deal is not None and activities:
        deal.activities.add(*activities)

    before = lead_snapshot(lead)
    lead.status = LeadStatus.CONVERTED
    lead.converted_at = timezone.now()
    lead.converted_account = account
    lead.converted_contact = contact
    lead.converted_deal = deal
    lead.save()
    changes = diff(before, lead_snapshot(lead))
    changes["activities_moved"] = [0, len(activities)]
    record_audit(actor=actor, event=AuditEvent.CHANGE, obj=lead, changes=changes)
    index_record(lead)
    return Conversion(
        lead=lead,
        account=account,
        contact=contact,
        deal=deal,
        account_created=new_account,
        contact_created=contact_created,
    )
