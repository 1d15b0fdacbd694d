"""``{% churn_and_suggestions account %}``: the account's churn risk with its reasons
and the cross-sell / up-sell suggestions, inside the customer-score card."""

from __future__ import annotations

from typing import Any

from django import template

from guanxi.analytics.object_types import ASSOCIATION, CHURN_RISK
from guanxi.analytics.selectors_churn import crossings_of, risk_of_account
from guanxi.analytics.services.churn_explain import describe
from guanxi.analytics.services.cross_sell_suggest import suggestions_for_account
from guanxi.core.access import can
from guanxi.sales.services.exchange_rates import base_currency

register = template.Library()


@register.inclusion_tag("analytics/churn_account.html", takes_context=True)
def churn_and_suggestions(context: template.Context, account: Any) -> dict[str, Any]:
    user = context["request"].user
    risk = risk_of_account(user, account) if can(user, CHURN_RISK, "view") else None
    may_see_rules = can(user, ASSOCIATION, "view")
    return {
        "request": context["request"],
        "risk": risk,
        "reasons": describe(risk.factors) if risk else [],
        "crossings": crossings_of(account, limit=5) if risk else [],
        "suggestions": suggestions_for_account(account) if may_see_rules else None,
        "can_see_at_risk": can(user, CHURN_RISK, "view"),
        "base_currency": base_currency(),
    }


@register.inclusion_tag("analytics/cross_sell_link.html", takes_context=True)
def associations_link(context: template.Context) -> dict[str, Any]:
    """A "Bought together" button (on the product list), for who may see associations."""
    return {"show": can(context["request"].user, ASSOCIATION, "view")}
