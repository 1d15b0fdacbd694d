"""``{% customer_classes %}``: the account's classes, lifecycle stage and key-account
reasons inside the customer card (``analytics/_customer_score.html`` includes
``analytics/class_card.html``, which calls this tag). The account is the score's; an
account without a score yet (no order: a potential customer) is the one of the account
page being shown."""

from __future__ import annotations

from typing import Any

from django import template

from guanxi.analytics.object_types import CUSTOMER_CLASS, RULES, TRANSITION
from guanxi.analytics.selectors_classification import class_of_account, transitions_of_account
from guanxi.analytics.services.classification_explain import (
    explain,
    key_reason_text,
    stage_text,
)
from guanxi.core.access import can
from guanxi.sales.services.exchange_rates import base_currency

register = template.Library()


def _account_id(context: template.Context) -> Any:
    score = context.get("score")
    if score is not None:
        return score.account_id
    match = getattr(context["request"], "resolver_match", None)
    if match is not None and match.view_name == "customers:account_detail":
        return match.kwargs.get("pk")
    return None


@register.inclusion_tag("analytics/class_card_body.html", takes_context=True)
def customer_classes(context: template.Context) -> dict[str, Any]:
    user = context["request"].user
    account_id = _account_id(context)
    row = (
        class_of_account(user, account_id)
        if account_id is not None and can(user, CUSTOMER_CLASS, "view")
        else None
    )
    if row is None:
        return {"row": None}
    currency = base_currency()
    see_history = can(user, TRANSITION, "view")
    last = transitions_of_account(user, row.account_id, limit=1) if see_history else []
    return {
        "row": row,
        "explained": explain(row, currency),
        "key_reasons": [key_reason_text(reason, currency) for reason in row.key_reasons],
        "stage_reason": stage_text(last[0].reason) if last else "",
        "see_history": see_history,
        "can_see_rules": can(user, RULES, "view"),
    }
