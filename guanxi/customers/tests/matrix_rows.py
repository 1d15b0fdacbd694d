"""The customers module's rows in the permission matrix (pages and API operations).

Factories create records owned by the acting user, so own-scope roles (sales reps) are
allowed on them; whether they see other people's records is tested in
``test_permissions.py``.
"""

from __future__ import annotations

from typing import Any

from guanxi.customers.models import (
    Account,
    AccountContact,
    Address,
    Consent,
    Contact,
    ContactEmail,
    ContactPhone,
    CustomerTier,
)
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.matrix import ADMINS, EVERYONE, Case
from guanxi.testing.users import make_user

ADDERS = frozenset({"administrator", "sales_manager", "sales_rep"})
CHANGERS = frozenset({"administrator", "sales_manager", "sales_rep", "service_manager"})
DELETERS = ADDERS
TIER_READERS = EVERYONE


def _owner(actor: Any) -> Any:
    return actor or make_user()


def own_account(actor: Any) -> dict[str, Any]:
    return {"pk": make_account(owner=_owner(actor)).pk}


def own_contact(actor: Any) -> dict[str, Any]:
    return {"pk": make_contact(owner=_owner(actor)).pk}


def linked_pair(actor: Any) -> tuple[Account, Contact]:
    owner = _owner(actor)
    account = make_account(owner=owner)
    contact = make_contact(owner=owner, accounts=[{"account": account}])
    return account, contact


def primary_candidate(actor: Any) -> dict[str, Any]:
    account, contact = linked_pair(actor)
    make_contact(owner=contact.owner, accounts=[{"account": account, "is_primary": True}])
    return {"pk": account.pk, "contact_pk": contact.pk}


def linked_contact(actor: Any) -> dict[str, Any]:
    account, contact = linked_pair(actor)
    return {"pk": contact.pk, "account_pk": account.pk}


