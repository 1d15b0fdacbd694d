"""``{% customer_score account %}``: the account's RFM segment, scores and lifetime
value with the numbers behind them, on the account page (the customers module cannot
import analytics; its templates may load this library)."""

from __future__ import annotations

from typing import Any

from django import template

from guanxi.analytics.object_types import CUSTOMER_SCORE
from guanxi.analytics.selectors import scores_visible_to
from guanxi.core.access import can
from guanxi.sales.services.exchange_rates import base_currency

register = template.Library()


@register.inclusion_tag("analytics/_customer_score.html", takes_context=True)
def customer_score(context: template.Context, account: Any) -> dict[str, Any]:
    """The card, when the reader may see the account's score (an account without a
    confirmed order says it has none yet)."""
    user = context["request"].user
    visible = can(user, CUSTOMER_SCORE, "view")
    score = (
        scores_visible_to(user).select_related("rfm_fit__run").filter(account=account).first()
        if visible
        else None
    )
    return {
        "request": context["request"],
        "score": score,
        "show": visible,
        "base_currency": base_currency() if visible else "",
        "can_see_models": can(user, "analytics.modelfit", "view"),
    }
