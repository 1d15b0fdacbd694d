"""Rule-based lead scores that explain themselves ("+20 industry = manufacturing").

A lead's score is the sum of the points of every active rule it meets: a field equal to
a value (fit), or so many points per activity logged on it (engagement). The reasons are
stored with the score, so the lead page shows why. Recomputed when a lead is created or
changed, when an activity is logged on it, and for every lead by "rescore all".
The predictive score (``Lead.predicted_score``) is learned from closed leads, see
``services/prediction.py``; it is refreshed here too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from guanxi.core.choices import AuditEvent
from guanxi.core.models import User
from guanxi.core.services.audit import (
    delete_audited,
    record_audit,
    save_audited,
    snapshot,
)
from guanxi.customers.services.common import Errors, clean_text
from guanxi.sales.lead_fields import ACTIVITIES, SCORING_FIELDS, matches
from guanxi.sales.models import Lead, ScoringRule
from guanxi.sales.services.prediction import predict_lead

RULE_SNAPSHOT = ("name", "field", "value", "points", "is_active")


def compute_score(
    lead: Any, rules: Iterable[ScoringRule], activity_count: int
) -> tuple[int, list[dict[str, Any]]]:
    """The score and its reasons (``{"rule", "points", "why"}``, biggest first)."""
    reasons: list[dict[str, Any]] = []
    for rule in rules:
        if rule.field == ACTIVITIES:
            if activity_count:
                reasons.append(
                    {
                        "rule": rule.name,
                        "points": rule.points * activity_count,
                        "why": f"{ACTIVITIES} = {activity_count} × {rule.points}",
                    }
                )
        elif matches(lead, rule.field, rule.value):
            reasons.append(
                {"rule": rule.name, "points": rule.points, "why": f"{rule.field} = {rule.value}"}
            )
    reasons.sort(key=lambda r: (-abs(r["points"]), r["rule"]))
    return sum(r["points"] for r in reasons), reasons


def active_rules() -> list[ScoringRule]:
    return list(ScoringRule.objects.filter(is_active=True).order_by("field", "pk"))


def score_lead(lead: Lead, *, rules: list[ScoringRule] | None = None) -> Lead:
    """Recompute and store one lead's score (a plain UPDATE: not a user's change)."""
    count = lead.activities.count() if lead.pk else 0
    score, reasons = compute_score(lead, active_rules() if rules is None else rules, count)
    if (score, reasons) != (lead.score, lead.score_reasons):
        lead.score, lead.score_reasons = score, reasons
        Lead.all_objects.filter(pk=lead.pk).update(score=score, score_reasons=reasons)
    predict_lead(lead)  # the learned score, once a model has been trained
    return lead


@transaction.atomic
def rescore_all(*, actor: User) -> int:
    """Recompute every live lead's score (after the rules changed); returns how many
    scores changed. Audited once, as a change of the rules' effect."""
    rules = active_rules()
    changed = 0
    leads = Lead.objects.annotate(
        n_activities=Count("activities", filter=Q(activities__deleted_at__isnull=True))
    )
    for lead in leads.iterator(chunk_size=500):
        score, reasons = compute_score(lead, rules, lead.n_activities)
        if (score, reasons) != (lead.score, lead.score_reasons):
            Lead.all_objects.filter(pk=lead.pk).update(score=score, score_reasons=reasons)
            changed += 1
    record_audit(
        actor=actor,
        event=AuditEvent.CHANGE,
        object_type="sales.scoringrule",
        object_id="*",
        object_repr=_("Rescored every lead"),
        changes={"leads_rescored": [0, changed]},
    )
    return changed


# --- managing the rules ------------------------------------------------------------------


def _clean(rule: ScoringRule, values: Mapping[str, Any]) -> None:
    errors = Errors()
    for name in set(values) - {"name", "field", "value", "points", "is_active"}:
        errors.add(name, _("This field cannot be changed here."))
    if "name" in values:
        rule.name = clean_text(errors, "name", values["name"], max_length=100, required=True)
    if "field" in values:
        rule.field = str(values["field"] or "").strip()
    if rule.field not in SCORING_FIELDS:
        errors.add("field", _("Choose one of: %(values)s.") % {"values": ", ".join(SCORING_FIELDS)})
    if "value" in values:
        rule.value = clean_text(errors, "value", values["value"], max_length=100)
    if rule.field != ACTIVITIES and rule.field in SCORING_FIELDS and not rule.value:
        errors.add("value", _("Give the value the field must equal."))
    if rule.field == ACTIVITIES:
        rule.value = ""
    if "points" in values:
        try:
            rule.points = int(values["points"])
        except (TypeError, ValueError):
            errors.add("points", _("Give a whole number of points."))
    if rule.points is None:
        errors.add("points", _("This field is required."))
    elif not -1000 <= rule.points <= 1000:
        errors.add("points", _("Give between -1000 and 1000 points."))
    if "is_active" in values:
        rule.is_active = bool(values["is_active"])
    errors.raise_if_any()


@transaction.atomic
def create_scoring_rule(*, actor: User, **values: Any) -> ScoringRule:
    rule = ScoringRule()
    _clean(rule, {"field": "", "value": "", "points": None, **values})
    save_audited(actor=actor, obj=rule, fields=RULE_SNAPSHOT)
    return rule


@transaction.atomic
def update_scoring_rule(*, actor: User, rule: ScoringRule, **values: Any) -> ScoringRule:
    before = snapshot(rule, RULE_SNAPSHOT)
    _clean(rule, values)
    save_audited(actor=actor, obj=rule, fields=RULE_SNAPSHOT, before=before)
    return rule


@transaction.atomic
def delete_scoring_rule(*, actor: User, rule: ScoringRule) -> None:
    delete_audited(actor=actor, obj=rule, fields=RULE_SNAPSHOT)
