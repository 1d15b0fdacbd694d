"""Relationships in the permission matrix: records owned by the acting user."""

from __future__ import annotations

from typing import Any

from guanxi.customers.models import Relationship
from guanxi.customers.services.relationships import add_relationship
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.matrix import EVERYONE, Case
from guanxi.testing.users import make_user

CHANGERS = frozenset({"administrator", "sales_manager", "sales_rep", "service_manager"})


def _owner(actor: Any) -> Any:
    return actor or make_user(role="sales_rep")


def two_accounts(actor: Any) -> dict[str, Any]:
    owner = _owner(actor)
    return {"pk": make_account(owner=owner).pk, "target": make_account(owner=owner).pk}


def two_contacts(actor: Any) -> dict[str, Any]:
    owner = _owner(actor)
    return {"pk": make_contact(owner=owner).pk, "target": make_contact(owner=owner).pk}


def partnership(actor: Any) -> dict[str, Any]:
    owner = _owner(actor)
    relationship = add_relationship(
        actor=owner,
        source=make_account(owner=owner),
        target=make_account(owner=owner),
        kind="partner",
    )
    return {"pk": relationship.pk}


def page_form(kind: str, make: Any) -> Any:
    def setup(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        ids = make(actor)
        return {"pk": ids["pk"]}, {"kind": kind, "target": ids["target"]}

    return setup


def api_body(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    ids = two_accounts(actor)
    body = {"from_type": "account", "from_id": ids["pk"], "to_id": ids["target"], "kind": "partner"}
    return {}, body


PAGES: dict[str, Case] = {
    "customers:account_relationship_add": Case(
        "POST", CHANGERS, setup=page_form("partner", two_accounts)
    ),
    "customers:contact_relationship_add": Case(
        "POST", CHANGERS, setup=page_form("friend", two_contacts)
    ),
    "customers:relationship_remove": Case("POST", CHANGERS, kwargs=partnership),
    "customers:relationship_candidates": Case("GET", EVERYONE, data={"q": "a"}),
}

OPERATIONS: dict[tuple[str, str], Case] = {
    ("GET", "/api/v1/accounts/{account_id}/relationships"): Case(
        "GET", EVERYONE, kwargs=lambda a: {"account_id": two_accounts(a)["pk"]}
    ),
    ("GET", "/api/v1/contacts/{contact_id}/relationships"): Case(
        "GET", EVERYONE, kwargs=lambda a: {"contact_id": two_contacts(a)["pk"]}
    ),
    ("POST", "/api/v1/relationships"): Case("POST", CHANGERS, setup=api_body),
    ("DELETE", "/api/v1/relationships/{relationship_id}"): Case(
        "DELETE", CHANGERS, kwargs=lambda a: {"relationship_id": partnership(a)["pk"]}
    ),
}


def state() -> tuple[Any, ...]:
    return (sorted(Relationship.objects.values_list("pk", "kind", "note")),)
