"""Customer classification's pages and API operations in the permission matrix.

Classes and transitions follow their account: the account in a row is owned by the
acting user, so every role (reps at own scope) is allowed; who sees other people's
classes is tested in ``test_classification_api.py``. The rules: administrators and
analysts view and preview them, administrators alone save them."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from guanxi.analytics.forms_classification import mapping_text
from guanxi.analytics.models import ClassificationRules, CustomerClass, LifecycleTransition
from guanxi.analytics.services.classification_rules import current_rules, default_rules
from guanxi.testing.customers import make_account
from guanxi.testing.matrix import ADMINS, EVERYONE, Case
from guanxi.testing.users import make_user

ANALYSTS = frozenset({"administrator", "analyst"})


def classified_account(actor: Any) -> dict[str, Any]:
    """An account the actor owns (a rep's for anonymous), classified, with a transition."""
    account = make_account(owner=actor or make_user(role="sales_rep"))
    rules = current_rules()
    CustomerClass.objects.create(
        account=account,
        purchase="occasional",
        value="low",
        needs="",
        loyalty="low",
        stage="new",
        stage_since=date(2026, 1, 5),
        inputs={
            "orders_window": 1,
            "margin": 100.0,
            "revenue": 100.0,
            "discounts": 0.0,
            "cost_to_serve": 0.0,
            "product_cost": 0.0,
            "returns": 0.0,
            "tickets": 0,
            "visits": 0,
            "tenure_days": 10,
            "active_months": 1,
            "categories": 0,
            "categories_sold": 0,
            "loyalty_points": 0,
            "nps": None,
        },
        margin=100,
        rules=rules,
        observation_end=date(2026, 1, 15),
        computed_at=timezone.now(),
    )
    LifecycleTransition.objects.create(
        account=account,
        to_stage="new",
        date=date(2026, 1, 5),
        reason={"code": "first_order", "days": 10, "limit": 90},
    )
    return {"account_id": account.pk}


def _form() -> dict[str, Any]:
    rules = default_rules()
    data = {name: value for name, value in rules.items() if name != "needs_mapping"}
    data["needs_mapping"] = mapping_text(rules["needs_mapping"])
    return data


PAGES: dict[str, Case] = {
    "analytics:class_list": Case("GET", EVERYONE, data={"stage": "new"}),
    "analytics:key_account_list": Case("GET", EVERYONE),
    "analytics:lifecycle_flow": Case("GET", EVERYONE),
    "analytics:account_lifecycle": Case("GET", EVERYONE, kwargs=classified_account),
    "analytics:rules_edit": Case("GET", ANALYSTS),
    "analytics:rules_preview": Case("POST", ANALYSTS, data=_form()),
    "analytics:rules_save": Case("POST", ADMINS, data=_form()),
}
OPERATIONS: dict[tuple[str, str], Case] = {
    ("GET", "/api/v1/analytics/classes"): Case("GET", EVERYONE),
    ("GET", "/api/v1/analytics/key-accounts"): Case("GET", EVERYONE),
    ("GET", "/api/v1/accounts/{account_id}/classes"): Case(
        "GET", EVERYONE, kwargs=classified_account
    ),
    ("GET", "/api/v1/accounts/{account_id}/lifecycle"): Case(
        "GET", EVERYONE, kwargs=classified_account
    ),
    ("GET", "/api/v1/analytics/lifecycle/flow"): Case("GET", EVERYONE),
    ("GET", "/api/v1/analytics/classification/rules"): Case("GET", ANALYSTS),
    ("POST", "/api/v1/analytics/classification/rules/preview"): Case(
        "POST", ANALYSTS, data={"regular_min_orders": 3}
    ),
    ("PUT", "/api/v1/analytics/classification/rules"): Case(
        "PUT", ADMINS, data={"regular_min_orders": 3}
    ),
}


def state() -> tuple[Any, ...]:
    """What a refused call must leave untouched."""
    return (
        sorted(ClassificationRules.objects.values_list("pk", "version")),
        sorted(CustomerClass.objects.values_list("pk", "account_id", "stage", "computed_at")),
        LifecycleTransition.objects.count(),
    )
