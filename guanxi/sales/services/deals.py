"""Deals: create, change, move through the stages of their pipeline, trash, and the
activities logged about them (which also land on their customers' timelines)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.access import is_permitted
from guanxi.core.choices import AuditEvent
from guanxi.core.models import Team, TrashItem, User
from guanxi.core.services.audit import diff, record_audit
from guanxi.core.services.search import index_record
from guanxi.core.services.tags import set_tags
from guanxi.core.services.trash import trash_record
from guanxi.customers.models import Account, Activity, Contact
from guanxi.customers.services.activities import log_activity
from guanxi.customers.services.common import (
    UNSET,
    Errors,
    first_team_of,
)
from guanxi.sales.choices import ForecastCategory, StageKind
from guanxi.sales.models import Deal, Pipeline, Stage
from guanxi.sales.services.deals_fields import (
    DEAL_FIELDS,
    apply_fields,
    clean_lost,
    deal_snapshot,
    default_pipeline,
    first_open_stage,
    record_stage_change,
)


@transaction.atomic
def create_deal(
    *,
    actor: User,
    name: str,
    account: Account | None,
    contact: Contact | None = None,
    pipeline: Pipeline | None = None,
    stage: Stage | None = None,
    amount: Any = 0,
    currency: str = "CNY",
    probability: int | None = None,
    expected_close: date | str | None = None,
    forecast_category: str = ForecastCategory.PIPELINE,
    next_step: str = "",
    competitors: str = "",
    description: str = "",
    lost_reason: str = "",
    lost_note: str = "",
    owner: User | None = None,
    team: Team | None = UNSET,
    tags: list[str] | None = None,
    custom_fields: dict[str, Any] | None = None,
) -> Deal:
    """Open a deal on an account the actor may see. The pipeline defaults to the default
    one, the stage to its first open stage, the probability to the stage's; the owner to
    the actor (someone else needs ``assign``), the team to the owner's first team."""
    errors = Errors()
    owner = owner or actor
    pipeline = pipeline or default_pipeline()
    if pipeline is None:
        errors.add("pipeline", _("There is no active pipeline."))
        errors.raise_if_any()
    assert pipeline is not None
    if not pipeline.is_active:
        errors.add("pipeline", _("This pipeline is retired."))
    if stage is None:
        stage = first_open_stage(pipeline)
        if stage is None:
            errors.add("stage", _("This pipeline has no open stage."))
            errors.raise_if_any()
    assert stage is not None
    if stage.pipeline_id != pipeline.pk:
        errors.add("stage", _("This stage belongs to another pipeline."))
    deal = Deal(owner=owner, pipeline=pipeline, stage=stage, custom_fields={})
    fields: dict[str, Any] = {
        "name": name,
        "account": account,
        "contact": contact,
        "amount": amount,
        "currency": currency,
        "probability": stage.probability if probability is None else probability,
        "expected_close": expected_close,
        "forecast_category": forecast_category,
        "next_step": next_step,
        "competitors": competitors,
        "description": description,
        "owner": owner,
        "team": first_team_of(owner) if team is UNSET else team,
        "tags": tags or [],
        "custom_fields": custom_fields or {},
    }
    chosen_tags = apply_fields(
        deal,
        errors,
        actor=actor,
        fields=fields,
        owner_changed=True,
        team_changed=team is not UNSET,
        partial=False,
    )
    deal.lost_reason, deal.lost_note = clean_lost(errors, stage, lost_reason, lost_note)
    errors.raise_if_any()
    now = timezone.now()
    deal.stage_entered_at = now
    deal.closed_at = now if stage.kind != StageKind.OPEN else None
    deal.save()
    record_stage_change(deal, actor=actor, from_stage=None, to_stage=stage, when=now)
    changes = diff({}, deal_snapshot(deal))
    changes.update(set_tags(deal, chosen_tags or []))
    record_audit(actor=actor, event=AuditEvent.CREATE, obj=deal, changes=changes)
    index_record(deal)
    return deal


