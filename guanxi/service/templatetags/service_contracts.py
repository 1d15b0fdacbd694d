"""Service-contract cards on other pages: ``{% account_contracts account %}`` lists an
account's contracts on its page; ``{% ticket_contracts ticket %}`` says which contracts
in force cover the ticket's unit (story 18)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from guanxi.core.access import can
from guanxi.service.object_types import CONTRACT
from guanxi.service.services.contracts import contracts_for_ticket, contracts_of

register = template.Library()
CONTRACTS_SHOWN = 5


@register.inclusion_tag("service/contract_account_list.html", takes_context=True)
def account_contracts(context: template.Context, account: Any) -> dict[str, Any]:
    """The account's latest contracts, for whoever may read contracts."""
    user = context["request"].user
    if not can(user, CONTRACT, "view"):
        return {"show": False}
    contracts = contracts_of(account)
    return {
        "show": True,
        "account": account,
        "contracts": list(contracts[:CONTRACTS_SHOWN]),
        "more": contracts.count() > CONTRACTS_SHOWN,
        "today": timezone.localdate(),
        "can_add": can(user, CONTRACT, "add"),
    }


@register.inclusion_tag("service/contract_ticket_lines.html", takes_context=True)
def ticket_contracts(context: template.Context, ticket: Any) -> dict[str, Any]:
    user = context["request"].user
    if not can(user, CONTRACT, "view"):
        return {"contracts": []}
    return {"contracts": contracts_for_ticket(ticket)}
