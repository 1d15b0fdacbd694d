"""The predictive lead score: learn from closed leads, score the open ones.

Converted leads are the positives, disqualified ones the negatives. Each training is a
new ``LeadScoreModel`` version with its held-out AUC; every open lead then gets its
predicted conversion probability, the version that produced it and the signals that
moved it most. Retrained daily by the scheduler (and on demand by a manager).
"""

from __future__ import annotations

import pickle  # our own model, written and read by this module only
from typing import Any

from django.db import transaction
from django.db.models import Count, Q

from guanxi.core.choices import AuditEvent
from guanxi.core.services.audit import record_audit
from guanxi.lib.lead_model import LeadModel, train
from guanxi.sales.choices import LeadStatus
from guanxi.sales.models import Lead, LeadScoreModel

CLOSED = (LeadStatus.CONVERTED, LeadStatus.DISQUALIFIED)


def lead_features(lead: Any) -> dict[str, Any]:
    """What the model may learn from: fit (who the lead is) and engagement."""
    return {
        "source": lead.source,
        "industry": lead.industry,
        "size": lead.size,
        "country": lead.country,
        "province": lead.province,
        "has_email": bool(lead.email),
        "has_phone": bool(lead.phone),
        "has_company": bool(lead.company),
        "wants_call": bool(lead.wants_call),
        "activities": int(getattr(lead, "n_activities", 0) or 0),
    }


def _with_activity_counts() -> Any:
    return Lead.objects.annotate(
        n_activities=Count("activities", filter=Q(activities__deleted_at__isnull=True))
    )


def latest_model() -> tuple[LeadScoreModel, LeadModel] | None:
    version = LeadScoreModel.objects.order_by("-pk").first()
    if version is None:
        return None
    return version, pickle.loads(bytes(version.blob))  # noqa: S301 - see the import


@transaction.atomic
def train_lead_model(*, actor: Any = None) -> LeadScoreModel | None:
    """Train a new version on every closed lead and score the open ones; None (and no
    change) while there are fewer than ten converted or ten disqualified leads."""
    # In a fixed order, so the held-out split (and the AUC) is the same on every database.
    closed = list(_with_activity_counts().filter(status__in=CLOSED).order_by("pk"))
    fitted = train(
        [lead_features(lead) for lead in closed],
        [lead.status == LeadStatus.CONVERTED for lead in closed],
    )
    if fitted is None:
        return None
    version = LeadScoreModel.objects.create(
        trained_on=fitted.trained_on,
        auc=round(fitted.auc, 4),
        top_features=fitted.top_features(),
        blob=pickle.dumps(fitted),
    )
    record_audit(
        actor=actor,
        event=AuditEvent.CREATE,
        obj=version,
        changes={"trained_on": [None, version.trained_on], "auc": [None, version.auc]},
    )
    score_open_leads(version, fitted)
    return version


def score_open_leads(version: LeadScoreModel, fitted: LeadModel) -> int:
    """Store each open lead's predicted probability and its strongest reasons."""
    scored = 0
    for lead in _with_activity_counts().exclude(status__in=CLOSED).iterator(chunk_size=500):
        features = lead_features(lead)
        Lead.all_objects.filter(pk=lead.pk).update(
            predicted_score=round(fitted.probability(features), 4),
            predicted_reasons=fitted.reasons(features),
            predicted_by=version,
        )
        scored += 1
    return scored


def predict_lead(lead: Lead) -> None:
    """Score one new or changed lead with the latest model (if there is one yet)."""
    found = latest_model()
    if found is None or lead.status in CLOSED:
        return
    version, fitted = found
    lead_with_count = _with_activity_counts().filter(pk=lead.pk).first()
    if lead_with_count is None:
        return
    features = lead_features(lead_with_count)
    lead.predicted_score = round(fitted.probability(features), 4)
    lead.predicted_reasons = fitted.reasons(features)
    Lead.all_objects.filter(pk=lead.pk).update(
        predicted_score=lead.predicted_score,
        predicted_reasons=lead.predicted_reasons,
        predicted_by=version,
    )
