"""Who gets a new lead: ordered assignment rules, round robin within a team, a fallback.

Rules are tried by position; the first active one whose condition holds (a field equals
a value, or always when the field is empty) and that can name an active user decides.
Round robin claims the rule's turn with ``select_for_update``, so two leads arriving at
the same moment never both go to the same rep by mistake.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import translation
from django.utils.translation import gettext as _

from guanxi.core.choices import AuditEvent
from guanxi.core.models import Team, User
from guanxi.core.services.audit import (
    delete_audited,
    record_audit,
    save_audited,
    snapshot,
)
from guanxi.customers.services.common import Errors, clean_text, first_team_of
from guanxi.sales.choices import AssignmentMethod
from guanxi.sales.lead_fields import RULE_FIELDS, lead_value, matches
from guanxi.sales.models import AssignmentRule

RULE_SNAPSHOT = ("position", "name", "field", "value", "method", "user_id", "team_id", "is_active")


@dataclass(frozen=True)
class Assignment:
    owner: User
    team: Team | None
    reason: str
    rule: AssignmentRule | None = None


def _condition_text(rule: AssignmentRule) -> str:
    if not rule.field:
        return _("always")
    return f"{rule.field} = {rule.value}"


def _next_in_turn(rule: AssignmentRule) -> User | None:
    """The active member after the one who had the last lead (by id, wrapping round);
    the rule row is locked until the transaction ends, so the turn is taken once."""
    locked = AssignmentRule.objects.select_for_update().get(pk=rule.pk)
    if locked.team_id is None or locked.team is None or locked.team.is_trashed:
        return None
    members = list(
        User.objects.filter(is_active=True, memberships__team_id=locked.team_id)
        .order_by("pk")
        .distinct()
    )
    if not members:
        return None
    last = locked.last_assigned_id
    chosen = next((m for m in members if last is not None and m.pk > last), members[0])
    locked.last_assigned = chosen
    locked.save(update_fields=["last_assigned"])
    return chosen


def first_administrator() -> User | None:
    return (
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(roles__code="administrator"))
        .order_by("pk")
        .first()
    )


def choose_owner(*, lead: Mapping[str, Any] | Any, creator: User | None) -> Assignment:
    """Apply the rules to a new lead's (cleaned) values; call inside a transaction.

    The reason is written in the new owner's language, who reads it first (a visitor
    filling the web form in Chinese must not leave an English rep a Chinese reason)."""
    for rule in AssignmentRule.objects.filter(is_active=True).select_related("user", "team"):
        if rule.field and not matches(lead, rule.field, rule.value):
            continue
        if rule.method == AssignmentMethod.ROUND_ROBIN:
            owner = _next_in_turn(rule)
            if owner is None:
                continue
            with translation.override(owner.language):
                reason = _("%(rule)s → round robin in %(team)s") % {
                    "rule": _rule_text(rule),
                    "team": rule.team,
                }
            return Assignment(owner, rule.team, reason, rule)
        if rule.user is None or not rule.user.is_active:
            continue
        with translation.override(rule.user.language):
            reason = f"{_rule_text(rule)} → {rule.user}"
        return Assignment(rule.user, first_team_of(rule.user), reason, rule)
    if creator is not None and getattr(creator, "is_authenticated", False) and creator.is_active:
        with translation.override(creator.language):
            reason = _("No rule matched: the creator keeps it")
        return Assignment(creator, first_team_of(creator), reason)
    admin = first_administrator()
    if admin is None:
        raise ValidationError({"owner": _("No rule matched and there is no administrator.")})
    with translation.override(admin.language):
        reason = _("No rule matched: the first administrator gets it")
    return Assignment(admin, first_team_of(admin), reason)


def _rule_text(rule: AssignmentRule) -> str:
    return _("Rule “%(name)s”: %(condition)s") % {
        "name": rule.name,
        "condition": _condition_text(rule),
    }


# --- managing the rules ------------------------------------------------------------------


def _clean(rule: AssignmentRule, values: Mapping[str, Any]) -> None:
    errors = Errors()
    allowed = {"name", "field", "value", "method", "user", "team", "is_active"}
    for name in set(values) - allowed:
        errors.add(name, _("This field cannot be changed here."))
    if "name" in values:
        rule.name = clean_text(errors, "name", values["name"], max_length=100, required=True)
    if "field" in values:
        rule.field = str(values["field"] or "").strip()
        if rule.field and rule.field not in RULE_FIELDS:
            errors.add(
                "field", _("Choose one of: %(values)s.") % {"values": ", ".join(RULE_FIELDS)}
            )
    if "value" in values:
        rule.value = clean_text(errors, "value", values["value"], max_length=100)
    if rule.field and not rule.value:
        errors.add("value", _("Give the value the field must equal."))
    if "method" in values:
        rule.method = str(values["method"] or "")
        if rule.method not in AssignmentMethod.values:
            errors.add(
                "method",
                _("Choose one of: %(values)s.") % {"values": ", ".join(AssignmentMethod.values)},
            )
    if "user" in values:
        rule.user = values["user"]
    if "team" in values:
        rule.team = values["team"]
    if "is_active" in values:
        rule.is_active = bool(values["is_active"])
    if rule.method == AssignmentMethod.USER:
        if rule.user is None:
            errors.add("user", _("Choose the user who gets the leads."))
        elif not rule.user.is_active:
            errors.add("user", _("This user is deactivated."))
        rule.team = None
    elif rule.method == AssignmentMethod.ROUND_ROBIN:
        if rule.team is None:
            errors.add("team", _("Choose the team whose members take turns."))
        elif rule.team.is_trashed:
            errors.add("team", _("This team is in the trash."))
        rule.user = None
    errors.raise_if_any()


@transaction.atomic
def create_assignment_rule(*, actor: User, **values: Any) -> AssignmentRule:
    """Add a rule at the end of the list."""
    rule = AssignmentRule(method=values.get("method") or AssignmentMethod.USER)
    _clean(rule, {"field": "", "value": "", **values})
    last = AssignmentRule.objects.aggregate(last=Max("position"))["last"]
    rule.position = 0 if last is None else last + 1
    save_audited(actor=actor, obj=rule, fields=RULE_SNAPSHOT)
    return rule


@transaction.atomic
def update_assignment_rule(*, actor: User, rule: AssignmentRule, **values: Any) -> AssignmentRule:
    before = snapshot(rule, RULE_SNAPSHOT)
    _clean(rule, values)
    save_audited(actor=actor, obj=rule, fields=RULE_SNAPSHOT, before=before)
    return rule


@transaction.atomic
def delete_assignment_rule(*, actor: User, rule: AssignmentRule) -> None:
    delete_audited(actor=actor, obj=rule, fields=RULE_SNAPSHOT)


@transaction.atomic
def move_assignment_rule(*, actor: User, rule: AssignmentRule, offset: int) -> AssignmentRule:
    """Move a rule up (-1) or down (+1); positions are renumbered 0, 1, 2 …"""
    rules = list(AssignmentRule.objects.select_for_update().order_by("position", "pk"))
    index = next(i for i, r in enumerate(rules) if r.pk == rule.pk)
    target = max(0, min(len(rules) - 1, index + offset))
    rules.insert(target, rules.pop(index))
    for position, row in enumerate(rules):
        if row.position != position:
            AssignmentRule.objects.filter(pk=row.pk).update(position=position)
    before = rule.position
    rule.position = target
    if before != target:
        record_audit(
            actor=actor, event=AuditEvent.CHANGE, obj=rule, changes={"position": [before, target]}
        )
    return rule


def describe(lead: Any) -> dict[str, str]:
    """The values of a lead that rules look at (for tests and the rules page)."""
    return {field: lead_value(lead, field) for field in RULE_FIELDS}
