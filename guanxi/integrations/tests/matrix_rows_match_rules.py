"""The matching-rules pages and API in the permission matrix: whoever may see a kind's
duplicates reads its rules; only administrators preview, save and reset them."""

from __future__ import annotations

from typing import Any

from guanxi.integrations.models_match_rules import MatchRuleSet
from guanxi.testing.matrix import ADMINS, EVERYONE, Case

FORM = {
    "threshold": "0.7",
    **{f"enabled_{key}": "on" for key in ("email", "phone", "name", "address", "company")},
    "weight_same_email": "0.97",
    "weight_same_phone": "0.92",
    "weight_different_email": "3",
    "weight_different_phone": "3",
    "weight_family_name": "3",
    "weight_given_name": "2.5",
    "weight_name_floor": "0",
    "weight_street": "2",
    "weight_postcode": "1.5",
    "weight_city": "1",
    "weight_company": "1",
    "weight_birth_year": "1",
    "weight_min_evidence": "7.5",
}
BODY = {"threshold": 0.7, "weights": {"family_name": 3.5}}


def contacts(actor: Any) -> dict[str, Any]:
    return {"kind": "contacts"}


def accounts(actor: Any) -> dict[str, Any]:
    return {"kind": "accounts"}


PAGES: dict[str, Case] = {
    "integrations:match_rules": Case("GET", EVERYONE),
    "integrations:match_rules_edit": Case("GET", EVERYONE, kwargs=accounts),
    "integrations:match_rules_preview": Case("POST", ADMINS, kwargs=contacts, data=FORM),
    "integrations:match_rules_save": Case("POST", ADMINS, kwargs=contacts, data=FORM),
    "integrations:match_rules_reset": Case("POST", ADMINS, kwargs=accounts),
}
OPERATIONS: dict[tuple[str, str], Case] = {
    ("GET", "/api/v1/duplicates/rules/{kind}"): Case("GET", EVERYONE, kwargs=contacts),
    ("PUT", "/api/v1/duplicates/rules/{kind}"): Case("PUT", ADMINS, kwargs=contacts, data=BODY),
    ("POST", "/api/v1/duplicates/rules/{kind}/preview"): Case(
        "POST", ADMINS, kwargs=contacts, data=BODY
    ),
    ("POST", "/api/v1/duplicates/rules/{kind}/reset"): Case("POST", ADMINS, kwargs=accounts),
}


def state() -> tuple[Any, ...]:
    return (sorted(MatchRuleSet.objects.values_list("pk", "kind", "version")),)
