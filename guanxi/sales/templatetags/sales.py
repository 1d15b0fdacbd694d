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
from guanxi.sales.selectors_performance import suggested_owners as owners_for_deal

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


SUGGESTED_OWNERS_SHOWN = 5


@register.inclusion_tag("sales/_suggested_owners.html", takes_context=True)
def suggested_owners(context: template.Context, deal: Any) -> dict[str, Any]:
    """Who should take this deal (story 14): shown to those who may hand deals out."""
    user = context["request"].user
    show = can(user, DEAL, "assign") and deal.is_open
    result = owners_for_deal(user, deal) if show else None
    return {
        "deal": deal,
        "show": show,
        "ranking": result.ranking if result else None,
        "owners": result.owners[:SUGGESTED_OWNERS_SHOWN] if result else [],
    }


@register.inclusion_tag("sales/_deal_quotes.html", takes_context=True)
def deal_quotes(context: template.Context, deal: Any) -> dict[str, Any]:
    """The deal's quotes the reader may see, newest first, and a New quote button."""
    from guanxi.sales.object_types import QUOTE
    from guanxi.sales.selectors_quotes import deal_quotes as quotes_of_deal

    user = context["request"].user
    visible = can(user, QUOTE, "view")
    return {
        "request": context["request"],
        "deal": deal,
        "quotes": list(quotes_of_deal(user, deal)[:DEAL_QUOTES_SHOWN]) if visible else [],
        "can_add_quote": can(user, QUOTE, "add") and deal.is_open,
        "show": visible,
    }


DEAL_QUOTES_SHOWN = 20
