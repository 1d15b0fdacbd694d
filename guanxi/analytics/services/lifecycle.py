"""Lifecycle stages: why a customer is in their stage, the transitions recorded when
a stage changes (one row per change, never for an unchanged stage) and the flow of
customers between stages month by month."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from guanxi.analytics.models import LifecycleTransition

if TYPE_CHECKING:
    from guanxi.analytics.services.classification import Classified

BATCH = 2000


def stage_reason(stage: str, inputs: Mapping[str, Any], rules: Mapping[str, Any]) -> dict[str, Any]:
    """The measure and rule that put a customer with these ``inputs`` in ``stage``
    (the order the rules are tried in: potential, churned, new, decline, growth,
    mature; see docs/customer-classification.md)."""
    since_last = inputs.get("days_since_last")
    tenure = inputs.get("tenure_days")
    growth = inputs.get("growth")
    if stage == "potential":
        return {
            "code": "interest",
            "leads": inputs.get("leads", 0),
            "deals": inputs.get("deals", 0),
            "activities": inputs.get("activities", 0),
        }
    if stage == "churned":
        return {"code": "silent", "days": since_last, "limit": rules["lost_after_days"]}
    if stage == "new":
        return {"code": "first_order", "days": tenure, "limit": rules["new_days"]}
    if stage == "decline":
        if since_last is not None and since_last > rules["decline_days"]:
            return {"code": "silent", "days": since_last, "limit": rules["decline_days"]}
        return {"code": "drop", "growth": growth, "limit": rules["decline_drop"]}
    if stage == "growth":
        if tenure is not None and tenure < rules["mature_days"]:
            return {"code": "young", "days": tenure, "limit": rules["mature_days"]}
        return {"code": "rise", "growth": growth, "limit": rules["growth_rise"]}
    return {"code": "steady", "days": tenure, "limit": rules["mature_days"]}


def record_transitions(
    found: Classified,
    inputs_rows: Sequence[dict[str, Any]],
    previous: Mapping[int, tuple[str, date]],
    *,
    version: int,
    as_of: date,
) -> int:
    """A transition for each customer whose stage differs from the stored one (from
    "" when first classified), dated ``as_of``, with the reason from the customer's
    measures (``inputs_rows``, aligned with ``found``); returns how many were recorded."""
    rows = []
    stages = found.stage.tolist()
    for i, account_id in enumerate(found.inputs.account_ids.tolist()):
        stage = stages[i]
        old = previous.get(account_id)
        if old is not None and old[0] == stage:
            continue
        rows.append(
            LifecycleTransition(
                account_id=account_id,
                from_stage=old[0] if old is not None else "",
                to_stage=stage,
                date=as_of,
                reason=stage_reason(stage, inputs_rows[i], found.rules),
                rules_version=version,
            )
        )
    LifecycleTransition.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)
