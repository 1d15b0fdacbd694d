"""The churn and cross-sell pages' and API operations' rows in the permission matrix.

A risk follows its account: the account in a row is owned by the acting user, so every
role that may view risks (all built-in roles, reps at own scope) is allowed; who sees
other people's customers is tested in ``test_churn_pages.py``. Associations are
product-level: every built-in role reads them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from guanxi.analytics.models import ChurnCrossing, ChurnRisk, ProductAssociation
from guanxi.testing.customers import make_account
from guanxi.testing.matrix import EVERYONE, Case
from guanxi.testing.quotes import make_product
from guanxi.testing.users import make_user

EXPORTERS = frozenset({"administrator", "sales_manager", "sales_rep", "marketer", "analyst"})


def _own_account(actor: Any) -> Any:
    return make_account(owner=actor or make_user(role="sales_rep"))


def account_at_risk(actor: Any) -> dict[str, Any]:
    """An account the actor owns (a rep's for anonymous) with a stored churn risk."""
    account = _own_account(actor)
    ChurnRisk.objects.create(
        account=account,
        risk=0.8,
        level="high",
        p_alive=0.2,
        p_alive_contribution=0.4,
        above_threshold=True,
        observation_end=date(2026, 1, 15),
        computed_at=timezone.now(),
    )
    return {"account_id": account.pk}


def own_account(actor: Any) -> dict[str, Any]:
    return {"account_id": _own_account(actor).pk}


def a_product(actor: Any) -> dict[str, Any]:
    return {"pk": make_product().pk}


def a_product_id(actor: Any) -> dict[str, Any]:
    return {"product_id": make_product().pk}


PAGES: dict[str, Case] = {
    "analytics:at_risk_list": Case("GET", EVERYONE, data={"level": "high"}),
    "analytics:at_risk_export": Case("GET", EXPORTERS),
    "analytics:association_list": Case("GET", EVERYONE),
    "analytics:product_suggestions": Case("GET", EVERYONE, kwargs=a_product),
}
OPERATIONS: dict[tuple[str, str], Case] = {
    ("GET", "/api/v1/accounts/{account_id}/churn-risk"): Case(
        "GET", EVERYONE, kwargs=account_at_risk
    ),
    ("GET", "/api/v1/analytics/at-risk"): Case("GET", EVERYONE),
    ("GET", "/api/v1/analytics/associations"): Case("GET", EVERYONE),
    ("GET", "/api/v1/accounts/{account_id}/suggestions"): Case("GET", EVERYONE, kwargs=own_account),
    ("GET", "/api/v1/products/{product_id}/suggestions"): Case(
        "GET", EVERYONE, kwargs=a_product_id
    ),
}


def state() -> tuple[Any, ...]:
    """What a refused call must leave untouched."""
    return (
        sorted(ChurnRisk.objects.values_list("pk", "account_id", "risk", "computed_at")),
        ChurnCrossing.objects.count(),
        ProductAssociation.objects.count(),
    )
