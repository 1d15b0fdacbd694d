"""The analytics pages' and API operations' rows in the permission matrix.

Scores follow their account: the account of the score in a row is owned by the acting
user, so every role that may view scores (all built-in roles, reps at own scope) is
allowed; who sees other people's scores is tested in ``test_permissions.py``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone

from guanxi.analytics.models import CustomerScore, ModelFit, RecomputeRun
from guanxi.testing.customers import make_account
from guanxi.testing.matrix import EVERYONE, Case
from guanxi.testing.users import make_user

ANALYSTS = frozenset({"administrator", "analyst"})
# Who may export scores: SCORE_GRANTS' export right.
EXPORTERS = frozenset({"administrator", "sales_manager", "sales_rep", "marketer", "analyst"})


def scored_account(actor: Any) -> dict[str, Any]:
    """An account the actor owns (a rep's for anonymous) with a stored score."""
    account = make_account(owner=actor or make_user(role="sales_rep"))
    CustomerScore.objects.create(
        account=account,
        recency_score=5,
        frequency_score=1,
        monetary_score=3,
        segment="new_customers",
        orders_count=1,
        first_order_date=date(2026, 1, 5),
        last_order_date=date(2026, 1, 5),
        recency_days=10,
        total_spend=Decimal("100.00"),
        frequency=0,
        recency=0.0,
        age=1.4,
        observation_end=date(2026, 1, 15),
        computed_at=timezone.now(),
    )
    return {"account_id": account.pk}


PAGES: dict[str, Case] = {
    "analytics:score_list": Case("GET", EVERYONE, data={"segment": "champions"}),
    "analytics:model_list": Case("GET", ANALYSTS),
    "analytics:recompute": Case("POST", ANALYSTS),
    # The dashboards framework's pages, on the customer dashboard.
    "web:dashboard": Case("GET", EVERYONE, kwargs=lambda actor: {"key": "customers"}),
    "web:dashboard_export": Case(
        "GET",
        EXPORTERS,
        kwargs=lambda actor: {"key": "customers", "panel": "cohorts", "fmt": "xlsx"},
    ),
}
OPERATIONS: dict[tuple[str, str], Case] = {
    ("GET", "/api/v1/analytics/customers"): Case("GET", EVERYONE),
    ("GET", "/api/v1/accounts/{account_id}/score"): Case("GET", EVERYONE, kwargs=scored_account),
    ("GET", "/api/v1/analytics/models"): Case("GET", ANALYSTS),
    ("POST", "/api/v1/analytics/recompute"): Case("POST", ANALYSTS),
    ("GET", "/api/v1/dashboards"): Case("GET", EVERYONE),
    ("GET", "/api/v1/dashboards/{key}/panels/{panel}"): Case(
        "GET", EVERYONE, kwargs=lambda actor: {"key": "customers", "panel": "segments"}
    ),
}


def state() -> tuple[Any, ...]:
    """What a refused call must leave untouched."""
    return (
        sorted(CustomerScore.objects.values_list("pk", "account_id", "segment", "computed_at")),
        ModelFit.objects.count(),
        sorted(RecomputeRun.objects.values_list("pk", "status")),
    )
