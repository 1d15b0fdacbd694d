"""Template tags of the sales module, usable from any app's templates.

``{% account_deals account %}`` puts an account's deals card on the account page: the
customers module cannot import sales, but its templates may load this tag.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import template
from django.utils import timezone
from django.utils.timesince import timesince

from guanxi.core.access import can
from guanxi.sales.object_types import DEAL
from guanxi.sales.selectors_deals import account_deals as deals_of_account

register = template.Library()
ACCOUNT_DEALS_SHOWN = 20


@register.inclusion_tag("sales/_account_deals.html", takes_context=True)
def account_deals(context: template.Context, account: Any) -> dict[str, Any]:
    """The account's deals the reader may see, open first, and a New deal button."""
    user = context["request"].user
    visible = can(user, DEAL, "view")
    return {
        "request": context["request"],
        "account": account,
        "deals": list(deals_of_account(user, account)[:ACCOUNT_DEALS_SHOWN]) if visible else [],
        "can_add_deal": can(user, DEAL, "add"),
        "show": visible,
    }


@register.filter
def timesince_delta(value: timedelta) -> str:
    """A duration as words ("3 days, 2 hours")."""
    if not isinstance(value, timedelta):
        return ""
    now = timezone.now()
    if value < timedelta(minutes=1):
        return timesince(now, now)  # "0 minutes"
    return timesince(now - value, now)
