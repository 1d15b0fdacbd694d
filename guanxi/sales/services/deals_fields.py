"""Checking and applying a deal's fields, shared by the deal services."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _

from guanxi.core.access import is_permitted
from guanxi.core.models import Tag, User
from guanxi.customers.models import Account, AccountContact, Contact
from guanxi.customers.services.common import (
    Errors,
    check_owner_and_team,
    clean_choice,
    clean_custom_fields,
    clean_tags,
    clean_text,
    custom_fields_snapshot,
)
from guanxi.sales.choices import ForecastCategory, LostReason, StageKind
from guanxi.sales.models import Deal, DealStageChange, Pipeline, Stage
from guanxi.sales.object_types import DEAL
from guanxi.sales.services.money import clean_currency, clean_money

# The fields ``update_deal`` accepts; the stage changes only through ``move_deal``.
DEAL_FIELDS = (
    "name",
    "account",
    "contact",
    "amount",
    "currency",
    "probability",
    "expected_close",
    "forecast_category",
    "next_step",
    "competitors",
    "description",
    "owner",
    "team",
    "tags",
    "custom_fields",
)


def deal_snapshot(deal: Deal) -> dict[str, Any]:
    """What the audit log records of a deal."""
    return {
        "name": deal.name,
        "account": deal.account_id,
        "contact": deal.contact_id,
        "pipeline": deal.pipeline_id,
        "stage": deal.stage_id,
        "amount": str(deal.amount),
        "currency": deal.currency,
        "probability": deal.probability,
        "expected_close": deal.expected_close.isoformat() if deal.expected_close else None,
        "forecast_category": deal.forecast_category,
        "next_step": deal.next_step,
        "competitors": deal.competitors,
        "lost_reason": deal.lost_reason,
        "lost_note": deal.lost_note,
        "closed_at": deal.closed_at.isoformat() if deal.closed_at else None,
        "description": deal.description,
        "owner": deal.owner_id,
        "team": deal.team_id,
        **custom_fields_snapshot(deal.custom_fields),
    }


def _clean_probability(errors: Errors, value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors.add("probability", _("Enter a whole number from 0 to 100."))
        return 0
    if not 0 <= number <= 100:
        errors.add("probability", _("Enter a whole number from 0 to 100."))
    return number


def _clean_date(errors: Errors, field: str, value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors.add(field, _("Enter a date as YYYY-MM-DD."))
        return None


def _check_account(errors: Errors, actor: User, account: Account | None) -> None:
    if account is None:
        errors.add("account", _("This field is required."))
    elif account.is_trashed or not is_permitted(actor, account, "view"):
        errors.add("account", _("No such account."))


def _check_contact(errors: Errors, account: Account | None, contact: Contact | None) -> None:
    """A deal's contact must currently work at the deal's account."""
    if contact is None or account is None:
        return
    works_there = AccountContact.objects.filter(
        account=account, contact=contact, is_current=True
    ).exists()
    if contact.is_trashed or not works_there:
        errors.add("contact", _("This person does not work at the deal's account."))


def clean_lost(errors: Errors, stage: Stage, lost_reason: Any, lost_note: Any) -> tuple[str, str]:
    """A lost stage needs a reason; other stages clear it."""
    if stage.kind != StageKind.LOST:
        return "", ""
    reason = clean_choice(errors, "lost_reason", lost_reason, LostReason)
    if not reason and "lost_reason" not in errors:
        errors.add("lost_reason", _("Say why the deal was lost."))
    note = clean_text(errors, "lost_note", lost_note, max_length=300)
    return reason, note


def default_pipeline() -> Pipeline | None:
    """The pipeline new deals go to when none is named."""
    return (
        Pipeline.objects.filter(is_default=True, is_active=True).first()
        or Pipeline.objects.filter(is_active=True).first()
    )


def first_open_stage(pipeline: Pipeline) -> Stage | None:
    return pipeline.stages.filter(kind=StageKind.OPEN).order_by("position", "pk").first()


def apply_fields(
    deal: Deal,
    errors: Errors,
    *,
    actor: User,
    fields: dict[str, Any],
    owner_changed: bool,
    team_changed: bool,
    partial: bool,
) -> list[Tag] | None:
    """Validate and set ``fields`` on the (unsaved) deal; returns the tags when given."""
    if "name" in fields:
        deal.name = clean_text(errors, "name", fields["name"], max_length=200, required=True)
    if "account" in fields:
        _check_account(errors, actor, fields["account"])
        if fields["account"] is not None:
            deal.account = fields["account"]
    if "contact" in fields or "account" in fields:
        contact = fields.get("contact", deal.contact if deal.contact_id else None)
        account = fields.get("account") or (deal.account if deal.account_id else None)
        if "contact" in fields and contact is not None and not is_permitted(actor, contact, "view"):
            errors.add("contact", _("No such contact."))
        else:
            _check_contact(errors, account, contact)
        deal.contact = contact
    if "amount" in fields:
        deal.amount = clean_money(errors, "amount", fields["amount"])
    if "currency" in fields:
        deal.currency = clean_currency(errors, fields["currency"])
    if "probability" in fields and fields["probability"] is not None:
        deal.probability = _clean_probability(errors, fields["probability"])
    if "expected_close" in fields:
        deal.expected_close = _clean_date(errors, "expected_close", fields["expected_close"])
    if "forecast_category" in fields:
        deal.forecast_category = (
            clean_choice(errors, "forecast_category", fields["forecast_category"], ForecastCategory)
            or ForecastCategory.PIPELINE
        )
    for name, limit in (("next_step", 200), ("competitors", 300)):
        if name in fields:
            setattr(deal, name, clean_text(errors, name, fields[name], max_length=limit))
    if "description" in fields:
        deal.description = clean_text(
            errors, "description", fields["description"], max_length=20000
        )
    if "owner" in fields:
        deal.owner = fields["owner"]
    if "team" in fields:
        deal.team = fields["team"]
    check_owner_and_team(
        errors,
        actor=actor,
        object_type=DEAL,
        owner=deal.owner,
        team=deal.team,
        owner_changed=owner_changed,
        team_changed=team_changed,
    )
    tags = clean_tags(errors, actor=actor, names=fields.get("tags"))
    if fields.get("custom_fields") is not None or not partial:
        values = clean_custom_fields(
            errors, DEAL, fields.get("custom_fields"), existing=deal.custom_fields, partial=partial
        )
        if values is not None:
            deal.custom_fields = values
    return tags


def record_stage_change(
    deal: Deal, *, actor: User, from_stage: Stage | None, to_stage: Stage, when: datetime
) -> DealStageChange:
    seconds = 0
    if from_stage is not None:
        seconds = max(0, int((when - deal.stage_entered_at).total_seconds()))
    return DealStageChange.objects.create(
        deal=deal,
        from_stage=from_stage,
        to_stage=to_stage,
        changed_by=actor if getattr(actor, "pk", None) else None,
        changed_at=when,
        seconds_in_previous=seconds,
    )