def formset(prefix: str, rows: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    rows = rows or []
    data: dict[str, Any] = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


ACCOUNT_FORM = {"name": "Matrix 有限公司", "country": "CN", **formset("addresses")}
CONTACT_FORM = {
    "family_name": "王",
    "given_name": "芳",
    **formset("phones"),
    **formset("emails"),
    **formset("addresses"),
}
CONSENT = {"channel": "email", "status": "granted", "source": "manual", "wording": "OK"}
# An empty selection: the matrix checks who gets through; test_bulk.py checks the rest
# (a refused caller must not even learn that the bulk URL accepts the action).
BULK = {"action": "untag", "tag": "matrix"}


def some_tier(actor: Any) -> dict[str, Any]:
    n = CustomerTier.objects.count() + 1
    return {"pk": CustomerTier.objects.create(code=f"t{n}", name=f"Tier {n}").pk}


PAGES: dict[str, Case] = {
    "customers:tier_list": Case("POST", ADMINS, data={"name": "Gold", "rank": 5}),
    "customers:tier_edit": Case(
        "POST", ADMINS, kwargs=some_tier, data={"name": "Renamed", "rank": 1}
    ),
    "customers:account_list": Case("GET", EVERYONE),
    "customers:account_create": Case("POST", ADDERS, data=ACCOUNT_FORM),
    "customers:account_bulk": Case("POST", CHANGERS, data=BULK),
    "customers:account_detail": Case("GET", EVERYONE, kwargs=own_account),
    "customers:account_edit": Case("POST", CHANGERS, kwargs=own_account, data=ACCOUNT_FORM),
    "customers:account_delete": Case("POST", DELETERS, kwargs=own_account),
    "customers:account_set_primary": Case("POST", CHANGERS, kwargs=primary_candidate),
    "customers:contact_list": Case("GET", EVERYONE),
    "customers:contact_create": Case("POST", ADDERS, data=CONTACT_FORM),
    "customers:contact_bulk": Case("POST", CHANGERS, data=BULK),
    "customers:contact_detail": Case("GET", EVERYONE, kwargs=own_contact),
    "customers:contact_edit": Case("POST", CHANGERS, kwargs=own_contact, data=CONTACT_FORM),
    "customers:contact_delete": Case("POST", DELETERS, kwargs=own_contact),
    "customers:contact_link_account": Case(
        "POST", CHANGERS, kwargs=own_contact, data={"role": "CEO"}
    ),
    "customers:contact_unlink_account": Case("POST", CHANGERS, kwargs=linked_contact),
    "customers:contact_consent": Case("POST", CHANGERS, kwargs=own_contact, data=CONSENT),
}


def _account_id(actor: Any) -> dict[str, Any]:
    return {"account_id": own_account(actor)["pk"]}


def _contact_id(actor: Any) -> dict[str, Any]:
    return {"contact_id": own_contact(actor)["pk"]}


OPERATIONS: dict[tuple[str, str], Case] = {
    ("GET", "/api/v1/tiers"): Case("GET", TIER_READERS),
    ("GET", "/api/v1/accounts"): Case("GET", EVERYONE),
    ("POST", "/api/v1/accounts"): Case("POST", ADDERS, data={"name": "API 有限公司"}),
    ("POST", "/api/v1/accounts/bulk"): Case("POST", CHANGERS, data={"ids": [], **BULK}),
    ("GET", "/api/v1/accounts/{account_id}"): Case("GET", EVERYONE, kwargs=_account_id),
    ("PATCH", "/api/v1/accounts/{account_id}"): Case(
        "PATCH", CHANGERS, kwargs=_account_id, data={"name": "Renamed"}
    ),
    ("DELETE", "/api/v1/accounts/{account_id}"): Case("DELETE", DELETERS, kwargs=_account_id),
    ("GET", "/api/v1/contacts"): Case("GET", EVERYONE),
    ("POST", "/api/v1/contacts"): Case(
        "POST", ADDERS, data={"family_name": "李", "given_name": "娜"}
    ),
    ("POST", "/api/v1/contacts/bulk"): Case("POST", CHANGERS, data={"ids": [], **BULK}),
    ("GET", "/api/v1/contacts/{contact_id}"): Case("GET", EVERYONE, kwargs=_contact_id),
    ("PATCH", "/api/v1/contacts/{contact_id}"): Case(
        "PATCH", CHANGERS, kwargs=_contact_id, data={"title": "CFO"}
    ),
    ("DELETE", "/api/v1/contacts/{contact_id}"): Case("DELETE", DELETERS, kwargs=_contact_id),
    ("GET", "/api/v1/contacts/{contact_id}/consents"): Case("GET", EVERYONE, kwargs=_contact_id),
    ("POST", "/api/v1/contacts/{contact_id}/consents"): Case(
        "POST", CHANGERS, kwargs=_contact_id, data=CONSENT
    ),
}


def state() -> tuple[Any, ...]:
    """What a refused call must leave untouched in this module's tables."""
    return (
        sorted(
            Account.all_objects.values_list(
                "pk", "name", "owner_id", "team_id", "parent_id", "deleted_at"
            )
        ),
        sorted(
            Contact.all_objects.values_list(
                "pk", "full_name", "title", "owner_id", "team_id", "deleted_at"
            )
        ),
        sorted(AccountContact.objects.values_list("account_id", "contact_id", "is_primary")),
        sorted(Account.tags.through.objects.values_list("account_id", "tag_id")),
        sorted(Contact.tags.through.objects.values_list("contact_id", "tag_id")),
        sorted((pk, repr(v)) for pk, v in Account.all_objects.values_list("pk", "custom_fields")),
        sorted((pk, repr(v)) for pk, v in Contact.all_objects.values_list("pk", "custom_fields")),
        ContactPhone.objects.count(),
        ContactEmail.objects.count(),
        Address.objects.count(),
        Consent.objects.count(),
        sorted(CustomerTier.objects.values_list("pk", "name", "rank", "is_active")),
    )