@transaction.atomic
def update_deal(*, actor: User, deal: Deal, **fields: Any) -> Deal:
    """Change a deal's fields (``tags`` replaces the list; ``custom_fields`` changes only
    the keys given). The stage changes with ``move_deal``; giving the deal to another
    owner needs ``assign``, and without a team given the team follows the new owner."""
    unknown = set(fields) - set(DEAL_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    errors = Errors()
    if "account" in fields and fields["account"] is None:
        errors.add("account", _("This field is required."))
    if "owner" in fields and fields["owner"] is None:
        errors.add("owner", _("This field is required."))
    errors.raise_if_any()
    before = deal_snapshot(deal)
    owner_changed = "owner" in fields and fields["owner"].pk != deal.owner_id
    if owner_changed and "team" not in fields:
        fields["team"] = first_team_of(fields["owner"])
    team_changed = "team" in fields and getattr(fields["team"], "pk", None) != deal.team_id
    if "account" in fields and fields["account"].pk == deal.account_id:
        fields.pop("account")  # unchanged: no need to check it again
    elif "account" in fields and "contact" not in fields and deal.contact_id:
        fields["contact"] = deal.contact  # checked against the new account
    chosen_tags = apply_fields(
        deal,
        errors,
        actor=actor,
        fields=fields,
        owner_changed=owner_changed,
        team_changed=team_changed,
        partial=True,
    )
    if errors.messages:
        deal.refresh_from_db()
        errors.raise_if_any()
    deal.save()
    changes = diff(before, deal_snapshot(deal))
    if chosen_tags is not None:
        changes.update(set_tags(deal, chosen_tags))
    if changes:
        record_audit(actor=actor, event=AuditEvent.CHANGE, obj=deal, changes=changes)
    index_record(deal)
    return deal


@transaction.atomic
def move_deal(
    *,
    actor: User,
    deal: Deal,
    stage: Stage,
    lost_reason: str | None = None,
    lost_note: str = "",
) -> Deal:
    """Move a deal to another stage of its pipeline: records the stage change with the
    time spent in the previous stage, resets the probability to the new stage's, and
    closes the deal on a won or lost stage (a lost stage needs a reason)."""
    errors = Errors()
    # Lock the row: two people dragging the same card must not both record a change
    # from the same stage.
    locked = Deal.all_objects.select_for_update().get(pk=deal.pk)
    if stage.pipeline_id != locked.pipeline_id:
        errors.add("stage", _("This stage belongs to another pipeline."))
    reason, note = clean_lost(errors, stage, lost_reason, lost_note)
    errors.raise_if_any()
    if stage.pk == locked.stage_id:
        return deal
    before = deal_snapshot(locked)
    now = timezone.now()
    previous = locked.stage
    record_stage_change(locked, actor=actor, from_stage=previous, to_stage=stage, when=now)
    for target in (locked, deal):
        target.stage = stage
        target.stage_entered_at = now
        target.probability = stage.probability
        target.closed_at = now if stage.kind != StageKind.OPEN else None
        target.lost_reason = reason
        target.lost_note = note
    locked.save(
        update_fields=[
            "stage",
            "stage_entered_at",
            "probability",
            "closed_at",
            "lost_reason",
            "lost_note",
            "updated_at",
        ]
    )
    deal.updated_at = locked.updated_at
    record_audit(
        actor=actor, event=AuditEvent.CHANGE, obj=deal, changes=diff(before, deal_snapshot(deal))
    )
    index_record(deal)
    return deal


def delete_deal(*, actor: User, deal: Deal) -> TrashItem:
    """Move a deal to the trash; its account, contact and activities are unchanged."""
    return trash_record(actor=actor, obj=deal)


@transaction.atomic
def log_deal_activity(*, actor: User, deal: Deal, **fields: Any) -> Activity:
    """Log a call, meeting, note, email or task about a deal. The activity is linked to
    the deal and to its account and contact, so it is on the customer's timeline too —
    even when the actor works the deal but does not own the customer (the link is then
    added after the activity's own checks, and audited on it)."""
    for name in ("accounts", "contacts"):
        if name in fields:
            raise ValidationError({name: _("This field cannot be changed here.")})
    customers: list[Account | Contact] = []
    if not deal.account.is_trashed:
        customers.append(deal.account)
    contact = deal.contact if deal.contact_id else None
    if contact is not None and not contact.is_trashed:
        customers.append(contact)
    seen = [c for c in customers if is_permitted(actor, c, "view")]
    activity = log_activity(
        actor=actor,
        accounts=[c for c in seen if isinstance(c, Account)],
        contacts=[c for c in seen if isinstance(c, Contact)],
        **fields,
    )
    hidden = [c for c in customers if c not in seen]
    if hidden:
        before = {"accounts": [str(a) for a in activity.accounts.all()]}
        before["contacts"] = [str(c) for c in activity.contacts.all()]
        activity.accounts.add(*[c for c in hidden if isinstance(c, Account)])
        activity.contacts.add(*[c for c in hidden if isinstance(c, Contact)])
        after = {
            "accounts": sorted(str(a) for a in activity.accounts.all()),
            "contacts": sorted(str(c) for c in activity.contacts.all()),
        }
        record_audit(
            actor=actor,
            event=AuditEvent.CHANGE,
            obj=activity,
            changes=diff({k: sorted(v) for k, v in before.items()}, after),
        )
    deal.activities.add(activity)
    record_audit(
        actor=actor,
        event=AuditEvent.CHANGE,
        obj=deal,
        changes={"activities": [None, activity.pk]},
    )
    return activity
